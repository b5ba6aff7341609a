#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal, as a user at a terminal would:
types INPUT, prints everything the command writes, and exits with its
status (124 when it outlives TIMEOUT seconds).
    ptyrun.py TIMEOUT INPUT -- CMD [ARG...]"""
import os
import pty
import select
import sys
import time

timeout, text = float(sys.argv[1]), sys.argv[2]
cmd = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
os.write(fd, text.encode())
deadline = time.monotonic() + timeout
out = b""
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.stdout.write(out.decode(errors="replace"))
        sys.exit(124)
    r, _, _ = select.select([fd], [], [], left)
    if not r:
        continue
    try:
        b = os.read(fd, 4096)
    except OSError:
        b = b""
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
