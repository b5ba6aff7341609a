#!/usr/bin/env python3
"""Times named command sequences interleaved, round by round.

  interleave.py SPEC OUT.json ROUNDS WARMUP
SPEC has one line per entry, "NAME: CMD [;; CMD ...]", each CMD split like a
shell would (no expansion). The step "@reap" waits for every process that
was reparented to this one (it is a child subreaper, like containerd's shim
and conmon), e.g. a container's init after `create` and `start`. Each round
runs every entry once, in an order rotated by the round number, so drift
and load hit every entry alike; the first WARMUP rounds are not kept. The
time of an entry is the wall time of its whole sequence. Standard input and
output are /dev/null; standard error goes to OUT.json's directory as
NAME.err. An entry whose command fails (non-zero exit, or @reap past its
10 s deadline) is dropped from further rounds and reported.

OUT.json has hyperfine's shape ({"results": [{"command", "times"}]}, times
in seconds) so bench/stats.py can read it, plus {"failed": {NAME: why}}.
"""
import ctypes
import json
import os
import shlex
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def parse(path):
    entries = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, rest = line.partition(":")
            steps = [shlex.split(s) for s in rest.split(";;")]
            entries.append((name.strip(), [s for s in steps if s]))
    return entries


class Late(Exception):
    pass


def late(_sig, _frame):
    raise Late()


def reap_all(deadline_s):
    """Waits (blocking) for every child; False when the deadline passed first."""
    signal.setitimer(signal.ITIMER_REAL, deadline_s)
    try:
        while True:
            os.waitpid(-1, 0)
    except ChildProcessError:
        return True
    except Late:
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def run_seq(steps, errfd, devnull):
    """Runs one sequence; returns (seconds, None) or (None, why)."""
    fa = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
          (os.POSIX_SPAWN_DUP2, errfd, 2)]
    t0 = time.perf_counter()
    for argv in steps:
        if argv == ["@reap"]:
            if not reap_all(10.0):
                return None, "@reap: a reparented process outlived 10 s"
            continue
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=fa)
        _, st = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(st)
        if code != 0:
            return None, f"exit {code}: {shlex.join(argv)}"
    return time.perf_counter() - t0, None


def main():
    spec, out, rounds, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("interleave: prctl(PR_SET_CHILD_SUBREAPER) failed")
    signal.signal(signal.SIGALRM, late)
    entries = parse(spec)
    outdir = os.path.dirname(os.path.abspath(out))
    devnull = os.open(os.devnull, os.O_RDWR)
    errfds = {n: os.open(os.path.join(outdir, n + ".err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
              for n, _ in entries}
    times = {n: [] for n, _ in entries}
    failed = {}
    for r in range(warmup + rounds):
        k = r % len(entries)
        for name, steps in entries[k:] + entries[:k]:
            if name in failed:
                continue
            t, why = run_seq(steps, errfds[name], devnull)
            reap_all(10.0)
            if why:
                failed[name] = why
            elif r >= warmup:
                times[name].append(t)
    results = [{"command": n, "times": times[n]} for n, _ in entries if n not in failed]
    with open(out, "w") as f:
        json.dump({"results": results, "failed": failed}, f, indent=1)


if __name__ == "__main__":
    main()
