# bench/run protection: does alcove sched protect a latency task next to
# CPU hogs? Scenarios A, B and B2 (PROTECTION_SCENARIOS="A B B2", the
# default, picks them), every condition of a scenario side by side in one
# run: 15 s per condition (5 with --quick), in 3 interleaved rounds of 5 s
# (PROTECTION_ROUNDS; one round with --quick) so that a change in the
# machine's other load hits every condition alike. Each alcove round starts
# a daemon of its own (what it learned, such as an escalation back-off,
# starts over). Percentiles are over all the rounds' responses.
# Latency: bench/latency_task, response = completion - scheduled arrival,
# the work measured in thread CPU time. Batch CPU-s = the batch group's
# usage_usec (v2 cpu.stat) while the latency task runs, summed over rounds.
#
# A, co-location: 2 ms of CPU every 10 ms in group lat (no limit) next to
# nproc+1 busy loops in group batch. Conditions:
#   idle         no hogs
#   none         hogs, no control
#   static50     hogs, batch cpu quota 50% of the machine (nproc/2 CPUs)
#   idle1        hogs, batch cpu.idle=1
#   shares2      hogs, batch cpu.shares=2 (cpu.weight=1 on v2)
#   alcove_poll, alcove_psi   hogs, alcove sched --mode poll|psi managing
#                lat=latency and batch=batch (it sets batch's cpu.idle and
#                shares itself, and restores them on exit)
# The batch quota is read every 50 ms in every condition (watch_quotas).
# Target: alcove_psi p99 <= 1.1x the best static p99 (lowest among
# static50, idle1, shares2), batch CPU-s >= 0.95x that setting's.
#
# B, a latency group under its own limit: lat has cpu.max 20 ms per 100 ms;
# every 200 ms a burst of 10 requests of 3 ms arrives (0.15 CPU on average,
# 30 ms at once); nproc+1 hogs in batch at 160 ms per 100 ms; a total
# budget of 1.8 CPUs covers both (lat 0.2 + batch 1.6 = 1.8). Conditions:
#   idle         lat alone with no limit: the reference
#   limit_alone  lat alone under its 20 ms/100 ms limit: the limit's own cost
#   static       hogs, the limits, and the best static priority of A
#                (batch cpu.idle=1, cpu.shares=2)
#   static_burst the same plus cpu burst 20 ms on lat (the kernel caps the
#                burst at the quota): what a static burst alone does
#   alcove_poll, alcove_psi   hogs, the limits, and alcove sched --budget 1.8
# Throughout every condition a sampler reads both groups' quotas from the
# cgroup files every 10 ms (bench/sched_lib.bash watch_quotas) and reports
# the largest lat + batch sum seen against the budget.
# Target: alcove_psi p99 <= 1.5x the idle p99, and the sum of the quotas
# never above the budget.
# B2 is B with bursts of 10 x 6 ms every 400 ms (0.15 CPU on average):
# 60 ms at once is more than the limit plus the largest burst the kernel
# allows (20 + 20 ms per period), so only a raised quota avoids throttling.
# Writes build/bench/protection.png (A), protection_b.png, protection_b2.png.
set -euo pipefail
quick=${BENCH_QUICK:-0}
D=$([ "$quick" = 1 ] && echo 5 || echo 15)
# Each scenario runs its conditions interleaved, in ROUNDS rounds of DR s
# each, so a change in the machine's other load hits every condition alike.
ROUNDS=${PROTECTION_ROUNDS:-$([ "$quick" = 1 ] && echo 1 || echo 3)}
DR=$((D / ROUNDS))
DT=$((DR * ROUNDS)) # seconds per condition, all rounds
scenarios=${PROTECTION_SCENARIOS:-A B B2}
source bench/sched_lib.bash
need_build
need_gnuplot
trap bench_cleanup EXIT
trap "exit 1" INT TERM HUP PIPE
mkgroups
ncpu=$(nproc)
nhogs=$((ncpu + 1))
mkdir -p build/bench

echo "protection: $ncpu cpus, $(uname -r), cgroup layout $LAYOUT; $nhogs hogs; $DT s per condition in $ROUNDS round(s); scenarios $scenarios"
load0=$(cut -d' ' -f1 /proc/loadavg)
echo "psi trigger window allowed here: $(probe_window); load average (1, 5, 15 min) before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "this is a shared 2-vCPU VM: figures are noisy, compare within this run only"

reset_groups() {
  sched_stop
  set_static batch none
  set_burst lat 0
  set_quota lat -1 100000
  set_quota batch -1 100000
}
# in_lat CMD...: runs CMD in the foreground inside group lat.
in_lat() {
  sh -c 'for f in $0; do echo $$ >"$f" || exit 1; done; exec "$@"' "$(procs_files lat | tr '\n' ' ')" "$@"
}
# log_reasons LOG: "group:reason=count ..." over an alcove sched log.
log_reasons() {
  awk -v bg="$BG/" '$3 ~ "^" bg && $5 == "quota" {sub(".*/", "", $3); n[$3 ":" $4]++}
    END {for (k in n) printf "%s=%d ", k, n[k]; print ""}' "$1"
}
cpu_s() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b - a) / 1e6}'; }
# summarize S: results.S, one line per condition "C n=.. p50_ms=.. p99_ms=..
# max_ms=.. mean_ms=.. batch_cpu_s=..", from every round's batch CPU-s
# (results.S.rounds) and raw response times (rt.S.C.ROUND).
summarize() {
  python3 - "$T" "$1" <<'PY'
import sys, glob
T, s = sys.argv[1:3]
cpu = {}
for line in open(f"{T}/results.{s}.rounds"):
    c, v = line.split()
    cpu[c] = cpu.get(c, 0.0) + float(v.split("=")[1])
with open(f"{T}/results.{s}", "w") as out:
    for c, v in cpu.items():
        rt = sorted(float(x) for f in glob.glob(f"{T}/rt.{s}.{c}.*") for x in open(f))
        def pct(q):
            return rt[min(len(rt) - 1, int(round(q / 100 * (len(rt) - 1))))]
        out.write(f"{c} n={len(rt)} p50_ms={pct(50):.3f} p99_ms={pct(99):.3f} max_ms={rt[-1]:.3f} "
                  f"mean_ms={sum(rt) / len(rt):.3f} batch_cpu_s={v:.2f}\n")
PY
}

# a_condition CONDITION ROUND: one round of a condition of scenario A.
a_condition() {
  local c=$1 r=$2 u0 u1
  reset_groups
  case $c in
    static50) set_quota batch $((ncpu * 50000)) 100000 ;;
    idle1) set_static batch idle ;;
    shares2) set_static batch shares2 ;;
  esac
  if [ "$c" != idle ]; then for i in $(seq $nhogs); do hog batch; done; fi
  case $c in
    alcove_poll) sched_start --mode poll ;;
    alcove_psi) sched_start --mode psi ;;
  esac
  # the same sampler in every condition, so that its own CPU is alike
  watch_quotas "$T/q.A.$c.$r" 0.05
  sleep 1
  u0=$(usage_us batch)
  in_lat "$B/latency_task" 2 10 "$DR" 1 "$T/rt.A.$c.$r" >/dev/null
  u1=$(usage_us batch)
  if [ "${c#alcove}" != "$c" ]; then
    "$A" sched log --socket "$SOCK" >>"$T/log.A.$c"
    sched_stop
  fi
  kill "$wpid"; wait "$wpid" 2>/dev/null || true
  wpid=
  stop_pids
  echo "$c batch_cpu_s=$(cpu_s "$u0" "$u1")"
}

scenario_a() {
  echo
  echo "== A, co-location: latency_task 2 ms CPU every 10 ms (no limit) next to $nhogs hogs; $ROUNDS round(s) of $DR s, the conditions interleaved"
  local c r
  for r in $(seq "$ROUNDS"); do
    for c in idle none static50 idle1 shares2 alcove_poll alcove_psi; do
      a_condition "$c" "$r" >>"$T/results.A.rounds"
    done
  done
  summarize A
  for c in alcove_poll alcove_psi; do log_reasons "$T/log.A.$c" >"$T/reasons.A.$c"; cat "$T"/q.A.$c.* >"$T/q.A.$c"; done
  python3 - "$T" "$DT" <<'PY'
import sys
T, D = sys.argv[1], float(sys.argv[2])
rows = {}
for line in open(f"{T}/results.A"):
    f = line.split()
    rows[f[0]] = {k: float(v) for k, v in (x.split("=") for x in f[1:])}
print(f"{'condition':12} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean ms':>8} {'batch CPU-s':>12} {'batch CPUs':>10}")
dat = []
for i, (c, r) in enumerate(rows.items()):
    print(f"{c:12} {int(r['n']):5d} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['max_ms']:8.2f} {r['mean_ms']:8.2f} {r['batch_cpu_s']:12.2f} {r['batch_cpu_s'] / D:10.2f}")
    dat.append(f"{i} {c} {r['p50_ms']} {r['p99_ms']} {r['max_ms']} {r['batch_cpu_s']}")
open(f"{T}/protection.dat", "w").write("\n".join(dat) + "\n")
best = min(("static50", "idle1", "shares2"), key=lambda c: rows[c]["p99_ms"])
print(f"\nbest static setting by p99: {best}")
for c in ("alcove_poll", "alcove_psi"):
    qs = [float(l.split()[2]) for l in open(f"{T}/q.A.{c}")]
    changes = sum(1 for a, b in zip(qs, qs[1:]) if a != b)
    print(f"{c}: batch quota read {len(qs)}x every 50 ms: min {min(qs):.2f}, max {max(qs):.2f} CPUs (inf = no limit), {changes} changes")
    print(f"   decisions (last 256 per round at most): {open(f'{T}/reasons.A.{c}').read().strip() or 'none'}")
out = [f"a_best_static={best}"]
for c, r in rows.items():
    out += [f"a_{c}_p50_ms={r['p50_ms']:.2f}", f"a_{c}_p99_ms={r['p99_ms']:.2f}", f"a_{c}_batch_cpu_s={r['batch_cpu_s']:.2f}"]
b = rows[best]
for c in ("alcove_psi", "alcove_poll"):
    r = rows[c]
    pr = r["p99_ms"] / b["p99_ms"]
    br = r["batch_cpu_s"] / b["batch_cpu_s"] if b["batch_cpu_s"] > 0 else float("nan")
    ok = pr <= 1.1 and br >= 0.95
    print(f"{c} vs best static ({best}): p99 {pr:.2f}x, batch CPU-s {br:.2f}x -> target (p99 <= 1.1x, batch >= 0.95x) {'HELD' if ok else 'NOT MET'}")
    out += [f"a_{c}_p99_vs_best_static={pr:.2f}", f"a_{c}_batch_vs_best_static={br:.2f}", f"a_{c}_target={'held' if ok else 'missed'}"]
open(f"{T}/result.a", "w").write(" ".join(out) + "\n")
PY
  gnuplot -e "dat='$T/protection.dat'; out='build/bench/protection.png'; subtitle='A: $(uname -r), $LAYOUT, 2 ms every 10 ms next to $nhogs hogs, $DT s per condition'" bench/plot_protection.gp
}

B_BUDGET=1.8
# b_condition NAME W P CONDITION ROUND: one round of a condition of
# scenario NAME, bursts of 10 requests of W ms every P ms.
b_condition() {
  local n=$1 w=$2 p=$3 c=$4 r=$5 u0 u1
  reset_groups
  [ "$c" = idle ] || set_quota lat 20000 100000
  case $c in idle | limit_alone) ;; *) set_quota batch 160000 100000 ;; esac
  # shares before idle: while cpu.idle is 1 the kernel refuses weight writes
  case $c in static | static_burst) set_static batch shares2; set_static batch idle ;; esac
  [ "$c" = static_burst ] && set_burst lat 20000
  case $c in idle | limit_alone) ;; *) for i in $(seq $nhogs); do hog batch; done ;; esac
  case $c in
    alcove_poll) sched_start --mode poll --budget $B_BUDGET ;;
    alcove_psi) sched_start --mode psi --budget $B_BUDGET ;;
  esac
  watch_quotas "$T/w.$n.$c.$r" 0.01
  sleep 1
  u0=$(usage_us batch)
  in_lat "$B/latency_task" "$w" "$p" "$DR" 10 "$T/rt.$n.$c.$r" >/dev/null
  u1=$(usage_us batch)
  if [ "${c#alcove}" != "$c" ]; then
    "$A" sched log --socket "$SOCK" >>"$T/log.$n.$c"
    sched_stop
  fi
  kill "$wpid"; wait "$wpid" 2>/dev/null || true
  wpid=
  stop_pids
  echo "$c batch_cpu_s=$(cpu_s "$u0" "$u1")"
}

# scenario_b NAME W P: scenario B with bursts of 10 x W ms every P ms.
scenario_b() {
  local n=$1 w=$2 p=$3 c r
  echo
  echo "== $n, a latency group under its own limit: lat 20 ms/100 ms, bursts of 10 x $w ms every $p ms; batch 160 ms/100 ms, $nhogs hogs; total budget $B_BUDGET CPUs; $ROUNDS round(s) of $DR s, the conditions interleaved"
  for r in $(seq "$ROUNDS"); do
    for c in idle limit_alone static static_burst alcove_poll alcove_psi; do
      b_condition "$n" "$w" "$p" "$c" "$r" >>"$T/results.$n.rounds"
    done
  done
  summarize "$n"
  for c in idle limit_alone static static_burst alcove_poll alcove_psi; do cat "$T"/w.$n.$c.* >"$T/w.$n.$c"; done
  for c in alcove_poll alcove_psi; do log_reasons "$T/log.$n.$c" >"$T/reasons.$n.$c"; done
  python3 - "$T" "$DT" "$B_BUDGET" "$n" <<'PY'
import sys
T, D, budget, name = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
k = name.lower()
rows = {}
for line in open(f"{T}/results.{name}"):
    f = line.split()
    rows[f[0]] = {k: float(v) for k, v in (x.split("=") for x in f[1:])}
idle99 = rows["idle"]["p99_ms"]
print(f"{'condition':12} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p99/idle':>8} {'batch CPU-s':>11} {'samples':>7} {'max sum':>7} {'over':>5} {'lat quota':>11} {'lat burst ms':>12}")
out, dat = [], []
for i, (c, r) in enumerate(rows.items()):
    w = [l.split() for l in open(f"{T}/w.{name}.{c}")]
    lat = [float(x[1]) for x in w]
    bat = [float(x[2]) for x in w]
    bur = [float(x[3]) for x in w]
    sums = [a + b for a, b in zip(lat, bat)]
    mx = max(sums) if sums else float("nan")
    # the budget covers the conditions with both limits; idle and limit_alone have none
    over = "-" if c in ("idle", "limit_alone") else sum(1 for s in sums if s > budget + 1e-9)
    ratio = r["p99_ms"] / idle99
    print(f"{c:12} {int(r['n']):5d} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['max_ms']:8.2f} {ratio:8.2f} {r['batch_cpu_s']:11.2f} {len(sums):7d} {mx:7.3f} {over:>5} {min(lat):5.2f}-{max(lat):<5.2f} {min(bur):5.1f}-{max(bur):<5.1f}")
    out += [f"{k}_{c}_p50_ms={r['p50_ms']:.2f}", f"{k}_{c}_p99_ms={r['p99_ms']:.2f}", f"{k}_{c}_p99_vs_idle={ratio:.2f}",
            f"{k}_{c}_batch_cpu_s={r['batch_cpu_s']:.2f}", f"{k}_{c}_max_quota_sum_cpus={mx:.3f}", f"{k}_{c}_over_budget_samples={over}"]
    dat.append(f"{i} {c} {r['p50_ms']} {r['p99_ms']} {r['max_ms']} {r['batch_cpu_s']}")
open(f"{T}/{k}.dat", "w").write("\n".join(dat) + "\n")
t0 = None
with open(f"{T}/{k}.quota.dat", "w") as f:
    for l in open(f"{T}/w.{name}.alcove_psi.1"):  # the first round
        t, a, b, bu = l.split()
        t0 = t0 if t0 is not None else float(t)
        f.write(f"{float(t) - t0:.3f} {a} {b} {float(a) + float(b):.5f} {bu}\n")
print("(quotas in CPUs, quota / period, inf = no limit; 'max sum' = the largest lat + batch quota sum the")
print(" sampler read from the cgroup files, every 10 ms; 'over' = samples above the budget)")
for c in ("alcove_poll", "alcove_psi"):
    print(f"{c} decisions (last 256 per round at most): {open(f'{T}/reasons.{name}.{c}').read().strip() or 'none'}")
for c in ("alcove_psi", "alcove_poll"):
    r = rows[c]
    w = [l.split() for l in open(f"{T}/w.{name}.{c}")]
    mx = max(float(x[1]) + float(x[2]) for x in w)
    ok = r["p99_ms"] / idle99 <= 1.5 and mx <= budget + 1e-9
    print(f"{c}: p99 {r['p99_ms'] / idle99:.2f}x idle, static {rows['static']['p99_ms'] / idle99:.2f}x, static_burst {rows['static_burst']['p99_ms'] / idle99:.2f}x; "
          f"max quota sum {mx:.3f} of {budget} CPUs -> target (p99 <= 1.5x idle, sum <= budget) {'HELD' if ok else 'NOT MET'}")
    out.append(f"{k}_{c}_target={'held' if ok else 'missed'}")
open(f"{T}/result.{name}", "w").write(f"{k}_budget_cpus={budget} " + " ".join(out) + "\n")
PY
  local k
  k=$(echo "$n" | tr '[:upper:]' '[:lower:]')
  gnuplot -e "dat='$T/$k.dat'; qdat='$T/$k.quota.dat'; budget=$B_BUDGET; out='build/bench/protection_$k.png'; subtitle='$n: $(uname -r), $LAYOUT, lat 20 ms/100 ms, 10 x $w ms every $p ms, $nhogs hogs, budget $B_BUDGET CPUs, $DT s per condition'" bench/plot_protection_b.gp
}

for s in $scenarios; do
  case $s in
    A) scenario_a ;;
    B) scenario_b B 3 200 ;;
    B2) scenario_b B2 6 400 ;;
    *) echo "protection: unknown scenario '$s' (A, B, B2)" >&2; exit 2 ;;
  esac
done
echo
echo "load average (1, 5, 15 min) after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "RESULT protection load1_before=$load0 load1_after=$(cut -d' ' -f1 /proc/loadavg) $(cat "$T"/result.* 2>/dev/null | tr '\n' ' ')"
