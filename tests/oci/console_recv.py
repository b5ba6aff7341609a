#!/usr/bin/env python3
"""A console socket as containerd and conmon provide one: listen on a unix
stream socket, receive the pty master (SCM_RIGHTS), type a line into the
container's terminal and echo what comes back until the other side closes.
    console_recv.py SOCKET LINE        exit 0 once the master was received"""
import os
import select
import socket
import sys
import time

path, line = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(20)
conn, _ = srv.accept()
msg, fds, _flags, _addr = socket.recv_fds(conn, 1024, 1)
if len(fds) != 1:
    sys.exit("no fd received")
master = fds[0]
os.write(master, (line + "\n").encode())
deadline = time.time() + 10
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.2)
    if not r:
        continue
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: the slave side closed
        break
    if not data:
        break
    sys.stdout.write(data.decode(errors="replace"))
sys.exit(0)
