# Shared by bench/reaction.sh, protection.sh and overhead.sh (sourced; not a
# benchmark itself, hence not *.sh). Sets up a latency group "lat" and a
# batch group "batch" under alcove-bench.$$ in every hierarchy that matters,
# places processes there, starts and stops alcove sched, and removes all of
# it on exit. Hybrid: quota in /sys/fs/cgroup/cpu, PSI and cpu.stat in
# /sys/fs/cgroup/unified. Pure v2: both under /sys/fs/cgroup (cpu must be in
# the root's subtree_control; this changes no root setting; not yet run).
CG=/sys/fs/cgroup
BG=${BENCH_GROUP:-alcove-bench}.$$ # BENCH_GROUP: another prefix for runs that share a host
A=$PWD/build/x86_64-musl/alcove
B=$PWD/build/x86_64-musl/bench
T=$(mktemp -d /tmp/alcove-bench.XXXXXX)
if grep -q " $CG/unified cgroup2 " /proc/mounts; then
  LAYOUT=hybrid V2=$CG/unified/$BG CPU=$CG/cpu/$BG
elif grep -q " $CG cgroup2 " /proc/mounts; then
  LAYOUT=v2 V2=$CG/$BG CPU=$CG/$BG
else
  echo "bench: needs cgroup2 (pure or hybrid) for PSI" >&2
  exit 1
fi
SOCK=$T/sched.sock
bench_pids=()
dpid=

need_build() {
  local f
  for f in "$A" "$B/latency_task" "$B/reaction_probe"; do
    [ -x "$f" ] || { scripts/bootstrap >&2 && scripts/build x86_64 >&2; return; }
  done
}
need_gnuplot() {
  command -v gnuplot >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null; }; }
}
mkgroups() {
  if [ "$LAYOUT" = v2 ]; then
    grep -qw cpu $CG/cgroup.subtree_control || { echo "bench: cpu not in $CG/cgroup.subtree_control" >&2; exit 1; }
    mkdir "$V2" && echo +cpu >"$V2/cgroup.subtree_control"
  else
    mkdir "$V2" "$CPU"
  fi
  local g
  for g in lat batch; do
    mkdir "$CPU/$g"
    [ "$LAYOUT" = hybrid ] && mkdir "$V2/$g"
  done
  return 0
}
# set_quota GROUP US|-1 [PERIOD_US]: the group's cpu limit, and its period.
set_quota() {
  local p=${3:-100000}
  if [ "$LAYOUT" = v2 ]; then
    echo "$([ "$2" = -1 ] && echo max || echo "$2") $p" >"$CPU/$1/cpu.max"
  else
    echo -1 >"$CPU/$1/cpu.cfs_quota_us"
    echo "$p" >"$CPU/$1/cpu.cfs_period_us"
    echo "$2" >"$CPU/$1/cpu.cfs_quota_us"
  fi
}
# set_burst GROUP US: cpu.max.burst (v2) or cpu.cfs_burst_us (v1), if the kernel has it.
set_burst() {
  local f
  f=$CPU/$1/$([ "$LAYOUT" = v2 ] && echo cpu.max.burst || echo cpu.cfs_burst_us)
  [ -f "$f" ] && echo "$2" >"$f"
  return 0
}
quota_file() { if [ "$LAYOUT" = v2 ]; then echo "$CPU/$1/cpu.max"; else echo "$CPU/$1/cpu.cfs_quota_us"; fi; }
quota() { # quota GROUP: us, or -1 for none
  local q
  if [ "$LAYOUT" = v2 ]; then q=$(cut -d' ' -f1 "$CPU/$1/cpu.max"); [ "$q" = max ] && q=-1; else q=$(cat "$CPU/$1/cpu.cfs_quota_us"); fi
  echo "$q"
}
# set_static GROUP idle|shares2|none: a static priority setting (v1 or v2 names).
set_static() {
  local f
  case $2 in
    idle) echo 1 >"$CPU/$1/cpu.idle" ;;
    shares2) if [ "$LAYOUT" = v2 ]; then echo 1 >"$CPU/$1/cpu.weight"; else echo 2 >"$CPU/$1/cpu.shares"; fi ;;
    none)
      for f in cpu.idle; do [ -f "$CPU/$1/$f" ] && echo 0 >"$CPU/$1/$f"; done
      if [ "$LAYOUT" = v2 ]; then echo 100 >"$CPU/$1/cpu.weight"; else echo 1024 >"$CPU/$1/cpu.shares"; fi ;;
  esac
}
procs_files() { # procs_files GROUP: every cgroup.procs the group has
  echo "$CPU/$1/cgroup.procs"
  [ "$LAYOUT" = hybrid ] && echo "$V2/$1/cgroup.procs"
  return 0
}
# run_in GROUP CMD...: starts CMD in the background, already in GROUP in
# every hierarchy before it execs; its pid is in $! and in bench_pids.
run_in() {
  local g=$1
  shift
  local files
  files=$(procs_files "$g" | tr '\n' ' ')
  sh -c 'for f in $0; do echo $$ >"$f" || exit 1; done; exec "$@"' "$files" "$@" &
  bench_pids+=($!)
}
hog() { run_in "$1" sh -c 'while :; do :; done'; }
stop_pids() {
  local p
  for p in "${bench_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${bench_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  bench_pids=()
}
usage_us() { sed -n 's/^usage_usec //p' "$V2/$1/cpu.stat"; }
# sched_start ARGS...: starts alcove sched on lat and batch and waits for
# its socket and first status; extra ARGS go to the daemon.
sched_start() {
  "$A" sched --group "$BG/lat=latency" --group "$BG/batch=batch" --socket "$SOCK" "$@" 2>>"$T/daemon.err" &
  dpid=$!
  local i
  for i in $(seq 100); do
    [ -S "$SOCK" ] && "$A" sched status --socket "$SOCK" >/dev/null 2>&1 && return 0
    kill -0 "$dpid" 2>/dev/null || break
    sleep 0.02
  done
  echo "bench: alcove sched did not start: $(tail -2 "$T/daemon.err")" >&2
  exit 1
}
sched_stop() {
  [ -n "$dpid" ] || return 0
  kill -TERM "$dpid" 2>/dev/null
  wait "$dpid" 2>/dev/null || echo "bench: alcove sched exited $? on SIGTERM" >&2
  dpid=
}
# probe_window: the smallest PSI trigger window this process may arm on the
# latency group (the daemon tries 100 ms, 500 ms, 1 s, 2 s in that order).
probe_window() {
  local w
  for w in 100000 500000 1000000 2000000; do
    if python3 - "$V2/lat/cpu.pressure" "$w" <<'PY' 2>/dev/null; then
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
os.write(fd, f"some {max(1000, int(sys.argv[2]) // 100)} {sys.argv[2]}".encode())
PY
      echo "$((w / 1000))ms"
      return
    fi
  done
  echo none
}
# watch_quotas OUT PERIOD_S: background sampler of the lat and batch
# quotas (and lat's burst) straight from the cgroup files, every PERIOD_S,
# into OUT as "t lat_cpus batch_cpus lat_burst_ms" (CPUs = quota / period,
# inf for no limit). Each pair is consistent: lat is read before and after
# batch and the sample is kept only when both reads agree, so a write that
# lands between the reads is never mixed into one sample. Its pid: $wpid.
watch_quotas() {
  python3 - "$1" "$2" "$LAYOUT" "$CPU" <<'PY' &
import sys, time
out, every, layout, cpu = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
def read(path):
    with open(path) as f:
        return f.read().split()
def cpus(g):
    if layout == "v2":
        q, p = read(f"{cpu}/{g}/cpu.max")
        return float("inf") if q == "max" else int(q) / int(p)
    q = int(read(f"{cpu}/{g}/cpu.cfs_quota_us")[0])
    p = int(read(f"{cpu}/{g}/cpu.cfs_period_us")[0])
    return float("inf") if q < 0 else q / p
def burst_ms(g):
    try:
        return int(read(f"{cpu}/{g}/" + ("cpu.max.burst" if layout == "v2" else "cpu.cfs_burst_us"))[0]) / 1000
    except OSError:
        return 0.0
with open(out, "w") as f:
    while True:
        try:
            while True:
                a1 = cpus("lat"); b = cpus("batch"); a2 = cpus("lat")
                if a1 == a2:
                    break
            f.write(f"{time.monotonic():.4f} {a1:.5f} {b:.5f} {burst_ms('lat'):.1f}\n")
            f.flush()
        except (OSError, ValueError):
            pass
        time.sleep(every)
PY
  wpid=$!
}
bench_cleanup() {
  set +e
  [ -n "${wpid:-}" ] && kill "$wpid" 2>/dev/null
  sched_stop
  stop_pids
  local d
  for d in "$CPU/lat" "$CPU/batch" "$CPU" "$V2/lat" "$V2/batch" "$V2"; do
    [ -d "$d" ] && { rmdir "$d" 2>/dev/null || echo "bench: could not remove $d" >&2; }
  done
  rm -rf "$T"
}
pctl() { # pctl Q FILE: the Q-th percentile of the numbers in FILE (one per line)
  sort -g "$2" | awk -v q="$1" '{a[NR]=$1} END {if (!NR) {print "nan"; exit} i=int(q/100*(NR-1)+0.5)+1; if (i>NR) i=NR; print a[i]}'
}
