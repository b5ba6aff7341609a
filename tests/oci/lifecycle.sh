#!/usr/bin/env bash
# Host tier: alcove as an OCI runtime, driven the way containerd's shim and
# podman's conmon drive it (create/start/state/kill/delete, run, exec, ps,
# list, pause/resume, update, the console socket, --preserve-fds), and bad
# input that must leave nothing behind. Root; prints TAP.
#   tests/oci/lifecycle.sh BINARY [LABEL]
set -u
bin=$(realpath "$1")
label=${2:-$(basename "$bin")}
here=$(cd "$(dirname "$0")" && pwd)
TAP_NAME="oci-lifecycle[$label]"
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/bundle.sh
. "$here/../lib/bundle.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root"
  exit 0
fi
tmp=$(mktemp -d /tmp/oci-lifecycle.XXXXXX)
root=$tmp/root
cgp=oci-lifecycle-$$ # every cgroup of this run lives under it
A() { "$bin" --root "$root" "$@"; }

cleanup() {
  for id in $(A list -q 2>/dev/null); do A delete --force "$id" >/dev/null 2>&1; done
  for h in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/*/; do
    [ -d "$h/$cgp" ] && find "$h/$cgp" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  pkill -KILL -f "$tmp/" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# poll SECONDS COMMAND...: true once COMMAND succeeds within the deadline.
poll() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.05
  done
}

# mkb NAME ARG...: a bundle $tmp/NAME whose cgroup is $cgp/NAME.
mkb() {
  local name=$1
  shift
  bundle_make "$tmp/$name" "$@" || return 1
  jq --arg p "/$cgp/$name" '.linux.cgroupsPath = $p' "$tmp/$name/config.json" >"$tmp/$name/c" &&
    mv "$tmp/$name/c" "$tmp/$name/config.json"
}
edit() { jq "$2" "$tmp/$1/config.json" >"$tmp/$1/c" && mv "$tmp/$1/c" "$tmp/$1/config.json"; }

# v1_missing PID NAME: what is wrong with PID's v1 groups on a hybrid host:
# each v1 hierarchy alcove joins where /proc/PID/cgroup or the group's
# tasks file does not show PID in $cgp/NAME, and each limit of
# tests/lib/bundle.sh that its group does not hold. Empty when all is right.
v1_joined="cpu cpuacct memory pids" # where clients read stats, and the limits'

v1_missing() {
  local pid=$1 g=$cgp/$2 h f want miss=""
  for h in $v1_joined; do
    [ -d "/sys/fs/cgroup/$h" ] || continue
    grep -qE "^[0-9]+:([^:]*,)?$h(,[^:]*)?:/$g\$" "/proc/$pid/cgroup" || miss="$miss $h"
    grep -qx "$pid" "/sys/fs/cgroup/$h/$g/tasks" 2>/dev/null || miss="$miss $h/tasks"
  done
  for f in cpu/cpu.cfs_quota_us=50000 cpu/cpu.cfs_period_us=100000 cpu/cpu.shares=512 \
    memory/memory.limit_in_bytes=67108864 pids/pids.max=64; do
    want=${f#*=}
    f=${f%=*}
    [ "$(cat "/sys/fs/cgroup/${f%%/*}/$g/${f#*/}" 2>/dev/null)" = "$want" ] || miss="$miss $f"
  done
  echo "$miss"
}

# cgdir NAME [CTRL]: the container's group (v2, or a v1 controller's).
cgdir() {
  if [ -d /sys/fs/cgroup/unified ]; then
    [ -n "${2:-}" ] && echo "/sys/fs/cgroup/$2/$cgp/$1" || echo "/sys/fs/cgroup/unified/$cgp/$1"
  else
    echo "/sys/fs/cgroup/$cgp/$1"
  fi
}
hybrid() { [ -d /sys/fs/cgroup/unified ]; }
status_of() { A state "$1" 2>/dev/null | jq -r .status; }
pid_of() { A state "$1" 2>/dev/null | jq -r .pid; }
# run_cmd ARGS...: sets rc, out, err (and lines: stderr line count).
run_cmd() {
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
  lines=$(wc -l <"$tmp/err")
}
# left NAME: prints what a failed or deleted container left behind.
left() {
  local what=""
  [ -e "$root/$1" ] && what="$what state-dir"
  for d in /sys/fs/cgroup/unified/$cgp/$1 /sys/fs/cgroup/*/$cgp/$1; do
    [ -d "$d" ] && what="$what cgroup:$d"
  done
  pgrep -f "$tmp/$1( |$)" >/dev/null && what="$what process"
  grep -q "$tmp/$1/" /proc/self/mountinfo && what="$what mount"
  echo "$what"
}

# --- create parks the process; start releases it ----------------------------
mkb c1 sh -c 'echo started >/tmp/marker; exec sleep 1000'
start_ns=$(date +%s%N)
A create --bundle "$tmp/c1" --pid-file "$tmp/c1.pid" c1 </dev/null >/dev/null 2>"$tmp/err"
rc=$?
ms=$((($(date +%s%N) - start_ns) / 1000000))
pid=$(cat "$tmp/c1.pid" 2>/dev/null)
[ "$rc" -eq 0 ] && [ -n "$pid" ] && [ "$(pid_of c1)" = "$pid" ] && [ "$ms" -lt 5000 ]
report $? "create returns promptly (${ms} ms) with the pid file written" "rc=$rc pid=$pid $(cat "$tmp/err")"
[ "$(status_of c1)" = created ] && [ ! -e "$tmp/c1/rootfs/tmp/marker" ] && kill -0 "$pid" 2>/dev/null
report $? "state says created, the process is alive and the command has not run"
A list | grep -qE "^c1 +$pid +created" && A list --format json | jq -e '.[] | select(.id == "c1" and .status == "created")' >/dev/null
report $? "list (table and --format json) shows the created container"
A start c1 && poll 5 test -e "$tmp/c1/rootfs/tmp/marker" && [ "$(status_of c1)" = running ]
report $? "start runs the command; state says running"
A state c1 | jq -e '.ociVersion and .id == "c1" and (.pid > 0) and (.bundle | startswith("/"))' >/dev/null
report $? "state is the runtime-spec state object"
run_cmd A start c1
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *'"c1" is running'* ]]
report $? "start twice fails with a one-line error" "rc=$rc err=$err"
grep -q "^1:.*/$cgp/c1\|^0::/$cgp/c1$" "/proc/$pid/cgroup"
report $? "the process runs in the cgroup from linux.cgroupsPath" "$(cat "/proc/$pid/cgroup" 2>&1 | tr '\n' ' ')"
mark=$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.alcove.owner").decode())' \
  "$(cgdir c1)" 2>&1)
[ "$mark" = "c1@$(A state c1 | jq -r .created)" ]
report $? "create marks the group it makes with the id and creation time (trusted.alcove.owner)" "mark=$mark"
if hybrid; then
  grep -q "cpuacct:/$cgp/c1$" "/proc/$pid/cgroup" && ! grep -q "freezer:/$cgp/c1$" "/proc/$pid/cgroup" &&
    ! grep -q "cpuset:/$cgp/c1$" "/proc/$pid/cgroup" && [ ! -d "/sys/fs/cgroup/freezer/$cgp/c1" ]
  report $? "on hybrid it joins the stats hierarchies (cpuacct) and its limits', not unused ones (freezer, cpuset)" \
    "$(tr '\n' ' ' <"/proc/$pid/cgroup")"
  miss=$(v1_missing "$pid" c1)
  [ -z "$miss" ]
  report $? "on hybrid it is in its group in each v1 hierarchy alcove joins, with every limit" "missing:$miss"
  # A user namespace takes the parent's path (the pid written to each
  # cgroup.procs) instead of the child's own "0" to tasks: same outcome.
  # Its root (uid 100000 outside) must pass through $tmp to the rootfs.
  chmod 711 "$tmp"
  mkb un1 sleep 300 && edit un1 '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  A run -d --bundle "$tmp/un1" un1 </dev/null >/dev/null 2>"$tmp/err"
  upid=$(A state un1 2>/dev/null | jq -r '.pid // empty')
  miss=$(v1_missing "${upid:-0}" un1)
  [ -n "$upid" ] && [ -z "$miss" ]
  report $? "in a user namespace (the parent attaches) it is in every v1 group, with every limit" \
    "pid=$upid missing:$miss err=$(cat "$tmp/err")"
  A delete --force un1 >/dev/null 2>&1
  if command -v strace >/dev/null; then
    nv1=0
    for h in $v1_joined; do [ -d "/sys/fs/cgroup/$h" ] && nv1=$((nv1 + 1)); done
    mkb sa1 true
    strace -f -qq -y -e trace=write -o "$tmp/sa1.trace" "$bin" --root "$root" run --bundle "$tmp/sa1" sa1 \
      </dev/null >/dev/null 2>&1
    self=$(grep -c "/$cgp/sa1/tasks>, \"0\", 1)" "$tmp/sa1.trace")
    procs=$(grep -c "cgroup.procs>" "$tmp/sa1.trace")
    [ "$self" -eq "$nv1" ] && [ "$procs" -eq 0 ]
    report $? "the process joins its $nv1 v1 groups itself (\"0\" to tasks); no cgroup.procs write" \
      "self=$self procs=$procs"
    cp -r "$tmp/un1" "$tmp/su1" && edit su1 ".linux.cgroupsPath = \"/$cgp/su1\" | .process.args = [\"true\"]"
    strace -f -qq -y -e trace=write -o "$tmp/su1.trace" "$bin" --root "$root" run --bundle "$tmp/su1" su1 \
      </dev/null >/dev/null 2>&1
    self=$(grep -c "/$cgp/su1/tasks>, \"0\", 1)" "$tmp/su1.trace")
    procs=$(grep -c "/$cgp/su1/cgroup.procs>" "$tmp/su1.trace")
    [ "$self" -eq 0 ] && [ "$procs" -eq "$nv1" ]
    report $? "in a user namespace the parent writes the pid to the $nv1 v1 cgroup.procs instead" \
      "self=$self procs=$procs"
  fi
fi

# --- ps, exec ------------------------------------------------------------------
run_cmd A ps --format=json c1
echo "$out" | jq -e --argjson p "$pid" 'index($p) != null' >/dev/null
report $? "ps --format=json lists the init's pid" "out=$out"
# The table is the host's ps (-ef by default), cut to the container's lines.
sh -c 'exec sleep 301' </dev/null >/dev/null 2>&1 &
outsider=$!
run_cmd A ps c1
col=$(echo "$out" | head -1 | awk '{for (i = 1; i <= NF; i++) if ($i == "PID") print i}')
listed=$(echo "$out" | tail -n +2 | awk -v c="${col:-0}" '{print $c}' | sort -n | tr '\n' ' ')
members=$(sort -n "$(cgdir c1)/cgroup.procs" | tr '\n' ' ')
[ "$rc" -eq 0 ] && [ -n "$col" ] && [ "$listed" = "$members" ] && [[ $out == *"sleep 1000"* ]] &&
  ! echo "$out" | awk -v c="$col" '{print $c}' | grep -qx "$outsider"
report $? "ps prints the host's ps -ef lines of the container's processes only" \
  "rc=$rc col=$col listed=$listed members=$members err=$err"
run_cmd A ps c1 -- -o pid,comm
[ "$rc" -eq 0 ] && [ "$(echo "$out" | head -1 | tr -s ' ' | sed 's/^ //')" = "PID COMMAND" ] &&
  echo "$out" | grep -Eq "^ *$pid +sleep$"
report $? "ps ID -- -o pid,comm passes the options to ps" "rc=$rc out=$out err=$err"
run_cmd A ps c1 -- -o comm
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *"no PID column"* ]]
report $? "ps options without a PID column fail clearly" "rc=$rc err=$err"
kill "$outsider" 2>/dev/null
wait "$outsider" 2>/dev/null
run_cmd A exec c1 sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; cat /proc/self/cgroup; exit 7'
[ "$rc" -eq 7 ] && [[ $out == "sleep 1000 "* ]] && echo "$out" | grep -q "/$cgp/c1"
report $? "exec runs in the container (pid 1 is its init, same cgroup); its exit status propagates" "rc=$rc out=$out err=$err"
run_cmd A exec --env FOO=bar --cwd /tmp c1 sh -c 'echo "$FOO $(pwd) $(id -u)"'
[ "$rc" -eq 0 ] && [ "$out" = "bar /tmp 0" ]
report $? "exec --env and --cwd reach the process" "out=$out err=$err"
run_cmd A exec --user 1000:1000 c1 sh -c 'id -u; id -g; grep CapEff /proc/self/status'
[ "$rc" -eq 0 ] && [ "$(echo "$out" | sed -n 1p)" = 1000 ] && [ "$(echo "$out" | sed -n 2p)" = 1000 ] &&
  [[ $out == *"CapEff:	0000000000000000"* ]]
report $? "exec --user runs as that user, without capabilities" "out=$out err=$err"
cat >"$tmp/proc.json" <<'JSON'
{ "args": ["sh", "-c", "echo from-process-json; exit 3"], "env": ["PATH=/bin"], "cwd": "/",
  "user": {"uid": 0, "gid": 0} }
JSON
run_cmd A exec --process "$tmp/proc.json" c1
[ "$rc" -eq 3 ] && [ "$out" = from-process-json ]
report $? "exec --process FILE runs that process" "rc=$rc out=$out err=$err"
run_cmd A exec --detach --pid-file "$tmp/ex.pid" c1 sleep 300
epid=$(cat "$tmp/ex.pid" 2>/dev/null)
[ "$rc" -eq 0 ] && [ -n "$epid" ] && A ps --format json c1 | jq -e --argjson p "$epid" 'index($p) != null' >/dev/null
report $? "exec --detach --pid-file leaves the process in the container's cgroup" "rc=$rc epid=$epid err=$err"
run_cmd A exec c1 /no/such/thing
[ "$rc" -eq 127 ] && [ "$lines" -eq 1 ] && [[ $err == *"/no/such/thing"* ]]
report $? "exec of a missing command exits 127 with a one-line error" "rc=$rc err=$err"

# --- pause / resume ---------------------------------------------------------------
A pause c1 && [ "$(cat "$(cgdir c1)/cgroup.freeze")" = 1 ] && grep -q "frozen 1" "$(cgdir c1)/cgroup.events" &&
  [ "$(status_of c1)" = paused ]
report $? "pause freezes the cgroup (cgroup.events frozen 1); state says paused"
run_cmd A pause c1
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ]
report $? "pause of a paused container fails clearly" "err=$err"
A resume c1 && grep -q "frozen 0" "$(cgdir c1)/cgroup.events" && [ "$(status_of c1)" = running ]
report $? "resume thaws it; state says running"

# --- update -------------------------------------------------------------------------
A update --memory 96M --pids-limit 20 --cpu-quota 20000 --cpu-period 100000 c1
rc=$?
if hybrid; then
  mem=$(cat "$(cgdir c1 memory)/memory.limit_in_bytes") pids=$(cat "$(cgdir c1 pids)/pids.max")
  cpu=$(cat "$(cgdir c1 cpu)/cpu.cfs_quota_us")
else
  mem=$(cat "$(cgdir c1)/memory.max") pids=$(cat "$(cgdir c1)/pids.max")
  cpu=$(cut -d' ' -f1 "$(cgdir c1)/cpu.max")
fi
[ "$rc" -eq 0 ] && [ "$mem" = $((96 << 20)) ] && [ "$pids" = 20 ] && [ "$cpu" = 20000 ]
report $? "update flags change memory, pids and cpu in the cgroup" "rc=$rc mem=$mem pids=$pids cpu=$cpu"
echo '{"memory": {"limit": 50331648}, "pids": {"limit": 33}}' | A update --resources - c1
rc=$?
if hybrid; then
  mem=$(cat "$(cgdir c1 memory)/memory.limit_in_bytes") pids=$(cat "$(cgdir c1 pids)/pids.max")
else
  mem=$(cat "$(cgdir c1)/memory.max") pids=$(cat "$(cgdir c1)/pids.max")
fi
[ "$rc" -eq 0 ] && [ "$mem" = 50331648 ] && [ "$pids" = 33 ]
report $? "update --resources - reads linux.resources from stdin" "rc=$rc mem=$mem pids=$pids"
if hybrid; then
  # cpuset was not joined at create: update joins it, moving every member.
  A exec --detach c1 sleep 300
  echo '{"cpu": {"cpus": "0"}}' | A update --resources - c1
  rc=$?
  want=$(A ps --format json c1 | jq -r 'sort | .[]' | tr '\n' ' ')
  have=$(sort -n "/sys/fs/cgroup/cpuset/$cgp/c1/cgroup.procs" 2>/dev/null | tr '\n' ' ')
  [ "$rc" -eq 0 ] && [ "$(cat "/sys/fs/cgroup/cpuset/$cgp/c1/cpuset.cpus")" = 0 ] && [ -n "$want" ] &&
    [ "$have" = "$want" ] && grep -q "cpuset:/$cgp/c1$" "/proc/$pid/cgroup"
  report $? "update of a controller not joined at create joins it with every member (cpuset)" \
    "rc=$rc want=$want have=$have"
fi
run_cmd A update --resources - c1 <<<'{"memory": {"limit": "lots"}}'
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *memory* ]]
report $? "update with a bad resources object names the field" "err=$err"

# --- kill, delete --------------------------------------------------------------------
run_cmd A delete c1
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *"--force"* ]] && [ "$(status_of c1)" = running ]
report $? "delete of a running container without --force is refused, one line" "rc=$rc err=$err"
A kill c1 KILL && poll 5 sh -c "[ \"\$($bin --root $root state c1 | jq -r .status)\" = stopped ]"
report $? "kill c1 KILL stops it; state says stopped"
run_cmd A kill c1 TERM
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *stopped* ]]
report $? "kill of a stopped container fails clearly" "err=$err"
A delete c1 && [ -z "$(left c1)" ]
report $? "delete of a stopped container leaves no state dir, cgroup or process" "left:$(left c1)"

mkb k1 sh -c 'trap "echo term >/tmp/got; exit 3" TERM; while :; do sleep 0.05; done'
A run --detach --bundle "$tmp/k1" k1 </dev/null >/dev/null 2>&1 && [ "$(status_of k1)" = running ]
report $? "run --detach leaves it running"
ok=0
for s in TERM SIGTERM 15; do
  rm -f "$tmp/k1/rootfs/tmp/got"
  [ "$s" = 15 ] && break
  A exec k1 true # the trap is set once sh runs its loop
  A kill k1 "$s" || ok=1
  poll 5 test -e "$tmp/k1/rootfs/tmp/got" || ok=1
  poll 5 sh -c "[ \"\$($bin --root $root state k1 | jq -r .status)\" = stopped ]" || ok=1
  A delete k1
  A run --detach --bundle "$tmp/k1" k1 </dev/null >/dev/null 2>&1 || ok=1
done
[ $ok -eq 0 ]
report $? "kill takes TERM and SIGTERM (the init's trap sees it)"
A exec --detach k1 sleep 100 && A exec --detach k1 sleep 100 && A kill --all k1 9 &&
  poll 5 sh -c "[ -z \"\$(cat $(cgdir k1)/cgroup.procs)\" ]"
report $? "kill --all 9 signals every process of the cgroup"
A delete --force k1 >/dev/null 2>&1

mkb d1 sleep 1000
A run -d --bundle "$tmp/d1" d1 </dev/null >/dev/null 2>&1
dpid=$(pid_of d1)
A exec -d d1 sleep 1000
gone() { ! grep -qv '^[^)]*) [ZX]' "/proc/$1/stat" 2>/dev/null; } # exited (a zombie at most)
A delete --force d1 && [ -z "$(left d1)" ] && poll 5 gone "$dpid"
report $? "delete --force of a running container kills it and removes everything" "left:$(left d1)"
run_cmd A delete --force d1
[ "$rc" -eq 0 ]
report $? "delete --force of a container already gone succeeds (as runc)" "rc=$rc err=$err"

# A recycled pid: the state names a live process that is not the container's.
mkb u1 sleep 1000
A run -d --bundle "$tmp/u1" u1 </dev/null >/dev/null 2>&1
A kill u1 KILL
poll 5 sh -c "[ \"\$($bin --root $root state u1 | jq -r .status)\" = stopped ]"
sleep 300 &
victim=$!
jq --argjson p "$victim" '.pid = $p' "$root/u1/state.json" >"$tmp/s" && mv "$tmp/s" "$root/u1/state.json"
run_cmd A kill u1 KILL
[ "$(status_of u1)" = stopped ] && [ "$rc" -eq 1 ] && A delete u1 && kill -0 "$victim"
report $? "a recycled pid (start time differs) counts as stopped; kill and delete leave it alone" "rc=$rc err=$err"
kill "$victim"

# A create killed half-way leaves state "creating" with the cgroup path:
# delete still removes the group and whatever runs in it, when the group
# bears that create's mark (the id and creation time, as create sets it).
created=2026-11-22T10:00:00.000000001Z
mkdir -p "$root/h1" "$(cgdir h1)"
echo "{\"id\": \"h1\", \"status\": \"creating\", \"pid\": 0, \"created\": \"$created\",
  \"cgroup_path\": \"$cgp/h1\"}" >"$root/h1/state.json"
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "trusted.alcove.owner", sys.argv[2].encode())' \
  "$(cgdir h1)" "h1@$created"
orphan=$(sh -c 'sleep 300 >/dev/null 2>&1 & echo $!') # not our job: no "Killed" notice
echo "$orphan" >"$(cgdir h1)/cgroup.procs"
[ "$(status_of h1)" = creating ] && A delete h1 && [ -z "$(left h1)" ] && poll 5 gone "$orphan"
report $? "delete of a create that died half-way (state creating) removes its cgroup and process" "left:$(left h1)"
# The same, when the create died before making its group and the path is
# another container's: that one is left running.
mkb h2 sleep 300
A run --detach --bundle "$tmp/h2" h2 </dev/null >/dev/null 2>&1
h2pid=$(pid_of h2)
mkdir -p "$root/h3"
echo "{\"id\": \"h3\", \"status\": \"creating\", \"pid\": 0, \"created\": \"$created\",
  \"cgroup_path\": \"$cgp/h2\"}" >"$root/h3/state.json"
A delete h3 && [ ! -e "$root/h3" ] && [ -d "$(cgdir h2)" ] && kill -0 "$h2pid" && [ "$(status_of h2)" = running ]
report $? "delete of a half-made create whose path is another container's group leaves that container running" \
  "h2 pid=$h2pid status=$(status_of h2)"
A delete --force h2 >/dev/null 2>&1

# --- run in the foreground --------------------------------------------------------------
mkb r1 sh -c 'echo out-$((6*7)); exit 9'
run_cmd A run --bundle "$tmp/r1" r1
[ "$rc" -eq 9 ] && [ "$out" = out-42 ] && [ -z "$(left r1)" ]
report $? "run waits, passes stdio through, exits with the status and deletes" "rc=$rc out=$out left:$(left r1)"
# The levels above a client's group are the client's (containerd's
# /default): they stay, as with runc; a create that fails removes the
# levels it made itself.
mkb r2 true && edit r2 ".linux.cgroupsPath = \"/$cgp/fresh/r2\""
run_cmd A run --bundle "$tmp/r2" r2
[ "$rc" -eq 0 ] && [ -d "$(cgdir fresh)" ] && [ ! -d "$(cgdir fresh)/r2" ] && [ -z "$(left r2)" ]
report $? "run in a client's tree: its group goes, the parent level it made stays" "rc=$rc err=$err"
# A foreground run's process shares alcove's address space from clone to
# exec (no copy of it is made): what it executes is still only the config's.
mkb r4 sh -c 'env | sort | tr "\n" " "'
edit r4 '.process.env = ["PATH=/bin", "ONLY=container"]'
HOSTONLY=yes
export HOSTONLY
run_cmd A run --bundle "$tmp/r4" r4
unset HOSTONLY
[ "$rc" -eq 0 ] && [[ $out == *"ONLY=container"* ]] && [[ $out != *HOSTONLY* ]] && [ -z "$(left r4)" ]
report $? "run: the process gets the config's environment, not alcove's" "rc=$rc out=$out err=$err"
mkb r5 true && edit r5 '.process.env = ["PATH=/nowhere"]'
run_cmd A run --bundle "$tmp/r5" r5
[ "$rc" -eq 127 ] && [ "$lines" -eq 1 ] && [[ $err == *true* ]] && [ -z "$(left r5)" ]
report $? "run: a bare command is looked up in the container's PATH only (127, one line, nothing left)" \
  "rc=$rc err=$err left:$(left r5)"
mkb r6 true && edit r6 '.mounts += [{"destination": "/mnt/x", "type": "bind",
  "source": "/nonexistent/alcove-src", "options": ["bind"]}]'
run_cmd A run --bundle "$tmp/r6" r6
[ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && [[ $err == *"/nonexistent/alcove-src"* ]] && [ -z "$(left r6)" ]
report $? "run: a setup failure in the container process is one line naming the source, nothing left" \
  "rc=$rc err=$err left:$(left r6)"
# A create on its own lets the parked process share its address space too
# and exits: start, a startContainer hook and seccomp then run in that
# process after create is gone.
mkb s1 sh -c 'cat /hooked; echo $(cat /proc/self/status | grep -c "^Seccomp:.*2")'
edit s1 '.hooks = {startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo from-hook >/hooked"]}]}
  | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"],
      syscalls: [{names: ["mknodat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
A create --bundle "$tmp/s1" s1 </dev/null >"$tmp/s1.out" 2>&1 && A start s1 &&
  poll 5 sh -c "[ \"\$($bin --root $root state s1 | jq -r .status)\" = stopped ]"
s1out=$(tr '\n' ' ' <"$tmp/s1.out")
A delete s1 && [ "$s1out" = "from-hook 1 " ] && [ -z "$(left s1)" ]
report $? "create then start: a startContainer hook and seccomp act in the parked process after create exited" \
  "out=$s1out left:$(left s1)"
mkb r3 /bin/nonexistent && edit r3 ".linux.cgroupsPath = \"/$cgp/fresh3/r3\""
run_cmd A create --bundle "$tmp/r3" r3
made=""
for d in /sys/fs/cgroup/unified/$cgp/fresh3 /sys/fs/cgroup/*/$cgp/fresh3; do [ -d "$d" ] && made="$made $d"; done
[ "$rc" -ne 0 ] && [ -z "$made" ] && [ -z "$(left r3)" ]
report $? "a create that fails removes the parent levels it made" "rc=$rc left:$made $(left r3)"

# --- races ------------------------------------------------------------------------------
mkb x1 sleep 1000
A create --bundle "$tmp/x1" x1 </dev/null >"$tmp/x1.a" 2>&1 &
A create --bundle "$tmp/x1" x1 </dev/null >"$tmp/x1.b" 2>&1 &
wait %1; ra=$?
wait %2; rb=$?
[ $((ra == 0)) -ne $((rb == 0)) ] && grep -qh "already" "$tmp/x1.a" "$tmp/x1.b" && [ "$(status_of x1)" = created ] &&
  [ "$(A ps --format json x1 | jq length)" = 1 ]
report $? "two concurrent creates of one id: exactly one succeeds" "ra=$ra rb=$rb $(cat "$tmp/x1.a" "$tmp/x1.b")"
A start x1
A delete --force x1 >"$tmp/race.d" 2>&1 &
A kill x1 KILL >"$tmp/race.k" 2>&1 &
wait %1; rd=$?
wait %2; rk=$?
[ "$rd" -eq 0 ] && { [ "$rk" -eq 0 ] || grep -q "does not exist\|stopped" "$tmp/race.k"; } && [ -z "$(left x1)" ]
report $? "kill racing delete --force: both end cleanly, nothing left" "rd=$rd rk=$rk $(cat "$tmp/race.k") left:$(left x1)"

# --- bad input: one line, non-zero, nothing left -----------------------------------------
bad() { # bad DESC PATTERN NAME ARGS...
  local desc=$1 pat=$2 name=$3
  shift 3
  run_cmd A "$@"
  local l
  l=$(left "$name")
  [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && [[ $err =~ $pat ]] && [ -z "$l" ]
  report $? "$desc: one-line error, exit $rc, nothing left" "rc=$rc err=$err left:$l"
}
mkb j1 true
echo '{ "ociVersion": "1.0.2", "process": ' >"$tmp/j1/config.json"
bad "malformed config.json" "config.json" j1 create --bundle "$tmp/j1" j1
mkb j2 true
edit j2 'del(.root)'
bad "config without root.path" "root" j2 create --bundle "$tmp/j2" j2
mkb j3 true
bad "id ../x" "invalid container id" j3 create --bundle "$tmp/j3" ../x
bad "empty id" "empty" j3 create --bundle "$tmp/j3" ""
bad "over-long id" "longer than" j3 create --bundle "$tmp/j3" "$(printf 'a%.0s' {1..200})"
bad "missing bundle" "bundle" j3 create --bundle "$tmp/none" j3
mkb j4 /bin/nonexistent
bad "a command missing in the rootfs" "nonexistent" j4 create --bundle "$tmp/j4" j4
mkb j5 sleep 100
edit j5 '.process.terminal = true'
bad "terminal without --console-socket" "console-socket" j5 create --bundle "$tmp/j5" j5
mkb dup sleep 1000
A create --bundle "$tmp/dup" dup </dev/null >/dev/null 2>&1
run_cmd A create --bundle "$tmp/dup" dup
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *already* ]] && [ "$(status_of dup)" = created ]
report $? "create of a duplicate id fails, the first is untouched" "rc=$rc err=$err"
A delete dup && [ -z "$(left dup)" ]
report $? "delete of a created container removes it and its parked process" "left:$(left dup)"
run_cmd A start nosuch
[ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [[ $err == *"does not exist"* ]]
report $? "start of an unknown id fails clearly" "err=$err"
run_cmd A kill c1 NOSIG
[ "$rc" -eq 1 ] && [[ $err == *"unknown signal"* ]]
report $? "kill with an unknown signal name fails clearly" "err=$err"
run_cmd A create --frobnicate x
[ "$rc" -eq 2 ] && [[ $err == *"unknown option --frobnicate"* ]]
report $? "an unknown flag is a usage error (exit 2)" "rc=$rc err=$err"
run_cmd "$bin" --root "$root" --log "$tmp/log.json" --log-format json start nosuch
tail -1 "$tmp/log.json" 2>/dev/null | jq -e '.level == "error" and (.msg | contains("nosuch")) and .time' >/dev/null
report $? "--log-format json appends {level,msg,time} lines (containerd reads them)" "$(cat "$tmp/log.json" 2>&1)"
run_cmd "$bin" --root="$root" --systemd-cgroup list
[ "$rc" -eq 1 ] && [[ $err == *systemd* ]]
report $? "--systemd-cgroup is refused with a clear error" "rc=$rc err=$err"

# --- console socket -----------------------------------------------------------------------
mkb t1 sh
edit t1 '.process.terminal = true'
python3 "$here/console_recv.py" "$tmp/console.sock" 'echo tty-$((6*7)) >/tmp/tty; tty >/tmp/ttyname; exit' \
  >"$tmp/console.out" 2>&1 &
recv=$!
poll 5 test -S "$tmp/console.sock"
A run -d --console-socket "$tmp/console.sock" --bundle "$tmp/t1" t1 </dev/null >/dev/null 2>"$tmp/err"
rc=$?
wait $recv
rr=$?
[ "$rc" -eq 0 ] && [ "$rr" -eq 0 ] && poll 5 test -s "$tmp/t1/rootfs/tmp/tty" &&
  [ "$(cat "$tmp/t1/rootfs/tmp/tty")" = tty-42 ] && grep -q '^/dev/pts/' "$tmp/t1/rootfs/tmp/ttyname"
report $? "--console-socket receives the pty master; typed commands run on the container's tty" \
  "rc=$rc rr=$rr $(cat "$tmp/err" "$tmp/console.out")"
A delete --force t1 >/dev/null 2>&1

mkb e1 sleep 1000
A run -d --bundle "$tmp/e1" e1 </dev/null >/dev/null 2>&1
python3 "$here/console_recv.py" "$tmp/exec.sock" 'tty >/tmp/exectty; exit 4' >"$tmp/console.out" 2>&1 &
recv=$!
poll 5 test -S "$tmp/exec.sock"
A exec -d -t --console-socket "$tmp/exec.sock" e1 sh </dev/null >/dev/null 2>"$tmp/err"
rc=$?
wait $recv
rr=$?
[ "$rc" -eq 0 ] && [ "$rr" -eq 0 ] && poll 5 test -s "$tmp/e1/rootfs/tmp/exectty" &&
  grep -q '^/dev/pts/' "$tmp/e1/rootfs/tmp/exectty"
report $? "exec -t --console-socket: the process's tty master reaches the socket" \
  "rc=$rc rr=$rr $(cat "$tmp/err" "$tmp/console.out")"
run_cmd python3 "$here/ptyrun.py" 20 $'tty; echo ex-$((6*7)); exit 6\n' -- "$bin" --root "$root" exec -t e1 sh
[ "$rc" -eq 6 ] && [[ $out == *"/dev/pts/"* ]] && [[ $out == *ex-42* ]]
report $? "exec -t in the foreground proxies our terminal; the status propagates" "rc=$rc out=$out"
A delete --force e1 >/dev/null 2>&1
mkb t2 sh
edit t2 '.process.terminal = true'
run_cmd python3 "$here/ptyrun.py" 20 $'tty; echo run-$((6*7)); exit 5\n' -- "$bin" --root "$root" run --bundle "$tmp/t2" t2
[ "$rc" -eq 5 ] && [[ $out == *"/dev/pts/"* ]] && [[ $out == *run-42* ]] && [ -z "$(left t2)" ]
report $? "run of a terminal container in the foreground proxies our terminal" "rc=$rc out=$out left:$(left t2)"

# escape: tries to leave its groups through every cgroup.procs it can see
# and to make a group; prints what worked, then its own groups.
escape='for f in /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/*/cgroup.procs; do [ -e "$f" ] && echo $$ >"$f" 2>/dev/null && echo "moved:$f"; done; for d in /sys/fs/cgroup /sys/fs/cgroup/*/; do mkdir "$d/esc" 2>/dev/null && echo "made:$d"; done; grep -v "::/$" /proc/self/cgroup | grep -c "/'$cgp'/"'
mkb g1 sh -c 'ls /sys/fs/cgroup | tr "\n" " "; touch /sys/fs/cgroup/x 2>/dev/null && echo writable; '"$escape"
edit g1 '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
  "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
run_cmd A run --bundle "$tmp/g1" g1
[ "$rc" -eq 0 ] && [[ $out == *memory* || $out == *cgroup.procs* ]] && [[ $out != *writable* ]] &&
  [[ $out != *moved:* ]] && [[ $out != *made:* ]]
report $? "a \"cgroup\" mount (podman's) is read-only all the way down: no move out, no new group" \
  "rc=$rc out=$out err=$err"
# Without one, /sys is a fresh read-only sysfs: no host hierarchy below it.
mkb g2 sh -c "grep -c ' /sys/fs/cgroup' /proc/self/mountinfo; $escape"
run_cmd A run --bundle "$tmp/g2" g2
[ "$rc" -eq 0 ] && [ "$(echo "$out" | head -1)" = 0 ] && [[ $out != *moved:* ]] && [[ $out != *made:* ]] &&
  [ "$(echo "$out" | tail -1)" -ge 2 ]
report $? "a container sees no host cgroup hierarchy under /sys and cannot leave its groups" \
  "rc=$rc out=$out err=$err"

mkb t3 sh
edit t3 '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
run_cmd python3 "$here/ptyrun.py" 20 $'echo "owner=$(stat -c %u $(tty)) uid=$(id -u)"; exit\n' -- "$bin" --root "$root" run --bundle "$tmp/t3" t3
[ "$rc" -eq 0 ] && [[ $out == *"owner=1000 uid=1000"* ]]
report $? "a terminal belongs to the process's user" "rc=$rc out=$out"

# linux.namespaces[].path: the container (and exec) join an existing one.
unshare --net --uts sh -c 'hostname ns-holder; exec sleep 300' &
holder=$!
poll 5 sh -c "[ \"\$(readlink /proc/$holder/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
want=$(readlink "/proc/$holder/ns/net")
mkb n1 sh -c 'readlink /proc/self/ns/net; exec sleep 1000'
edit n1 ".linux.namespaces += [{\"type\": \"network\", \"path\": \"/proc/$holder/ns/net\"}]"
A run -d --bundle "$tmp/n1" n1 </dev/null >"$tmp/n1.out" 2>&1
run_cmd A exec n1 readlink /proc/self/ns/net
poll 5 grep -qF "$want" "$tmp/n1.out" && [ "$out" = "$want" ]
report $? "a namespace path is joined by the container and by exec" "want=$want init=$(cat "$tmp/n1.out") exec=$out err=$err"
A delete --force n1 >/dev/null 2>&1
kill "$holder"

# --- preserve-fds and LISTEN_FDS ---------------------------------------------------------
mkb p1 sh -c 'echo via-fd3 >&3; echo "$LISTEN_FDS:$LISTEN_PID" >&3; [ -e /proc/self/fd/4 ] && echo fd4-open >&3; true'
run_cmd A run --preserve-fds 1 --bundle "$tmp/p1" p1 3>"$tmp/fd3" 4>"$tmp/fd4"
[ "$rc" -eq 0 ] && [ "$(head -1 "$tmp/fd3")" = via-fd3 ] && ! grep -q fd4-open "$tmp/fd3"
report $? "--preserve-fds 1 passes fd 3 and closes fd 4" "rc=$rc fd3=$(cat "$tmp/fd3") err=$err"
run_cmd env LISTEN_FDS=1 "$bin" --root "$root" run --bundle "$tmp/p1" p1 3>"$tmp/fd3"
[ "$rc" -eq 0 ] && [ "$(sed -n 2p "$tmp/fd3")" = "1:1" ]
report $? "LISTEN_FDS passes fd 3 on with LISTEN_FDS=1 LISTEN_PID=1" "rc=$rc fd3=$(cat "$tmp/fd3") err=$err"

[ -z "$(A list -q)" ]
report $? "no container is left in the state root" "$(A list -q | tr '\n' ' ')"
echo "1..$n"
[ "$failed" -eq 0 ]
