# bench/run writes: microseconds per batch of 1, 3 and 8 cgroup writes,
# io_uring against write(2), side by side in one run (bench/writes_micro,
# static musl, libalcove's writer). The files are this host's real cgroup
# files in temporary alcove-bench.* groups, removed at the end:
#   hybrid/v1  cpu.cfs_quota_us cpu.cfs_period_us cpu.shares cpu.cfs_burst_us
#              memory.limit_in_bytes memory.soft_limit_in_bytes
#              memory.swappiness pids.max
#   pure v2    cpu.max cpu.weight memory.oom.group memory.high memory.max
#              memory.low memory.min pids.max (cpu, memory and pids must be
#              enabled in the root's cgroup.subtree_control; this script
#              changes no root setting; not yet run on a v2 host)
# Each batch writes the files' current (valid, non-default) values back.
# Then uring_calibrate's choice for each size, as the daemon would make it.
# Writes build/bench/writes.png (gnuplot; gnuplot-nox installed if missing).
set -euo pipefail
quick=${BENCH_QUICK:-0}
n=$([ "$quick" = 1 ] && echo 200 || echo 2000)
[ -x build/x86_64-musl/bench/writes_micro ] || { scripts/bootstrap >&2 && scripts/build x86_64 >&2; }
command -v gnuplot >/dev/null ||
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null; }; }

cg=/sys/fs/cgroup
name=alcove-bench.$$
dirs=()
cleanup() { local d; for d in "${dirs[@]}"; do rmdir "$d" 2>/dev/null || echo "writes: could not remove $d" >&2; done; }
trap cleanup EXIT
mkgroup() { mkdir "$1/$name"; dirs+=("$1/$name"); }
set_file() { echo "$2" >"$1" || { echo "writes: cannot set $1 to $2" >&2; exit 1; }; files+=("$1"); }
files=()
if grep -q " $cg cgroup2 " /proc/mounts; then
  layout=v2
  for c in cpu memory pids; do
    grep -qw $c $cg/cgroup.subtree_control || { echo "writes: $c not in $cg/cgroup.subtree_control" >&2; exit 1; }
  done
  mkgroup $cg
  g=$cg/$name
  set_file $g/cpu.max "50000 100000"
  set_file $g/cpu.weight 50
  set_file $g/memory.oom.group 1
  set_file $g/memory.high 268435456
  set_file $g/memory.max 536870912
  set_file $g/memory.low 16777216
  set_file $g/memory.min 8388608
  set_file $g/pids.max 64
else
  layout=hybrid/v1
  for c in cpu memory pids; do mkgroup $cg/$c; done
  set_file $cg/cpu/$name/cpu.cfs_quota_us 50000
  set_file $cg/cpu/$name/cpu.cfs_period_us 100000
  set_file $cg/cpu/$name/cpu.shares 512
  set_file $cg/memory/$name/memory.limit_in_bytes 268435456
  set_file $cg/memory/$name/memory.soft_limit_in_bytes 134217728
  set_file $cg/memory/$name/memory.swappiness 30
  set_file $cg/pids/$name/pids.max 64
  set_file $cg/cpu/$name/cpu.cfs_burst_us 10000
fi

raw=build/bench/writes.micro
echo "writes: $(nproc) cpus, $(uname -r), cgroup layout $layout, io_uring_disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo n/a), $n alternating batches per size"
echo "files (a batch of k writes the first k): ${files[*]##*/}"
build/x86_64-musl/bench/writes_micro "$n" "${files[@]}" >"$raw"
python3 - "$raw" build/bench/writes.dat <<'PY'
import sys
rows, cal = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "calibrate":
        cal[int(f[1])] = f[2:]
    else:
        rows[(f[0], int(f[1]))] = [float(x) for x in f[2:5]]
print("us per batch         mean      p50      p99   uring/sync mean  p50   calibrate chose")
fields, dat = [], []
for k in (1, 3, 8):
    s, u = rows[("sync", k)], rows[("uring", k)]
    rm, rp = u[0] / s[0], u[1] / s[1]
    for b, v in (("sync", s), ("uring", u)):
        extra = f"{rm:16.2f} {rp:5.2f}   {cal[k][0]}" if b == "uring" else ""
        print(f"{k} write{'s' if k > 1 else ' '} {b:6} {v[0]:9.2f} {v[1]:8.2f} {v[2]:8.2f} {extra}")
        fields += [f"{b}_{k}_mean_us={v[0]:.2f}", f"{b}_{k}_p50_us={v[1]:.2f}", f"{b}_{k}_p99_us={v[2]:.2f}"]
    fields += [f"uring_vs_sync_{k}={rm:.2f}", f"uring_vs_sync_{k}_p50={rp:.2f}", f"calibrate_{k}={cal[k][0]}"]
    dat.append(f"{k} {' '.join(map(str, s))} {' '.join(map(str, u))}")
print()
print("calibration (uring_calibrate, ~15 ms each): " + "; ".join(
    f"{k}: {c[0]} (median sync {c[1]} us, uring {c[2]} us, {c[3]} batches, {c[4]} us)" for k, c in sorted(cal.items())))
open(sys.argv[2], "w").write("\n".join(dat) + "\n")
print("RESULT writes " + " ".join(fields))
PY
gnuplot -e "dat='build/bench/writes.dat'; out='build/bench/writes.png'; subtitle='$(uname -r), $layout, $n batches per point'" bench/plot_writes.gp
