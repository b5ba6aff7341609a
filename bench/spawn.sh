# bench/run spawn: the cost of `alcove run` against the floor of creating
# the same namespaces, side by side in one run (hyperfine -N):
#   alcove     alcove run of /bin/true in a busybox-static rootfs, with pid,
#              mount, uts and ipc namespaces (--net host, like the floor),
#              a cgroup and cpu, memory and pids limits;
#   fallback   the same with ALCOVE_SPAWN=fallback (clone + cgroup.procs);
#   nolimits   alcove run without limits;
#   floor      unshare -fpmiu /bin/true.
# Then spawn_micro isolates placing a child in a cgroup: clone3 with
# CLONE_INTO_CGROUP against fork plus a cgroup.procs write.
# Target: alcove's mean <= 1.5x the floor's.
set -euo pipefail
quick=${BENCH_QUICK:-0}
runs=$([ "$quick" = 1 ] && echo 60 || echo 400)
micro_n=$([ "$quick" = 1 ] && echo 300 || echo 3000)
[ -x build/x86_64-musl/alcove ] && [ -x build/x86_64-musl/bench/spawn_micro ] ||
  { scripts/bootstrap >&2 && scripts/build x86_64 >&2; }
A=$PWD/build/x86_64-musl/alcove
rootfs=build/bench/spawn-rootfs
rm -rf "$rootfs"
mkdir -p "$rootfs/bin"
cp /bin/busybox "$rootfs/bin/"
ln -s busybox "$rootfs/bin/true"
limits="--cpus 0.5 --memory 64M --pids 64"
json=build/bench/spawn.json
v2=/sys/fs/cgroup
[ -d $v2/unified ] && grep -q " $v2/unified cgroup2 " /proc/mounts && v2=$v2/unified
echo "spawn: $(nproc) cpus, $(uname -r), cgroup layout $(grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts && echo v2 || echo hybrid/v1), $runs runs each"
hyperfine -N --style none --warmup 20 --runs "$runs" --export-json "$json" \
  -n alcove "$A run --net host $limits $rootfs /bin/true" \
  -n fallback "env ALCOVE_SPAWN=fallback $A run --net host $limits $rootfs /bin/true" \
  -n nolimits "$A run --net host $rootfs /bin/true" \
  -n floor "unshare -fpmiu /bin/true" \
  >/dev/null 2>build/bench/spawn.hyperfine.log
python3 bench/stats.py spawn floor "$json" >build/bench/spawn.table
grep -v '^RESULT' build/bench/spawn.table
echo
echo "placing a child in a cgroup ($micro_n alternating pairs, v2 group under $v2), microseconds:"
build/x86_64-musl/bench/spawn_micro "$v2" "$micro_n" >build/bench/spawn.micro
printf '%-12s %8s %8s %8s\n' method mean p50 p99
while read -r m mean p50 p99; do printf '%-12s %8s %8s %8s\n' "$m" "$mean" "$p50" "$p99"; done <build/bench/spawn.micro
read -r _ cmean cp50 _ < <(grep '^clone3 ' build/bench/spawn.micro)
read -r _ fmean fp50 _ < <(grep '^fork+procs ' build/bench/spawn.micro)
result=$(tail -n 1 build/bench/spawn.table)
echo "$result clone3_mean_us=$cmean fork_procs_mean_us=$fmean fork_procs_vs_clone3=$(python3 -c "print(f'{$fmean/$cmean:.2f}')")"
