#!/usr/bin/env bash
# Host tier: the OCI process scheduling fields, read back from the kernel:
# process.scheduler (policy, priority, nice; SCHED_FIFO under a v1
# realtime budget from linux.resources.cpu.realtimeRuntime), ioPriority,
# and exec's execCPUAffinity; bad values refused with their JSON path and
# nothing left behind. Root; prints TAP.
#   tests/oci/procattr.sh BINARY [LABEL]
set -u
bin=$(realpath "$1")
NAME=procattr
TAP_NAME="oci-procattr[${2:-$(basename "$bin")}]"
# shellcheck source=../lib/ocitest.sh
. "$(cd "$(dirname "$0")" && pwd)/../lib/ocitest.sh"
hybrid() { [ -d /sys/fs/cgroup/unified ]; }
# The policy (stat field 41), rt priority (40) and nice (19) the kernel
# reports for the process reading its own /proc/self/stat.
STAT='set -- $(cat /proc/self/stat); shift 18; n=$1; shift 21; echo "policy=$2 rtprio=$1 nice=$n"'

# A realtime budget for the client's tree (what a user gives the parent of
# containers that run SCHED_FIFO on a v1 host with RT group scheduling).
rt_v1=0
if hybrid && [ -f /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
  rt_v1=1
  mkdir -p "/sys/fs/cgroup/cpu/$cgp"
  echo 100000 >"/sys/fs/cgroup/cpu/$cgp/cpu.rt_runtime_us"
fi

mkb fifo sh -c "$STAT"
edit fifo '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}'
[ "$rt_v1" = 1 ] && edit fifo '.linux.resources.cpu.realtimeRuntime = 50000'
run_cmd A run --bundle "$tmp/fifo" fifo
[ "$rc" -eq 0 ] && [ "$out" = "policy=1 rtprio=10 nice=0" ]
report $? "scheduler SCHED_FIFO priority 10: the kernel reports policy 1, rt priority 10" "rc=$rc out=$out err=$err"
if [ "$rt_v1" = 1 ]; then
  mkb nobudget sh -c "$STAT"
  edit nobudget '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}'
  run_cmd A run --bundle "$tmp/nobudget" nobudget
  [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && [[ $err == *process.scheduler* ]] &&
    [[ $err == *realtimeRuntime* ]] && [ -z "$(left nobudget)" ]
  report $? "SCHED_FIFO without a realtime budget on v1: one line naming process.scheduler and realtimeRuntime, nothing left" \
    "rc=$rc err=$err left:$(left nobudget)"
fi
mkb batch sh -c "$STAT"
edit batch '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
run_cmd A run --bundle "$tmp/batch" batch
[ "$rc" -eq 0 ] && [ "$out" = "policy=3 rtprio=0 nice=7" ]
report $? "scheduler SCHED_BATCH nice 7: policy 3, nice 7" "rc=$rc out=$out err=$err"

# ioPriority, read with ioprio_get from the host.
mkb io sleep 300
edit io '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
A run --detach --bundle "$tmp/io" io >/dev/null 2>"$tmp/err"
pid=$(A state io 2>/dev/null | jq -r '.pid // empty')
host=$(python3 - "${pid:-0}" <<'PY'
import ctypes, os, platform, sys
nr = {"x86_64": 252, "aarch64": 31, "armv7l": 315}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
v = libc.syscall(nr, 1, int(sys.argv[1]))
print(f"class={v >> 13} level={v & 0x1fff}")
PY
)
[ -n "$pid" ] && [ "$host" = "class=2 level=6" ]
report $? "ioPriority IOPRIO_CLASS_BE 6: ioprio_get from the host says class 2 level 6" "pid=$pid host=$host err=$(cat "$tmp/err")"

# execCPUAffinity: exec's final list is the new process's affinity; the
# container's init keeps its own.
if [ "$(nproc)" -ge 2 ]; then
  cat >"$tmp/aff.json" <<'JSON'
{ "args": ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"], "cwd": "/", "env": ["PATH=/bin"],
  "user": {"uid": 0, "gid": 0}, "execCPUAffinity": {"initial": "0", "final": "1"} }
JSON
  run_cmd A exec --process "$tmp/aff.json" io
  init=$(grep Cpus_allowed_list "/proc/$pid/status" | cut -f2)
  [ "$rc" -eq 0 ] && [ "$(echo "$out" | cut -f2)" = 1 ] && [ "$init" != 1 ]
  report $? "exec with execCPUAffinity final 1: the process runs on CPU 1 only, the init keeps its CPUs" \
    "rc=$rc out=$out init=$init err=$err"
fi
A delete --force io >/dev/null 2>&1

# Bad values: one line naming the JSON path, exit 1, nothing left.
bad() { # bad NAME JQ PATTERN
  mkb "$1" true && edit "$1" "$2"
  run_cmd A create --bundle "$tmp/$1" "$1"
  [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *"$3"* ]] && [ -z "$(left "$1")" ]
  report $? "$1: refused naming $3, nothing left" "rc=$rc err=$err left:$(left "$1")"
}
bad iso '.process.scheduler = {policy: "SCHED_ISO"}' ".process.scheduler.policy: Linux has no policy"
bad rtprio '.process.scheduler = {policy: "SCHED_RR", priority: 0}' ".process.scheduler: priority"
bad ioclass '.process.ioPriority = {class: "IOPRIO_CLASS_X"}' ".process.ioPriority.class"
bad cpus '.process.execCPUAffinity = {final: "2-1"}' ".process.execCPUAffinity.final: the range 2-1 is reversed"

echo "1..$n"
[ "$failed" -eq 0 ]
