# Shared by the shell tests that drive alcove sched on real cgroups
# (tests/sched/sched_tests.sh, tests/host/top.sh); sourced, not run.
# Before sourcing, set G (the test's parent group, e.g. alcove-sched-test)
# and TAP_NAME (the prefix of its TAP lines). Provides the layout (LAYOUT,
# V2, CPU), TAP helpers, and a latency group "lat" and a batch group
# "batch" under $G with busy loops to put in them. Plain POSIX sh.
CG=/sys/fs/cgroup
n=0
failed=0
pids=""

if grep -q " $CG/unified cgroup2 " /proc/mounts; then
  LAYOUT=hybrid V2=$CG/unified CPU=$CG/cpu
elif grep -q " $CG cgroup2 " /proc/mounts; then
  LAYOUT=v2 V2=$CG CPU=$CG
else
  LAYOUT=v1 V2= CPU=$CG/cpu
fi

ok() { n=$((n + 1)); echo "ok $n - $TAP_NAME[$LAYOUT]: $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $TAP_NAME[$LAYOUT]: $1 # $2"; }
check() { desc=$1 detail=$2; shift 2; if "$@"; then ok "$desc"; else not_ok "$desc" "$detail"; fi; }

# quota GROUP: the quota the group's file holds, in us, or "max".
quota() {
  if [ "$LAYOUT" = v2 ]; then
    q=$(cut -d' ' -f1 "$CPU/$G/$1/cpu.max")
  else
    q=$(cat "$CPU/$G/$1/cpu.cfs_quota_us")
    [ "$q" = -1 ] && q=max
  fi
  echo "$q"
}
# mkgroups: $G/lat and $G/batch in every hierarchy, with the cpu controller.
mkgroups() {
  if [ "$LAYOUT" = v2 ]; then
    echo +cpu >$CG/cgroup.subtree_control
    mkdir -p $CG/$G && echo +cpu >$CG/$G/cgroup.subtree_control
  fi
  for g in lat batch; do
    mkdir -p "$CPU/$G/$g"
    [ "$LAYOUT" = hybrid ] && mkdir -p "$V2/$G/$g"
  done
  return 0
}
# spawn GROUP: a busy loop placed in GROUP in every hierarchy.
spawn() {
  sh -c 'while :; do :; done' &
  p=$!
  pids="$pids $p"
  echo $p >"$CPU/$G/$1/cgroup.procs"
  [ "$LAYOUT" = hybrid ] && echo $p >"$V2/$G/$1/cgroup.procs"
  return 0
}
stop_all() {
  for p in $pids; do kill -9 "$p" 2>/dev/null; done
  for p in $pids; do wait "$p" 2>/dev/null; done
  pids=""
}
# rmgroups: the busy loops stopped and every group of $G removed.
rmgroups() {
  stop_all
  for d in "$CPU/$G/lat" "$CPU/$G/batch" "$CPU/$G" "$V2/$G/lat" "$V2/$G/batch" "$V2/$G"; do
    [ -n "$d" ] && [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  return 0
}
# wait_for SECONDS CMD...: polls CMD every 50 ms; returns 0 as soon as it holds.
wait_for() {
  limit=$(($1 * 20))
  shift
  i=0
  while [ $i -lt $limit ]; do
    "$@" && return 0
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}
