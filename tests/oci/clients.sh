#!/usr/bin/env bash
# Real OCI clients driving a runtime: containerd's ctr (through the runc v2
# shim, with the runtime as its runc binary) and podman (--runtime). TAP.
#   tests/oci/clients.sh [RUNTIME]       (default $RUNTIME, else
#                                         build/x86_64-musl/alcove)
#   RUNTIME=/usr/sbin/runc tests/oci/clients.sh   proves the harness
# Everything is private to one temporary directory: containerd's root, state,
# sockets and config, podman's root/runroot/tmpdir (vfs storage, so no
# mounts), the runtime's state root under containerd, and cgroups named
# oci-clients-PID. Podman calls the runtime as users get it, without --root,
# so its containers' state is in the runtime's default root. All of it is
# stopped and removed on exit. The runtime is called through a
# wrapper that logs every call and the runtime's --log file, so a failure
# shows what the client asked for (printed as TAP comments; the files stay
# in $KEEP_DIR when it is set).
# Exit: 0 every test passed; 1 a test failed; 2 usage or set-up error.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
rt=${1:-${RUNTIME:-build/x86_64-musl/alcove}}
[ -x "$rt" ] || { echo "clients.sh: no runtime binary at $rt" >&2; exit 2; }
rt=$(readlink -f "$rt")
TAP_NAME="oci-clients[$(basename "$rt")]"
# shellcheck source=tests/lib/tap.sh
. tests/lib/tap.sh

tag=oci-clients-$$
d=$(mktemp -d "/tmp/$tag.XXXXXX")
chmod 755 "$d"
ref=localhost/alcove-bb:1
sock=$d/containerd.sock
trace=$d/runtime.trace
cpid=
T() { timeout -k 5 "${TMO:-60}" "$@"; } # no client call may hang the test

# The runtime wrapper: one line per call (arguments, then the exit status),
# and the runtime's own --log file after each call. It does not exec, so the
# status is known; the container's processes are reparented to the client's
# subreaper (shim, conmon) either way.
cat >"$d/rt" <<EOF
#!/bin/sh
echo "call: \$*" >>"$trace"
"$rt" "\$@"
rc=\$?
echo "exit \$rc: \$*" >>"$trace"
log=
prev=
for a in "\$@"; do
  [ "\$prev" = --log ] && log=\$a
  [ "\$prev" = --bundle ] && cp "\$a/config.json" "$d/configs/\${a##*/}.json" 2>/dev/null
  case \$a in --log=*) log=\${a#--log=} ;; esac
  prev=\$a
done
[ -n "\$log" ] && [ -s "\$log" ] && { echo "--- \$log"; tail -n 20 "\$log"; } >>"$d/runtime.logs"
exit \$rc
EOF
chmod 755 "$d/rt"
mkdir -p "$d/configs"

# Drives a program on a pseudo-terminal: PTIMEOUT EXPECT SEND [EXPECT SEND...]
# -- CMD...; waits for each EXPECT in the output, then types SEND. Prints the
# transcript and exits with the program's status (124: timed out, 125: the
# output ended before an EXPECT).
cat >"$d/ptydrive.py" <<'PY'
import os, pty, select, sys, time
args = sys.argv[1:]
deadline = time.monotonic() + float(args.pop(0))
sep = args.index("--")
steps, cmd = args[:sep], args[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out = b""
def more():
    global out
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    r, _, _ = select.select([fd], [], [], left)
    if not r:
        return None
    try:
        b = os.read(fd, 4096)
    except OSError:
        b = b""
    out += b
    return b
def finish(code):
    sys.stdout.write(out.decode(errors="replace"))
    sys.exit(code)
pos = 0
for i in range(0, len(steps), 2):
    want = steps[i].encode()
    while want not in out[pos:]:
        b = more()
        if b is None:
            os.kill(pid, 9)
            finish(124)
        if b == b"":
            finish(125)
    pos = out.index(want, pos) + len(want)
    os.write(fd, steps[i + 1].encode())
while True:
    b = more()
    if b is None:
        os.kill(pid, 9)
        finish(124)
    if b == b"":
        break
_, st = os.waitpid(pid, 0)
finish(os.waitstatus_to_exitcode(st))
PY

# Processes whose command line names our directory: containerd's shims,
# conmon, and any runtime call still running.
our_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF "$d/" && echo "${p#/proc/}"
  done
}
# Our cgroups: the ctr namespace's and podman's parent, in every hierarchy.
our_groups() { find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name "$tag*" 2>/dev/null; }

# Host paths the clients create whatever they are told (the shims' socket
# directory, podman's blob-info cache, the runtime's default root, which
# podman uses as real users run it): removed at the end only if this test
# made them and they are empty.
made=()
for p in /run/containerd /run/containerd/s /var/lib/containers /run/runc /run/alcove; do [ -e "$p" ] || made+=("$p"); done

cleanup() {
  local g p m
  if [ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null; then
    for c in $(T ctr --address "$sock" -n "$tag" task ls -q 2>/dev/null); do
      T ctr --address "$sock" -n "$tag" task kill -s KILL "$c" >/dev/null 2>&1
      T ctr --address "$sock" -n "$tag" task delete -f "$c" >/dev/null 2>&1
    done
    for c in $(T ctr --address "$sock" -n "$tag" c ls -q 2>/dev/null); do
      T ctr --address "$sock" -n "$tag" c rm "$c" >/dev/null 2>&1
    done
    kill "$cpid" 2>/dev/null
    wait "$cpid" 2>/dev/null
  fi
  [ -d "$d/p" ] && T podman "${pod[@]}" rm -af -t 0 >/dev/null 2>&1
  for p in $(our_pids); do kill -9 "$p" 2>/dev/null; done
  # Whatever is left in our cgroups (a runtime that failed half-way): thaw,
  # kill, then remove the groups deepest first.
  for g in $(our_groups); do
    find "$g" -name freezer.state -exec sh -c 'echo THAWED >"$1"' _ {} \; 2>/dev/null
    find "$g" -name cgroup.freeze -exec sh -c 'echo 0 >"$1"' _ {} \; 2>/dev/null
    # shellcheck disable=SC2044 # pids, no file names
    for p in $(find "$g" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  done
  for g in $(our_groups); do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      find "$g" -depth -type d -exec rmdir {} \; 2>/dev/null
      [ -d "$g" ] || break
      sleep 0.1
    done
  done
  # Mounts under our directory (containerd's overlay rootfs, podman's shm),
  # deepest first; host mounts are never touched.
  awk -v d="$d/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null; done
  if [ -n "${KEEP_DIR:-}" ]; then
    mkdir -p "$KEEP_DIR" && cp -a "$trace" "$d/runtime.logs" "$d/containerd.log" "$d/configs" "$KEEP_DIR/" 2>/dev/null
  fi
  rm -rf "$d"
  for ((i = ${#made[@]} - 1; i >= 0; i--)); do
    case ${made[i]} in
      /var/lib/containers) rm -rf /var/lib/containers/cache && rmdir /var/lib/containers ;;
      *) rmdir "${made[i]}" ;;
    esac 2>/dev/null
  done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The runtime's calls and logs for one container ID, as TAP comments, when a
# test about it failed.
explain() { # explain ID
  grep -E " $1\$| $1 " "$trace" 2>/dev/null | tail -n 12 | sed 's/^/# /'
  grep -A3 -E "/$1/|$1" "$d/runtime.logs" 2>/dev/null | grep -iE 'error|fatal|warn|unknown|not' | tail -n 6 | sed 's/^/# log: /'
}
check() { # check NAME ID CONDITION-STATUS [DETAIL]
  report "$3" "$1" "${4:-}"
  [ "$3" -eq 0 ] || explain "$2"
}
# called COMMAND ID: the runtime ran COMMAND for container ID and succeeded.
called() { grep -qE "^exit 0: (.* )?$1 (.* )?$2( [0-9A-Z]+)?\$" "$trace"; }

# Polls COMMAND until it succeeds or SECS pass.
until_ok() { # until_ok SECS COMMAND...
  local end=$(($(date +%s) + $1))
  shift
  until "$@"; do
    [ "$(date +%s)" -ge "$end" ] && return 1
    sleep 0.1
  done
}

# Waits for "ready" in FILE while the client PID still runs.
ready() { # ready FILE PID
  until_ok 30 eval "grep -qs ready '$1' || ! kill -0 $2 2>/dev/null" && grep -qs ready "$1"
}

# A shell on a terminal: types a command, checks its output came back and
# that stdin is a tty, exits CODE; the runtime must have been called with
# RUNTIME-CALL (an --console-socket pattern) and succeeded.
tty_case() { # tty_case NAME ID CODE RUNTIME-CALL -- CLIENT...
  local name=$1 id=$2 code=$3 call=$4 out rc
  shift 5
  out=$(T python3 "$d/ptydrive.py" 45 '# ' 'echo tty-$((6*7)); [ -t 0 ] && echo stdin-is-a-tty
' 'stdin-is-a-tty' "exit $code
" -- "$@" 2>&1)
  rc=$?
  [ "$rc" -eq "$code" ] && [[ $out == *tty-42* ]] && [[ $out == *stdin-is-a-tty* ]] &&
    grep -q -- "^exit 0: .*$call" "$trace"
  check "$name: typed command runs on a tty, exit status $code" "$id" $? \
    "rc=$rc out=$(printf %s "$out" | tr -d '\r' | tr '\n' ' ' | tail -c 300)"
}

tests/oci/image.sh "$d/image.tar" "$ref" || { echo "clients.sh: cannot build the image" >&2; exit 2; }

# ---------------------------------------------------------------- containerd
echo "# runtime under test: $rt"
cat >"$d/containerd.toml" <<EOF
version = 2
root = "$d/ctrd/root"
state = "$d/ctrd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = ""
  level = "debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/ctrd/opt"
EOF
containerd --config "$d/containerd.toml" >"$d/containerd.log" 2>&1 &
cpid=$!
C=(ctr --address "$sock" -n "$tag")
ctr_up() { [ -S "$sock" ] && "${C[@]}" version >/dev/null 2>&1; }
until_ok 30 ctr_up
report $? "containerd starts with a private root, state and socket"
# Every container: the runtime under test as the runc v2 shim's runc binary,
# its state root and the client's fifos in our directory.
R=(--runc-binary "$d/rt" --runc-root "$d/runc-root" --fifo-dir "$d/fifo")

out=$(T "${C[@]}" image import "$d/image.tar" 2>&1) && "${C[@]}" image ls -q | grep -qx "$ref"
report $? "ctr image import of the busybox OCI archive" "$out"

# ctr run --rm: output, exit status, and the container is gone afterwards.
out=$(T "${C[@]}" run --rm "${R[@]}" "$ref" c-rm /bin/sh -c 'echo hello-$((6*7)); exit 5' </dev/null 2>&1 | tr -d '\0')
rc=$?
[ "$rc" -eq 5 ] && [[ $out == *hello-42* ]] && called create c-rm
check "ctr run --rm: output seen and exit status 5 returned" c-rm $? "rc=$rc out=${out//$'\n'/ }"
! "${C[@]}" c ls -q | grep -qx c-rm && called delete c-rm
check "ctr run --rm: the container is removed (runtime delete called)" c-rm $?

# ctr run -t: a command typed through the terminal.
tty_case "ctr run -t" c-tty 4 "create .*--console-socket .* c-tty$" -- "${C[@]}" run -t --rm "${R[@]}" "$ref" c-tty /bin/sh

# A long-running container for exec, pause/resume, metrics and kill. ctr run
# (attached, in the background) returns the task's exit status.
# It also gets limits, an environment variable and a bind mount from ctr.
mkdir -p "$d/shared"
T "${C[@]}" run --rm "${R[@]}" --memory-limit $((64 << 20)) --cpus 0.5 --env GREETING=from-ctr \
  --mount "type=bind,src=$d/shared,dst=/host,options=rbind:rw" "$ref" c-long /bin/sh -c \
  'trap "echo got-term; exit 7" TERM; echo "$GREETING" >/host/greeting; echo ready; while :; do sleep 0.1; done' \
  </dev/null >"$d/c-long.out" 2>&1 &
long=$!
ready "$d/c-long.out" "$long"
check "ctr run: a long-running container starts" c-long $? "$(head -c 300 "$d/c-long.out")"
[ "$(cat "$d/shared/greeting" 2>/dev/null)" = from-ctr ]
check "ctr run --env --mount: the variable is set, the bind mount is writable" c-long $? "greeting=$(cat "$d/shared/greeting" 2>&1)"
task_status() { "${C[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_pid() { "${C[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
lpid=$(task_pid c-long)
[ "$(task_status c-long)" = RUNNING ] && [ -n "$lpid" ] && [ -d "/proc/$lpid" ]
check "ctr task ls: RUNNING with the container's host pid" c-long $? "status=$(task_status c-long) pid=$lpid"

# exec joins the container: its PID 1 is the container's shell.
out=$(T "${C[@]}" task exec --exec-id e1 --fifo-dir "$d/fifo" c-long /bin/sh -c \
  'echo exec-$((6*7)); tr "\0" " " </proc/1/cmdline; echo; exit 3' </dev/null 2>&1 | tr -d '\0')
rc=$?
[ "$rc" -eq 3 ] && [[ $out == *exec-42* ]] && [[ $out == *'echo ready'* ]] && called exec c-long
check "ctr task exec: output, exit status 3, in the container's pid namespace" c-long $? "rc=$rc out=${out//$'\n'/ }"

memlimit() { # memlimit PID: the memory limit of PID's cgroup, in bytes
  local v1 v2
  v1=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$1/cgroup" 2>/dev/null)
  v2=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup" 2>/dev/null)
  cat "/sys/fs/cgroup/memory$v1/memory.limit_in_bytes" 2>/dev/null ||
    cat "/sys/fs/cgroup/unified$v2/memory.max" 2>/dev/null || cat "/sys/fs/cgroup$v2/memory.max"
}
cpuquota() { # cpuquota PID: "QUOTA PERIOD" of PID's cgroup (v1 or v2)
  local v1 v2
  v1=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' "/proc/$1/cgroup" 2>/dev/null)
  v2=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup" 2>/dev/null)
  if [ -n "$v1" ] && [ -f "/sys/fs/cgroup/cpu$v1/cpu.cfs_quota_us" ]; then
    echo "$(cat "/sys/fs/cgroup/cpu$v1/cpu.cfs_quota_us") $(cat "/sys/fs/cgroup/cpu$v1/cpu.cfs_period_us")"
  else
    cat "/sys/fs/cgroup/unified$v2/cpu.max" 2>/dev/null || cat "/sys/fs/cgroup$v2/cpu.max"
  fi
}
[ "$(memlimit "$lpid")" = $((64 << 20)) ] && [ "$(cpuquota "$lpid")" = "50000 100000" ]
check "ctr run --memory-limit --cpus: the limits are in the container's cgroups" c-long $? "memory=$(memlimit "$lpid") cpu=$(cpuquota "$lpid")"

# exec -t: the exec'd shell gets its own terminal through the console socket.
tty_case "ctr task exec -t" c-long 2 "exec .*--console-socket .* c-long$" -- "${C[@]}" task exec -t --exec-id e3 --fifo-dir "$d/fifo" c-long /bin/sh

# containerd's spec denies every device but the usual few (linux.resources
# .devices): a host block device made inside must not be readable.
blk=$(find /sys/dev/block -mindepth 1 -maxdepth 1 -printf "%f\n" | sort | head -n 1)
out=$(T "${C[@]}" task exec --exec-id e2 --fifo-dir "$d/fifo" c-long /bin/sh -c \
  "mknod /tmp/blk b ${blk%%:*} ${blk#*:} 2>&1; head -c 1 /tmp/blk >/dev/null 2>&1 && echo device-readable || echo device-denied" \
  </dev/null 2>&1 | tr -d '\0')
rc=$?
[ -n "$blk" ] && [ "$rc" -eq 0 ] && [[ $out == *device-denied* ]]
check "ctr: the device rules deny a host block device ($blk) inside" c-long $? "rc=$rc out=${out//$'\n'/ }"

# ps: the shim asks the runtime for the container's pids.
out=$(T "${C[@]}" task ps c-long 2>&1)
rc=$?
[ "$rc" -eq 0 ] && printf '%s\n' "$out" | awk '{ print $1 }' | grep -qx "$lpid" && called ps c-long
check "ctr task ps: lists the container's init" c-long $? "rc=$rc out=${out//$'\n'/ }"

# pause/resume: the task's status and the cgroup freezer agree.
frozen() { # frozen PID: prints FROZEN or THAWED from the v1 freezer or v2 cgroup.freeze
  local v1 v2
  v1=$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$1/cgroup" 2>/dev/null)
  v2=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup" 2>/dev/null)
  if [ -n "$v1" ] && [ "$(cat "/sys/fs/cgroup/freezer$v1/freezer.state" 2>/dev/null)" = FROZEN ]; then
    echo FROZEN
  elif [ -n "$v2" ] && grep -qx 'frozen 1' "/sys/fs/cgroup/unified$v2/cgroup.events" 2>/dev/null; then
    echo FROZEN
  else
    echo THAWED
  fi
}
is() { [ "$($1 "$2")" = "$3" ]; } # is FUNCTION ARG VALUE
out=$(T "${C[@]}" task pause c-long 2>&1)
rc=$?
[ "$rc" -eq 0 ] && until_ok 10 is task_status c-long PAUSED && until_ok 10 is frozen "$lpid" FROZEN
check "ctr task pause: PAUSED and the cgroup is frozen" c-long $? "rc=$rc status=$(task_status c-long) freezer=$(frozen "$lpid") $out"
out=$(T "${C[@]}" task resume c-long 2>&1)
rc=$?
[ "$rc" -eq 0 ] && until_ok 10 is task_status c-long RUNNING && until_ok 10 is frozen "$lpid" THAWED
check "ctr task resume: RUNNING and the cgroup is thawed" c-long $? "rc=$rc status=$(task_status c-long) freezer=$(frozen "$lpid") $out"

# metrics: the shim reads the container's cgroup; values must be real.
out=$(T "${C[@]}" task metrics --format json c-long 2>&1)
rc=$?
# cgroup v1 (hybrid host) and v2 shapes of the shim's answer.
vals=$(printf '%s' "$out" | python3 -c '
import json, sys
j = json.load(sys.stdin)
def get(*path):
    v = j
    for key in path:
        v = v.get(key) if isinstance(v, dict) else None
    return v or 0
print(get("pids", "current"), get("cpu", "usage", "total") or get("cpu", "usage_usec"),
      get("memory", "usage", "usage") or get("memory", "usage"))' 2>/dev/null)
read -r m_pids m_cpu m_mem <<<"${vals:-0 0 0}"
[ "$rc" -eq 0 ] && [ "$m_pids" -ge 2 ] && [ "$m_cpu" -gt 0 ] && [ "$m_mem" -gt 0 ]
check "ctr task metrics: cpu, memory and pids values from the container's cgroup" c-long $? "rc=$rc pids=$m_pids cpu=$m_cpu mem=$m_mem $(printf %s "$out" | head -c 200)"

# kill: TERM reaches the container's shell (it traps it and exits 7).
out=$(T "${C[@]}" task kill -s TERM c-long 2>&1)
rc=$?
wait "$long"
lrc=$?
[ "$rc" -eq 0 ] && [ "$lrc" -eq 7 ] && grep -q got-term "$d/c-long.out" && called kill c-long
check "ctr task kill -s TERM: delivered, the task exits 7" c-long $? "kill rc=$rc run rc=$lrc"

# kill -s KILL: exit status 137.
T "${C[@]}" run --rm "${R[@]}" "$ref" c-kill /bin/sh -c 'echo ready; exec sleep 1000' </dev/null >"$d/c-kill.out" 2>&1 &
kpid=$!
ready "$d/c-kill.out" "$kpid" && until_ok 10 is task_status c-kill RUNNING
out=$(T "${C[@]}" task kill -s KILL c-kill 2>&1)
rc=$?
wait "$kpid"
krc=$?
[ "$rc" -eq 0 ] && [ "$krc" -eq 137 ]
check "ctr task kill -s KILL: the task exits 137" c-kill $? "kill rc=$rc run rc=$krc $out"

left=$("${C[@]}" c ls -q 2>&1; "${C[@]}" task ls -q 2>&1)
[ -z "$left" ]
report $? "ctr: no container or task left" "$left"

# -------------------------------------------------------------------- podman
pod=(--root "$d/p/root" --runroot "$d/p/run" --tmpdir "$d/p/tmp" --volumepath "$d/p/vol"
  --network-config-dir "$d/p/net" --storage-driver vfs --runtime "$d/rt"
  --cgroup-manager cgroupfs --events-backend file)
prun=(--network none --cgroup-parent "/$tag-podman" --cgroups no-conmon --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
mkdir -p "$d/p"
out=$(T podman "${pod[@]}" load -i "$d/image.tar" 2>&1) && T podman "${pod[@]}" image exists "$ref"
report $? "podman load of the busybox OCI archive" "$(printf %s "$out" | tail -n 2 | tr '\n' ' ')"

out=$(T podman "${pod[@]}" run --rm "${prun[@]}" "$ref" /bin/sh -c 'echo podman-$((6*7)); exit 6' </dev/null 2>&1 | tr -d '\0')
rc=$?
[ "$rc" -eq 6 ] && [[ $out == *podman-42* ]] && grep -q "^exit 0: .*create --bundle $d/p/" "$trace"
check "podman run --rm: output seen and exit status 6 returned" podman $? "rc=$rc out=$(printf %s "$out" | tail -n 3 | tr '\n' ' ')"

# podman run -it: conmon holds the terminal through the console socket.
tty_case "podman run -it" podman 8 "create .*--console-socket" -- podman "${pod[@]}" run -it --rm "${prun[@]}" "$ref" /bin/sh

out=$(T podman "${pod[@]}" run -d --name p-long "${prun[@]}" "$ref" /bin/sleep 1000 </dev/null 2>&1 | tr -d '\0')
rc=$?
report $rc "podman run -d: a long-running container" "$(printf %s "$out" | tail -n 3 | tr '\n' ' ')"
out=$(T podman "${pod[@]}" exec p-long /bin/sh -c 'echo pexec-$((6*7)); tr "\0" " " </proc/1/cmdline; echo; exit 9' </dev/null 2>&1 | tr -d '\0')
rc=$?
[ "$rc" -eq 9 ] && [[ $out == *pexec-42* ]] && [[ $out == *'sleep 1000'* ]] && grep -q "^exit 0: .*exec .*--process $d/p/" "$trace"
check "podman exec: output, exit status 9, in the container's pid namespace" podman $? "rc=$rc out=$(printf %s "$out" | tail -n 3 | tr '\n' ' ')"
tty_case "podman exec -it" podman 3 "exec .*--console-socket" -- podman "${pod[@]}" exec -it p-long /bin/sh
pstatus() { podman "${pod[@]}" inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
ppid_of() { podman "${pod[@]}" inspect -f '{{.State.Pid}}' "$1" 2>/dev/null; }
out=$(T podman "${pod[@]}" pause p-long 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$(pstatus p-long)" = paused ] && until_ok 10 is frozen "$(ppid_of p-long)" FROZEN
check "podman pause: paused and the cgroup is frozen" podman $? "rc=$rc status=$(pstatus p-long) $out"
out=$(T podman "${pod[@]}" unpause p-long 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$(pstatus p-long)" = running ] && until_ok 10 is frozen "$(ppid_of p-long)" THAWED
check "podman unpause: running and the cgroup is thawed" podman $? "rc=$rc status=$(pstatus p-long) $out"
# update: the runtime's update writes the new limit into the container's
# memory cgroup (v1 here, memory.max on v2).
out=$(T podman "${pod[@]}" update --memory 48m p-long 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$(memlimit "$(ppid_of p-long)")" = $((48 << 20)) ] && grep -q "^exit 0: .*update " "$trace"
check "podman update --memory: the runtime sets the cgroup's limit" podman $? "rc=$rc limit=$(memlimit "$(ppid_of p-long)") $(printf %s "$out" | tail -n 2 | tr '\n' ' ')"
out=$(T podman "${pod[@]}" rm -f -t 0 p-long 2>&1) && [ -z "$(podman "${pod[@]}" ps -aq 2>&1)" ]
report $? "podman rm -f: the container is gone" "$(printf %s "$out" | tail -n 3 | tr '\n' ' ')"

# Deleting a container removes its cgroups: only the parents the clients
# made (oci-clients-PID, oci-clients-PID-podman) may remain.
left=$(for g in $(our_groups); do find "$g" -mindepth 1 -type d; done)
[ -z "$left" ]
report $? "every container's cgroups are removed on delete" "$(printf %s "$left" | tr '\n' ' ' | head -c 300)"

if [ "$failed" -gt 0 ]; then
  echo "# runtime calls (last 40):"
  tail -n 40 "$trace" | sed "s|$d|\$D|g; s/^/# /"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
