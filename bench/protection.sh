# bench/run protection: does alcove sched keep a latency task's response
# time next to CPU hogs as well as the best static setting, and let batch
# run as much? Scenario A (co-location), every condition in one run:
#   latency  bench/latency_task: 2 ms of CPU (thread CPU time) every 10 ms,
#            in group lat (no limit); response = completion - scheduled start
#   batch    nproc+1 busy loops in group batch
# Conditions (D s each: 15, 5 with --quick):
#   idle       no hogs
#   none       hogs, no control
#   static50   hogs, batch cpu quota 50% of the machine (nproc/2 CPUs)
#   idle1      hogs, batch cpu.idle=1
#   shares2    hogs, batch cpu.shares=2 (cpu.weight=1 on v2)
#   alcove_poll, alcove_psi   hogs, alcove sched --mode poll|psi managing
#              lat=latency and batch=batch (it sets batch's cpu.idle and
#              shares itself, and restores them on exit)
# Batch CPU-s = the batch group's usage_usec (v2 cpu.stat) over the run.
# During the alcove runs the batch quota is sampled every 50 ms.
# Headline: alcove_psi p99 / best static p99 (best = lowest p99 among
# static50, idle1, shares2) and alcove batch CPU-s / that setting's.
# Target: p99 ratio <= 1.1 and batch ratio >= 0.95.
# Writes build/bench/protection.png.
set -euo pipefail
quick=${BENCH_QUICK:-0}
D=$([ "$quick" = 1 ] && echo 5 || echo 15)
W=2 P=10
source bench/sched_lib.bash
need_build
need_gnuplot
trap bench_cleanup EXIT
trap "exit 1" INT TERM HUP PIPE
mkgroups
ncpu=$(nproc)
nhogs=$((ncpu + 1))

echo "protection A: $ncpu cpus, $(uname -r), cgroup layout $LAYOUT; latency_task ${W} ms CPU every ${P} ms; $nhogs hogs; $D s per condition"
echo "psi trigger window allowed here: $(probe_window); this is a shared 2-vCPU VM: figures are noisy, compare within this run only"
echo

reset_groups() {
  set_quota lat -1 100000
  set_quota batch -1 100000
  set_static batch none
}
sample_quota() { # background: batch quota every 50 ms into $1
  while :; do echo "$(date +%s%N) $(quota batch)"; sleep 0.05; done >"$1" &
  qpid=$!
}
run_condition() {
  local c=$1 u0 u1 res
  reset_groups
  case $c in
    static50) set_quota batch $((ncpu * 50000)) 100000 ;;
    idle1) set_static batch idle ;;
    shares2) set_static batch shares2 ;;
  esac
  if [ "$c" != idle ]; then for i in $(seq $nhogs); do hog batch; done; fi
  case $c in
    alcove_poll) sched_start --mode poll; sample_quota "$T/q.$c" ;;
    alcove_psi) sched_start --mode psi; sample_quota "$T/q.$c" ;;
  esac
  sleep 1
  u0=$(usage_us batch)
  res=$(sh -c 'for f in $0; do echo $$ >"$f" || exit 1; done; exec "$@"' "$(procs_files lat | tr '\n' ' ')" \
    "$B/latency_task" $W $P "$D" 1 "$T/rt.$c")
  u1=$(usage_us batch)
  if [ "${c#alcove}" != "$c" ]; then
    kill "$qpid"; wait "$qpid" 2>/dev/null || true
    "$A" sched log --socket "$SOCK" >"$T/log.$c"
    sched_stop
  fi
  stop_pids
  echo "$c $res batch_cpu_s=$(awk -v a="$u0" -v b="$u1" 'BEGIN {printf "%.2f", (b - a) / 1e6}')"
}

for c in idle none static50 idle1 shares2 alcove_poll alcove_psi; do
  run_condition "$c" >>"$T/results"
done

python3 - "$T" "$D" "$ncpu" "$BG" <<'PY'
import sys, re
T, D, ncpu, bg = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = {}
for line in open(f"{T}/results"):
    f = line.split()
    rows[f[0]] = {k: float(v) for k, v in (x.split("=") for x in f[1:])}
print(f"{'condition':12} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean ms':>8} {'batch CPU-s':>12} {'batch CPUs':>10}")
dat = []
for i, (c, r) in enumerate(rows.items()):
    print(f"{c:12} {int(r['n']):5d} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['max_ms']:8.2f} {r['mean_ms']:8.2f} {r['batch_cpu_s']:12.2f} {r['batch_cpu_s'] / D:10.2f}")
    dat.append(f"{i} {c} {r['p50_ms']} {r['p99_ms']} {r['max_ms']} {r['batch_cpu_s']}")
open(f"{T}/protection.dat", "w").write("\n".join(dat) + "\n")
statics = [c for c in ("static50", "idle1", "shares2") if c in rows]
best = min(statics, key=lambda c: rows[c]["p99_ms"])
print(f"\nbest static setting by p99: {best}")
for c in ("alcove_poll", "alcove_psi"):
    try:
        qs = [int(l.split()[1]) for l in open(f"{T}/q.{c}") if len(l.split()) == 2]
    except OSError:
        continue
    changes = sum(1 for a, b in zip(qs, qs[1:]) if a != b)
    vals = [q for q in qs if q >= 0]
    lo = min(vals) if vals else -1
    print(f"{c}: batch quota sampled {len(qs)}x every 50 ms: min {lo} us, max {max(qs)} us (-1 = none), {changes} changes, "
          f"share of samples at the min: {sum(1 for q in qs if q == lo) / max(1, len(qs)):.2f}")
    try:
        reasons = {}
        for l in open(f"{T}/log.{c}"):
            m = re.search(r"ms (\S+)\s+(\S+)\s+quota", l)
            if m and m.group(1).startswith(bg):
                k = m.group(1).rsplit("/", 1)[1] + ":" + m.group(2)
                reasons[k] = reasons.get(k, 0) + 1
        print(f"   decisions (last 256 at most): {reasons}")
    except OSError:
        pass
out = []
for c, r in rows.items():
    out += [f"{c}_p50_ms={r['p50_ms']:.2f}", f"{c}_p99_ms={r['p99_ms']:.2f}", f"{c}_max_ms={r['max_ms']:.2f}", f"{c}_batch_cpu_s={r['batch_cpu_s']:.2f}"]
b = rows[best]
for c in ("alcove_psi", "alcove_poll"):
    r = rows[c]
    pr = r["p99_ms"] / b["p99_ms"]
    br = r["batch_cpu_s"] / b["batch_cpu_s"] if b["batch_cpu_s"] > 0 else float("nan")
    ok = pr <= 1.1 and br >= 0.95
    print(f"{c} vs best static ({best}): p99 {pr:.2f}x, batch CPU-s {br:.2f}x -> target (p99 <= 1.1x, batch >= 0.95x) {'HELD' if ok else 'NOT MET'}")
    out += [f"{c}_p99_vs_best_static={pr:.2f}", f"{c}_batch_vs_best_static={br:.2f}", f"{c}_target={'held' if ok else 'missed'}"]
print("RESULT protection " + f"best_static={best} " + " ".join(out))
PY
gnuplot -e "dat='$T/protection.dat'; out='build/bench/protection.png'; subtitle='$(uname -r), $LAYOUT, ${W} ms every ${P} ms next to $nhogs hogs, $D s per condition'" bench/plot_protection.gp
