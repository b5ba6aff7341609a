#!/bin/sh
# Tests of `alcove run`, asserted from inside the container and from the
# kernel's cgroup files. Plain POSIX sh: the host tier runs it under bash on
# the hybrid development machine, the VM tier under busybox sh on pure v2.
#   run_tests.sh [GROUP...]     groups: basic security limits lifecycle
# Needs root, ALCOVE (the binary; default: alcove from PATH) and a static
# busybox (BUSYBOX, default /bin/busybox). Prints TAP; exit 1 on a failure.
set -u
ALCOVE=${ALCOVE:-alcove}
BUSYBOX=${BUSYBOX:-/bin/busybox}
T=$(mktemp -d /tmp/alcove-run-tests.XXXXXX)
RFS=$T/rootfs
CG=/sys/fs/cgroup
n=0
failed=0

if [ -d $CG/unified ] && grep -q " $CG/unified cgroup2 " /proc/mounts; then
  LAYOUT=hybrid
elif grep -q " $CG cgroup2 " /proc/mounts; then
  LAYOUT=v2
else
  LAYOUT=v1
fi

ok() { n=$((n + 1)); echo "ok $n - run[$LAYOUT]: $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - run[$LAYOUT]: $1 # $2"; }
check() { # check DESC DETAIL CONDITION...
  desc=$1 detail=$2
  shift 2
  if "$@"; then ok "$desc"; else not_ok "$desc" "$detail"; fi
}

make_rootfs() {
  mkdir -p "$RFS/bin" "$RFS/tmp" "$RFS/etc"
  cp "$BUSYBOX" "$RFS/bin/busybox"
  for a in $("$BUSYBOX" --list); do [ -e "$RFS/bin/$a" ] || ln -s busybox "$RFS/bin/$a"; done
  echo "not a program" >"$RFS/bin/notexec"
  chmod 644 "$RFS/bin/notexec"
  chmod 755 "$T" "$RFS"
}

# v2 file path of a container's group, or the v1 hierarchy's on hybrid/v1.
cgpath() { # cgpath NAME CONTROLLER
  if [ "$LAYOUT" = v2 ]; then echo "$CG/alcove/$1"; else echo "$CG/$2/alcove/$1"; fi
}
v2path() { # v2path NAME
  if [ "$LAYOUT" = hybrid ]; then echo "$CG/unified/alcove/$1"; else echo "$CG/alcove/$1"; fi
}

# Waits (bounded) until the container NAME's process has exec'd: it is in
# the group from clone on, but named alcove until its setup is done.
wait_running() { # wait_running NAME
  i=0
  while [ $i -lt 200 ]; do
    f=$(v2path "$1")/cgroup.procs
    [ "$LAYOUT" = v1 ] && f=$(cgpath "$1" pids)/cgroup.procs
    p=$(head -n1 "$f" 2>/dev/null)
    [ -n "$p" ] && [ "$(cat /proc/$p/comm 2>/dev/null)" != alcove ] && return 0
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}

no_leftovers() {
  left=$(find $CG -maxdepth 3 -name 'alcove*' 2>/dev/null | grep -v alcove-host-test)
  [ -z "$left" ] || { echo "# left behind: $left"; return 1; }
  ! grep -q "$T" /proc/self/mountinfo
}

run() { "$ALCOVE" run "$@"; }

# Runs a command as uid/gid 65534 with no groups: util-linux setpriv on the
# host, the guest helper in the VM (busybox's setpriv cannot do it).
as_nobody() {
  if setpriv --help 2>&1 | grep -q reuid; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  elif command -v vmcheck >/dev/null 2>&1; then
    vmcheck run-as 65534 "$@"
  else
    return 2
  fi
}

# ---- basic ------------------------------------------------------------
t_basic() {
  out=$(run --name basic1 "$RFS" sh -c 'echo $$ $(hostname)')
  check "the command is PID 1 and the hostname is the name" "got '$out'" [ "$out" = "1 basic1" ]

  out=$(run --hostname box "$RFS" hostname)
  check "--hostname sets the hostname" "got '$out'" [ "$out" = box ]

  run "$RFS" sh -c 'exit 7'
  rc=$?
  check "the exit code passes through" "rc=$rc" [ $rc -eq 7 ]

  out=$(echo hello | run "$RFS" cat)
  check "stdin and stdout pass through" "got '$out'" [ "$out" = hello ]
  run "$RFS" sh -c 'echo oops >&2' 2>"$T/err" >/dev/null
  check "stderr passes through" "got '$(cat "$T/err")'" [ "$(cat "$T/err")" = oops ]

  run "$RFS" nothere 2>"$T/err"
  rc=$?
  check "a command not in the rootfs exits 127 with one line" "rc=$rc" \
    sh -c "[ $rc -eq 127 ] && [ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'exec nothere' '$T/err'"
  run "$RFS" /bin/notexec 2>"$T/err"
  rc=$?
  check "a command that cannot be invoked exits 126" "rc=$rc $(cat "$T/err")" [ $rc -eq 126 ]

  out=$(run -e FOO=bar -e PATH=/bin -w /tmp "$RFS" sh -c 'echo $FOO $PATH $(pwd)')
  check "-e sets the environment and -w the working directory" "got '$out'" [ "$out" = "bar /bin /tmp" ]

  out=$(run --user 1000:1001 "$RFS" sh -c 'echo $(id -u) $(id -g)')
  check "--user sets uid and gid" "got '$out'" [ "$out" = "1000 1001" ]
  out=$(run --user 1000:1001 --group-add 20 --group-add 30 "$RFS" sh -c 'grep ^Groups: /proc/self/status' | tr -s '\t ' ' ')
  check "--group-add sets supplementary groups" "got '$out'" [ "$(echo $out)" = "Groups: 20 30" ]

  echo given >"$T/given"
  out=$(run --preserve-fds 1 "$RFS" sh -c 'ls /proc/self/fd | tr "\n" " "; cat <&3' 3<"$T/given" 7>"$T/leak")
  check "--preserve-fds 1 passes fd 3 (and only it) on" "got '$out'" [ "$(echo $out)" = "0 1 2 3 4 given" ]
  # A leaked host fd (7 here) and the runtime's own fds stay outside.
  out=$(run "$RFS" ls /proc/self/fd 7>"$T/leak" | tr '\n' ' ')
  check "the container sees only fds 0, 1 and 2 (3 is ls reading the fd dir)" "got '$out'" \
    [ "$out" = "0 1 2 3 " ]

  # Backgrounded directly, not through run(): $! must be alcove itself.
  "$ALCOVE" run --name k9 "$RFS" sleep 30 &
  apid=$!
  wait_running k9
  cpid=$(head -n1 "$(v2path k9)/cgroup.procs" 2>/dev/null || head -n1 "$(cgpath k9 pids)/cgroup.procs")
  kill -KILL "$cpid"
  wait $apid
  rc=$?
  check "a container killed by signal 9 gives 128+9" "rc=$rc" [ $rc -eq 137 ]

  "$ALCOVE" run --name trap1 "$RFS" sh -c 'trap "exit 42" TERM; while :; do sleep 0.05; done' &
  apid=$!
  wait_running trap1
  sleep 0.2 # let sh install its trap before the signal arrives
  kill -TERM $apid
  wait $apid
  rc=$?
  check "SIGTERM to alcove is forwarded to the container" "rc=$rc" [ $rc -eq 42 ]

  "$ALCOVE" run --name dup "$RFS" sleep 3 &
  apid=$!
  wait_running dup
  run --name dup "$RFS" true 2>"$T/err"
  rc=$?
  check "a duplicate name exits 125 naming it" "rc=$rc $(cat "$T/err")" \
    sh -c "[ $rc -eq 125 ] && grep -q 'container name \"dup\" is already in use' '$T/err'"
  run --name other "$RFS" true
  rc2=$?
  kill -TERM $apid 2>/dev/null
  wait $apid
  check "named containers run concurrently" "rc=$rc2" [ $rc2 -eq 0 ]

  ALCOVE_SPAWN=fallback ALCOVE_DEBUG=1 run --name fb "$RFS" sh -c 'cat /proc/self/cgroup' >"$T/out" 2>"$T/err"
  check "the forced fallback spawns by clone + cgroup.procs into a cgroup namespace" \
    "$(cat "$T/err" "$T/out" | tr '\n' '|')" \
    sh -c "grep -q 'placed by clone + cgroup.procs' '$T/err' && grep -qx '0::/' '$T/out'"
  ALCOVE_DEBUG=1 run --name c3 "$RFS" true 2>"$T/err"
  if [ "$LAYOUT" = v1 ]; then expect="clone + cgroup.procs"; else expect="clone3(CLONE_INTO_CGROUP)"; fi
  check "by default the spawn uses $expect" "$(cat "$T/err")" grep -q "placed by $expect" "$T/err"
}

# ---- security -----------------------------------------------------------
t_security() {
  out=$(run "$RFS" grep -E '^(CapBnd|CapEff|CapPrm|CapInh|CapAmb|NoNewPrivs)' /proc/self/status | tr -s '\t' ' ' | tr '\n' ' ')
  want="CapInh: 0000000000000000 CapPrm: 0000000020000420 CapEff: 0000000020000420 CapBnd: 0000000020000420 CapAmb: 0000000000000000 NoNewPrivs: 1 "
  check "default capabilities are the OCI template's and NoNewPrivs is 1" "got '$out'" [ "$out" = "$want" ]
  out=$(run --cap-add NET_ADMIN --cap-drop kill "$RFS" grep CapEff /proc/self/status | tr -s '\t' ' ')
  check "--cap-add and --cap-drop adjust the sets" "got '$out'" [ "$out" = "CapEff: 0000000020001400" ]
  out=$(run --cap-drop ALL "$RFS" grep CapBnd /proc/self/status | tr -s '\t' ' ')
  check "--cap-drop ALL empties the bounding set" "got '$out'" [ "$out" = "CapBnd: 0000000000000000" ]
  run --cap-add CAP_BOGUS "$RFS" true 2>"$T/err"
  rc=$?
  check "an unknown capability exits 125 naming it" "rc=$rc" \
    sh -c "[ $rc -eq 125 ] && grep -q \"^alcove run: --cap-add: invalid value 'CAP_BOGUS'\" '$T/err'"

  run --read-only "$RFS" sh -c 'touch /x' 2>/dev/null
  rc=$?
  out=$(run --read-only "$RFS" sh -c 'echo w >/dev/shm/f && cat /dev/shm/f')
  check "--read-only makes the root read-only but /dev/shm stays writable" "rc=$rc out=$out" \
    sh -c "[ $rc -ne 0 ] && [ '$out' = w ]"
  masked=/proc/timer_list
  [ -r $masked ] || masked=/proc/keys
  out=$(run "$RFS" sh -c "wc -c <$masked; echo 1 >/proc/sys/kernel/domainname && echo wrote; touch /sys/x && echo touched" 2>/dev/null)
  check "masked $masked reads empty, /proc/sys and /sys are read-only" "got '$out'" [ "$out" = 0 ]
  out=$(run "$RFS" ls /dev | tr '\n' ' ')
  check "/dev holds the standard nodes, pts, shm, mqueue and the links" "got '$out'" \
    [ "$out" = "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " ]
  out=$(run "$RFS" sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c && test -c /dev/pts/ptmx && echo pts')
  check "the device nodes work" "got '$out'" [ "$(echo $out)" = "4 pts" ]

  # Escapes: a marker on the host must stay out of reach, even with
  # CAP_SYS_CHROOT and every trick a shell has.
  echo secret >"$T/marker"
  out=$(run --cap-add SYS_CHROOT "$RFS" sh -c "
    cat /..$T/marker /proc/1/root$T/marker /proc/self/root/..$T/marker 2>/dev/null
    cd /; cd ../../..; cat .$T/marker 2>/dev/null
    mkdir -p /jail; chroot /jail /bin/true 2>/dev/null
    ls /.. | tr '\n' ' '")
  check "escape attempts stay inside the rootfs" "got '$out'" sh -c "! echo '$out' | grep -q secret && echo '$out' | grep -q '^bin '"
  out=$(run "$RFS" sh -c 'cat /proc/self/mountinfo' | awk '$5 == "/" {print $4}')
  check "the container's / is the rootfs, pivoted (no host root mount inside)" "root entry '$out'" \
    sh -c "[ -n '$out' ] && [ '$out' != / ] || [ '$out' = '$RFS' ]"

  mkdir -p "$T/vol"
  echo data >"$T/vol/f"
  out=$(run -v "$T/vol:/data:ro" "$RFS" sh -c 'cat /data/f; echo x >/data/g && echo wrote' 2>/dev/null)
  check "a :ro volume reads but refuses writes" "got '$out'" [ "$out" = data ]
  run -v "$T/vol:/data" "$RFS" sh -c 'echo new >/data/g'
  check "a read-write volume's writes land on the host" "" [ "$(cat "$T/vol/g" 2>/dev/null)" = new ]
  cp "$BUSYBOX" "$T/vol/bb"
  out=$(run -v "$T/vol:/data:nosuid,nodev,noexec" "$RFS" sh -c '/data/bb true 2>/dev/null && echo ran; grep " /data " /proc/mounts')
  check "volume options nosuid,nodev,noexec apply" "got '$out'" \
    sh -c "echo '$out' | grep -q 'nosuid,nodev,noexec' && ! echo '$out' | grep -q ran"
  # Symlinks in the rootfs pointing out of it (absolute, or up with ..)
  # resolve inside it: the volume lands on the rootfs's own directory.
  mkdir -p "$T/outside" "$RFS$T/outside" "$RFS/up"
  echo host >"$T/outside/f"
  ln -sfn "$T/outside" "$RFS/evil"
  ln -sfn ../../../../../../.. "$RFS/up/out"
  out=$(run -v "$T/vol:/evil" -v "$T/vol:/up/out/mnt" "$RFS" sh -c "cat /evil/f; cat $T/outside/f; ls -d /mnt")
  check "mount targets resolve inside the rootfs, not through symlinks out of it" "got '$out'" \
    [ "$(echo $out)" = "data data /mnt" ]
  check "the host directory behind the symlink is untouched" "" [ "$(cat "$T/outside/f")" = host ]
  rm -rf "${RFS:?}/evil" "${RFS:?}/up" "${RFS:?}/mnt" "${RFS:?}/${T#/}"

  out=$(run --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$RFS" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u')
  check "--uidmap/--gidmap give a user namespace with those maps, root inside" "got '$out'" \
    [ "$(echo $out)" = "0 100000 65536 0 100000 65536 0" ]
  if as_nobody true; then
    out=$(as_nobody "$ALCOVE" run "$RFS" sh -c 'echo $(id -u) $$; cat /proc/self/uid_map' 2>&1 | tr -s ' ' | tr '\n' ' ')
    check "a non-root user runs rootless: root inside, mapped to itself" "got '$out'" \
      [ "$(echo $out)" = "0 1 0 65534 1" ]
    as_nobody "$ALCOVE" run --memory 64M "$RFS" true 2>"$T/err"
    rc=$?
    check "rootless limits are refused with exit 125" "rc=$rc $(cat "$T/err")" \
      sh -c "[ $rc -eq 125 ] && grep -q 'resource limits need root' '$T/err'"
  else
    not_ok "a non-root user runs rootless" "no way to drop to uid 65534 here"
  fi

  out=$(run "$RFS" sh -c 'ls /sys/class/net | tr "\n" " "; cat /sys/class/net/lo/flags')
  check "the default network namespace has only lo, and it is up (0x9)" "got '$out'" [ "$out" = "lo 0x9" ]
  host_ns=$(readlink /proc/self/ns/net)
  out=$(run --net host "$RFS" readlink /proc/self/ns/net)
  check "--net host keeps the host's network namespace" "got '$out' want '$host_ns'" [ "$out" = "$host_ns" ]
  out=$(run "$RFS" sh -c 'for n in ipc uts cgroup; do readlink /proc/self/ns/$n; done' | tr '\n' ' ')
  hostns="$(readlink /proc/self/ns/ipc) $(readlink /proc/self/ns/uts) $(readlink /proc/self/ns/cgroup)"
  check "ipc, uts and cgroup namespaces are new" "got '$out' host '$hostns'" \
    sh -c "for a in $out; do echo ' $hostns ' | grep -q \" \$a \" && exit 1; done; exit 0"
  out=$(run --sysctl net.ipv4.ip_forward=1 "$RFS" cat /proc/sys/net/ipv4/ip_forward)
  check "--sysctl sets a namespaced sysctl" "got '$out'" [ "$out" = 1 ]
  out=$(run --ulimit nofile=256:512 "$RFS" sh -c 'echo $(ulimit -n) $(ulimit -Hn)')
  check "--ulimit sets rlimits" "got '$out'" [ "$out" = "256 512" ]
}

# ---- limits ---------------------------------------------------------------
cpu_usage_us() { # cpu_usage_us NAME
  if [ "$LAYOUT" = v1 ]; then
    echo $(($(cat "$(cgpath "$1" cpuacct)/cpuacct.usage") / 1000))
  else
    awk '$1 == "usage_usec" {print $2}' "$(v2path "$1")/cpu.stat"
  fi
}

t_limits() {
  "$ALCOVE" run --name lim --cpus 0.5 --cpu-shares 512 --memory 64M --pids 20 --cpuset-cpus 0 "$RFS" sleep 5 &
  apid=$!
  if wait_running lim; then
    if [ "$LAYOUT" = v2 ]; then
      got="$(cat $CG/alcove/lim/cpu.max) $(cat $CG/alcove/lim/cpu.weight) $(cat $CG/alcove/lim/memory.max) $(cat $CG/alcove/lim/pids.max) $(cat $CG/alcove/lim/cpuset.cpus)"
      want="50000 100000 20 67108864 20 0"
    else
      got="$(cat $CG/cpu/alcove/lim/cpu.cfs_quota_us) $(cat $CG/cpu/alcove/lim/cpu.cfs_period_us) $(cat $CG/cpu/alcove/lim/cpu.shares) $(cat $CG/memory/alcove/lim/memory.limit_in_bytes) $(cat $CG/pids/alcove/lim/pids.max) $(cat $CG/cpuset/alcove/lim/cpuset.cpus)"
      want="50000 100000 512 67108864 20 0"
    fi
    check "the cgroup files hold the requested limits" "got '$got' want '$want'" [ "$got" = "$want" ]
  else
    not_ok "the cgroup files hold the requested limits" "container never showed up"
  fi
  kill -TERM $apid
  wait $apid

  out=$(run --cpuset-cpus 0 "$RFS" grep Cpus_allowed_list /proc/self/status | tr -s '\t' ' ')
  check "--cpuset-cpus pins the container" "got '$out'" [ "$out" = "Cpus_allowed_list: 0" ]

  run --name oom --memory 32M --memory-swap 32M "$RFS" sh -c 'head -c 128m /dev/zero | tail >/dev/null' 2>"$T/err"
  rc=$?
  check "an allocation beyond --memory is OOM-killed and reported" "rc=$rc $(cat "$T/err")" \
    grep -q 'killed by the OOM killer' "$T/err"

  # Counted with shell builtins only: at the limit nothing else can fork.
  # ash dies when fork fails, so an inner shell forks; its sleeps outlive it.
  out=$(run --pids 8 "$RFS" sh -c 'sh -c "while :; do sleep 5 & done" 2>/tmp/forkerr
    set -- /proc/[0-9]*; echo $#; kill -9 -1; wait; grep -c "fork" /tmp/forkerr')
  set -- $out
  check "a fork loop stops at --pids 8 and sees fork fail" "processes seen, fork errors: '$out'" \
    sh -c "[ '${1:-0}' -le 8 ] && [ '${1:-0}' -ge 6 ] && [ '${2:-0}' -ge 1 ]"

  "$ALCOVE" run --name cpu20 --cpus 0.2 "$RFS" sh -c 'trap "exit 0" TERM; while :; do :; done' &
  apid=$!
  if wait_running cpu20; then
    sleep 0.5
    u0=$(cpu_usage_us cpu20)
    t0=$(date +%s%N 2>/dev/null || echo x)
    sleep 3
    u1=$(cpu_usage_us cpu20)
    t1=$(date +%s%N 2>/dev/null || echo x)
    kill -TERM $apid
    wait $apid
    if [ "$t0" != x ] && [ "${#t0}" -gt 12 ]; then
      pct=$(( (u1 - u0) * 100000 / ((t1 - t0) / 1000) / 1000 ))
    else
      pct=$(( (u1 - u0) / 30000 ))
    fi
    check "--cpus 0.2 holds measured usage near 20% (12-28%)" "measured ${pct}%" \
      sh -c "[ $pct -ge 12 ] && [ $pct -le 28 ]"
  else
    kill -TERM $apid
    not_ok "--cpus 0.2 holds measured usage near 20%" "container never showed up"
  fi

  run --memory -1 "$RFS" true 2>"$T/err"
  rc=$?
  check "--memory -1 exits 125 naming the flag" "rc=$rc" \
    sh -c "[ $rc -eq 125 ] && grep -q \"^alcove run: --memory: invalid value '-1'\" '$T/err'"
  run --cpus 0 "$RFS" true 2>"$T/err"
  rc=$?
  check "--cpus 0 exits 125 naming the flag" "rc=$rc" \
    sh -c "[ $rc -eq 125 ] && grep -q \"^alcove run: --cpus: invalid value '0'\" '$T/err'"
  run "$T/missing" true 2>"$T/err"
  rc=$?
  check "a missing rootfs exits 125 with one line" "rc=$rc $(cat "$T/err")" \
    sh -c "[ $rc -eq 125 ] && [ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'rootfs $T/missing' '$T/err'"

  run --name setupfail -v /tmp:/bin/busybox/x "$RFS" true 2>"$T/err"
  rc=$?
  left=$(find $CG -maxdepth 3 -name setupfail 2>/dev/null)
  check "a setup failure inside the container exits 125 and removes its cgroup" "rc=$rc left='$left'" \
    sh -c "[ $rc -eq 125 ] && [ -z '$left' ] && grep -q 'Not a directory' '$T/err'"

  if [ "$LAYOUT" = hybrid ]; then
    ALCOVE_CGROUP=v1 "$ALCOVE" run --name v1only --memory 48M --pids 9 "$RFS" sh -c 'sleep 2' &
    apid=$!
    i=0
    while [ -z "$(cat $CG/pids/alcove/v1only/cgroup.procs 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    got="$(cat $CG/memory/alcove/v1only/memory.limit_in_bytes 2>/dev/null) $(cat $CG/pids/alcove/v1only/pids.max 2>/dev/null)"
    v2=$([ -e $CG/unified/alcove/v1only ] && echo "v2 group exists" || echo "no v2 group")
    kill -TERM $apid
    wait $apid
    check "the v1-only backend (forced on hybrid) applies limits without a v2 group" "got '$got', $v2" \
      [ "$got $v2" = "50331648 9 no v2 group" ]
    dev=$(awk '$2 == "/" && $1 ~ "^/dev/" {print $1; exit}' /proc/mounts)
    if [ -b "$dev" ]; then
      "$ALCOVE" run --name io --device-read-bps "$dev:1M" "$RFS" sleep 2 &
      apid=$!
      wait_running io
      got=$(cat $CG/blkio/alcove/io/blkio.throttle.read_bps_device 2>/dev/null)
      kill -TERM $apid
      wait $apid
      check "--device-read-bps lands in the blkio throttle" "got '$got' for $dev" sh -c "echo '$got' | grep -q ' 1048576$'"
    fi
  fi
}

make_rootfs
case_list=${*:-basic security limits}
for g in $case_list; do "t_$g"; done
sleep 0.2
check "nothing is left behind: no cgroup, no mount" "" no_leftovers
rm -rf "$T"
echo "1..$n"
[ "$failed" -eq 0 ]
