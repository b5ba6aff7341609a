#!/usr/bin/env bash
# Host tier: the OCI security and process fields through the runtime
# commands (create, start, state, delete) with busybox bundles: seccomp
# errnoRet, device rules and linux.devices nodes, the six hook phases in
# order with their state, a failing hook leaving nothing behind,
# oomScoreAdj, personality and time offsets. Root; prints TAP.
#   tests/oci/sec.sh BINARY [LABEL]
set -u
ALCOVE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
TAP_NAME="oci-sec[${2:-$(basename "$ALCOVE")}]"
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/bundle.sh
. "$here/../lib/bundle.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root"
  exit 0
fi
if ! "$ALCOVE" create --help >/dev/null 2>&1; then
  echo "1..0 # SKIP $ALCOVE has no OCI commands (branch oci-lifecycle)"
  exit 0
fi
tmp=$(mktemp -d /tmp/alcove-oci-sec.XXXXXX)
root=$tmp/state
cgp=oci-sec-$$ # the client's tree: alcove leaves it, as runc does; we remove it
trap 'for c in $("$ALCOVE" --root "$root" list -q 2>/dev/null); do "$ALCOVE" --root "$root" delete -f "$c"; done
  rmdir /sys/fs/cgroup/*/$cgp 2>/dev/null; rm -rf "$tmp"' EXIT

# jq_edit BUNDLE [JQ ARGS] FILTER: edits BUNDLE/config.json in place.
jq_edit() { _b=$1; shift; jq "$@" "$_b/config.json" >"$_b/c.json" && mv "$_b/c.json" "$_b/config.json"; }

# bundle NAME SCRIPT: a bundle running sh -c SCRIPT with cgroup $cgp/NAME.
bundle() {
  bundle_make "$tmp/$1" sh -c "$2" &&
    jq_edit "$tmp/$1" ".linux.cgroupsPath = \"/$cgp/$1\""
}

# run_ok NAME: create, start, wait for stopped (10 s), delete; 0 on success.
run_ok() {
  "$ALCOVE" --root "$root" create --bundle "$tmp/$1" "$1" || return 1
  "$ALCOVE" --root "$root" start "$1" || return 1
  for _ in $(seq 200); do
    "$ALCOVE" --root "$root" state "$1" | grep -q '"status": *"stopped"' && break
    sleep 0.05
  done
  "$ALCOVE" --root "$root" delete "$1"
}

out() { cat "$tmp/$1/rootfs/out" 2>/dev/null; }

# No group named after the case may outlive it, in any hierarchy.
no_leftover() { ! find /sys/fs/cgroup -maxdepth 4 -type d -path "*/$cgp/$1" 2>/dev/null | grep -q .; }

bundle seccomp 'mkdir /d 2>/out; grep Seccomp: /proc/self/status >>/out'
jq_edit "$tmp/seccomp" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 28}]}'
run_ok seccomp; o=$(out seccomp)
case $o in *"No space left on device"*"Seccomp:"*2*) r=0 ;; *) r=1 ;; esac
report $r "seccomp errnoRet reaches mkdir, Seccomp: 2" "$o"

# exec joins the container under its profile: the filter is not the init's
# alone. The container sleeps; exec tries mkdir and reads its own status.
bundle secexec 'sleep 30'
jq_edit "$tmp/secexec" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 28}]}'
"$ALCOVE" --root "$root" create --bundle "$tmp/secexec" secexec &&
  "$ALCOVE" --root "$root" start secexec &&
  o=$("$ALCOVE" --root "$root" exec secexec sh -c 'mkdir /e 2>&1; grep Seccomp: /proc/self/status' 2>&1)
"$ALCOVE" --root "$root" delete -f secexec
case $o in *"No space left on device"*"Seccomp:"*2*) r=0 ;; *) r=1 ;; esac
report $r "exec runs under the container's seccomp profile" "$o"

bundle devices 'echo x 2>/out >/dev/null; echo null=$? >>/out; stat -c "%t:%T %a %u:%g" /dev/oci-null >>/out'
jq_edit "$tmp/devices" '.linux.resources.devices = [{allow: false, access: "rwm"},
    {allow: false, type: "c", major: 1, minor: 3, access: "w"}]
  | .linux.devices = [{path: "/dev/oci-null", type: "c", major: 1, minor: 3,
    fileMode: 416, uid: 1, gid: 2}]'
run_ok devices; o=$(out devices)
case $o in *"Operation not permitted"*"null=1"*"1:3 640 1:2"*) r=0 ;; *) r=1 ;; esac
report $r "device rules deny /dev/null writes; linux.devices node made" "$o"

log=$tmp/hooks.log
cat >"$tmp/hook.sh" <<'SH'
status=$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')
echo "$1 $status" >>"$2"
SH
bundle hooks 'echo main >>/out'
jq_edit "$tmp/hooks" --arg h "$tmp/hook.sh" --arg l "$log" '
  def hook(p): [{path: "/bin/sh", args: ["sh", $h, p, $l]}];
  .hooks = {prestart: hook("prestart"), createRuntime: hook("createRuntime"),
    createContainer: hook("createContainer"),
    startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer >>/out"]}],
    poststart: hook("poststart"), poststop: hook("poststop")}'
run_ok hooks
want="prestart creating
createRuntime creating
createContainer creating
poststart running
poststop stopped"
got=$(cat "$log" 2>/dev/null)
[ "$got" = "$want" ] && [ "$(out hooks)" = "startContainer
main" ]
report $? "hooks run in order with their state" "log: $got; out: $(out hooks)"

bundle hookfail 'echo main >/out'
jq_edit "$tmp/hookfail" '.hooks = {createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "exit 4"]}]}'
err=$("$ALCOVE" --root "$root" create --bundle "$tmp/hookfail" hookfail 2>&1)
rc=$?
[ $rc -ne 0 ] && case $err in *"createRuntime hook 0 (/bin/sh): exited with status 4"*) true ;; *) false ;; esac &&
  ! "$ALCOVE" --root "$root" state hookfail >/dev/null 2>&1 && no_leftover hookfail &&
  [ -z "$(out hookfail)" ]
report $? "a failing createRuntime hook fails create and leaves nothing" "rc $rc: $err"

bundle procfields 'cat /proc/self/oom_score_adj >/out; uname -m >>/out; cat /proc/uptime >>/out'
jq_edit "$tmp/procfields" '.process.oomScoreAdj = 421 | .linux.personality = {domain: "LINUX32"}
  | .linux.namespaces += [{type: "time"}]
  | .linux.timeOffsets = {boottime: {secs: 31536000, nanosecs: 0}}'
run_ok procfields; o=$(out procfields)
up=$(echo "$o" | sed -n 3p | cut -d. -f1)
[ "$(echo "$o" | sed -n 1p)" = 421 ] && [ "$(echo "$o" | sed -n 2p)" = i686 ] &&
  [ "${up:-0}" -gt 31536000 ]
report $? "oomScoreAdj, personality LINUX32 and boottime offset seen inside" "$o"

for c in seccomp secexec devices hooks procfields; do no_leftover $c || report 1 "$c left a cgroup"; done
echo "1..$n"
exit $((failed > 0))
