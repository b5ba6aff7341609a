# bench/run reaction: how fast alcove sched reacts, from the onset of load
# to its first cgroup write, psi mode against poll mode, side by side.
# Two kinds of trial, each N times per mode (N = 30, 8 with --quick):
#   stall  3 hogs already run in the batch group; the latency group has its
#          own limit (20 ms per 100 ms); at t0 a busy loop starts in it, so it
#          is throttled and stalls. Measured: t0 -> first batch quota cut,
#          and t0 -> relief (the latency group's quota raised).
#   hog    the latency group runs bench/latency_task (2 ms of CPU every
#          10 ms, no own limit); at t0 3 hogs start in the batch group.
#          Measured: t0 -> first batch quota cut (if any within the timeout).
# The daemon is restarted for every trial (SIGTERM restores every setting),
# so each trial starts from the same state: the law never gives a latency
# group's raised quota back, so one long-lived daemon would not be
# throttled again after the first trial. Each trial: start the daemon, wait
# 600 ms (it primes, then takes a calm sample), run bench/reaction_probe
# (polls the quota files every 100 us), read the daemon's log for its own
# "written +X ms after the trigger" of the first batch cut, stop it.
# Writes build/bench/reaction.png (CDF of t0 -> first cut).
set -euo pipefail
quick=${BENCH_QUICK:-0}
n=$([ "$quick" = 1 ] && echo 8 || echo 30)
source bench/sched_lib.bash
need_build
need_gnuplot
trap bench_cleanup EXIT
trap "exit 1" INT TERM HUP PIPE
mkgroups
timeout_ms=4000

window=$(probe_window)
echo "reaction: $(nproc) cpus, $(uname -r), cgroup layout $LAYOUT, $n trials per kind and mode, daemon restarted per trial"
echo "psi trigger window this process may arm on the latency group: $window (the daemon tries 100 ms, 500 ms, 1 s, 2 s in turn; CapEff $(sed -n 's/^CapEff:\s*//p' /proc/self/status))"
echo "this is a shared 2-vCPU VM: timings are noisy; compare the modes within this run only"
echo

# trial KIND MODE: one line "cut_ms relief_ms b0 b1 l0 l1 daemon_write_ms trigger_state"
trial() {
  local kind=$1 mode=$2 r state log dw
  sched_start --mode "$mode"
  sleep 0.6
  state=$("$A" sched status --socket "$SOCK" | awk -v g="$BG/lat" '$1 == g {print ($6 == "" ? $5 : $5 "_" $6)}')
  if [ "$kind" = stall ]; then
    r=$("$B/reaction_probe" $timeout_ms 1 "$(quota_file batch)" "$(quota_file lat)" $(procs_files lat))
  else
    r=$("$B/reaction_probe" $timeout_ms 3 "$(quota_file batch)" "$(quota_file lat)" $(procs_files batch))
  fi
  log=$("$A" sched log --socket "$SOCK")
  echo "$log" >>"$T/log.$kind.$mode"
  dw=$(awk -v g="$BG/batch" '$3 == g && !done {for (i = 1; i < NF; i++) if ($i == "written") {print $(i+1) + 0; done = 1}}' <<<"$log")
  sched_stop
  echo "$r ${dw:--1} ${state:-?}"
}

for kind in stall hog; do
  set_quota batch -1 200000
  if [ "$kind" = stall ]; then
    set_quota lat 20000 100000
    for i in 1 2 3; do hog batch; done
  else
    set_quota lat -1 100000
    run_in lat "$B/latency_task" 2 10 100000
  fi
  sleep 0.5
  for i in $(seq "$n"); do
    for mode in psi poll; do # interleaved, so drift hits both modes alike
      trial "$kind" "$mode" >>"$T/$kind.$mode"
      sleep 0.3
    done
  done
  stop_pids
done

{
  printf '%-6s %-5s %6s %5s %9s %9s %9s %11s %11s %11s  %s\n' kind mode trials cuts "cut p50" "cut p99" "cut max" "relief p50" "relief p99" "daemon p50" "trigger"
  for kind in stall hog; do
    for mode in psi poll; do
      f=$T/$kind.$mode
      awk '$1 >= 0 {print $1}' "$f" >"$f.cut"
      awk '$2 >= 0 {print $2}' "$f" >"$f.relief"
      awk '$7 >= 0 {print $7}' "$f" >"$f.dw"
      cuts=$(wc -l <"$f.cut")
      states=$(awk '{print $8}' "$f" | sort | uniq -c | awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
      printf '%-6s %-5s %6s %5s %9s %9s %9s %11s %11s %11s  %s\n' "$kind" "$mode" "$(wc -l <"$f")" "$cuts" \
        "$(pctl 50 "$f.cut")" "$(pctl 99 "$f.cut")" "$(pctl 100 "$f.cut")" \
        "$(pctl 50 "$f.relief")" "$(pctl 99 "$f.relief")" "$(pctl 50 "$f.dw")" "$states"
      echo "$kind $mode $cuts $(wc -l <"$f") $(pctl 50 "$f.cut") $(pctl 99 "$f.cut") $(pctl 50 "$f.relief") $(pctl 99 "$f.relief") $(pctl 50 "$f.dw")" >>"$T/summary"
      sort -g "$f.cut" | awk -v t="$(wc -l <"$f")" '{print $1, NR / t}' >"build/bench/reaction.$kind.$mode.dat"
    done
  done
} | tee "$T/table"
echo "(ms; cut = t0 -> first batch quota cut, seen by polling the quota file; relief = t0 -> latency quota raised;"
echo " daemon = the daemon's own 'written +X ms after the trigger' of that cut; quotas before -> after, first trial:"
for kind in stall hog; do for mode in psi poll; do
  read -r _ _ b0 b1 l0 l1 _ < <(head -1 "$T/$kind.$mode")
  echo "   $kind/$mode: batch $b0 -> $b1 us, latency $l0 -> $l1 us"
done; done
echo ")"
echo
echo "first decisions of the last stall/psi trial (daemon log):"
awk -v g="$BG" 'index($3, g) == 1' "$T/log.stall.psi" | tail -n 3
echo "daemon stderr lines other than its start line:"
grep -v '^alcove sched: managing' "$T/daemon.err" | sort | uniq -c | sed -n 1,5p || true

gnuplot -e "dir='build/bench'; out='build/bench/reaction.png'; subtitle='$(uname -r), $LAYOUT, $n trials per curve, trigger window $window'" bench/plot_reaction.gp

python3 - "$T/summary" "$window" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows[(f[0], f[1])] = f[2:]
out = [f"trigger_window={sys.argv[2]}"]
def num(x):
    return float(x) if x != "nan" else float("nan")
for (kind, mode), v in rows.items():
    cuts, trials, c50, c99, r50, r99, d50 = v
    out += [f"{kind}_{mode}_cuts={cuts}/{trials}", f"{kind}_{mode}_cut_p50_ms={c50}", f"{kind}_{mode}_cut_p99_ms={c99}"]
    if kind == "stall":
        out += [f"{kind}_{mode}_relief_p50_ms={r50}", f"{kind}_{mode}_relief_p99_ms={r99}"]
    out += [f"{kind}_{mode}_daemon_write_p50_ms={d50}"]
for kind in ("stall", "hog"):
    p, q = rows.get((kind, "psi")), rows.get((kind, "poll"))
    if p and q:
        a, b = num(p[2]), num(q[2])
        out.append(f"{kind}_psi_vs_poll_p50={a / b:.2f}" if b == b and b > 0 and a == a else f"{kind}_psi_vs_poll_p50=nan")
print("RESULT reaction " + " ".join(out))
PY
