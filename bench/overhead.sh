# bench/run overhead: alcove sched's own CPU and memory, psi and poll mode.
#   idle      the daemon manages a latency and a batch group with no load
#   pressure  the protection scenario's load: bench/latency_task (2 ms of
#             CPU every 10 ms) in lat, nproc+1 hogs in batch
# D s each (20, 8 with --quick). CPU % = the daemon's run time over the
# window from /proc/PID/schedstat (ns; /proc/PID/stat utime+stime in ticks
# is also shown) / wall time, as a share of one CPU. RSS = VmRSS at the end
# and VmHWM (peak). Targets: under 0.1% CPU idle, RSS under 1 MiB.
set -euo pipefail
quick=${BENCH_QUICK:-0}
D=$([ "$quick" = 1 ] && echo 8 || echo 20)
source bench/sched_lib.bash
need_build
trap bench_cleanup EXIT
trap "exit 1" INT TERM HUP PIPE
mkgroups
ncpu=$(nproc)
tck=$(getconf CLK_TCK)

echo "overhead: $ncpu cpus, $(uname -r), cgroup layout $LAYOUT, $D s per condition; a shared 2-vCPU VM, so figures are noisy"
echo
run_ns() { awk '{print $1}' "/proc/$1/schedstat"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() { # measure MODE LOAD -> "mode load cpu_pct ticks_pct rss_kib hwm_kib decisions"
  local mode=$1 load=$2 n0 n1 k0 k1 t0 t1 rss hwm dec
  set_quota lat -1 100000
  set_quota batch -1 100000
  if [ "$load" = pressure ]; then
    for i in $(seq $((ncpu + 1))); do hog batch; done
    run_in lat "$B/latency_task" 2 10 $((D + 5))
  fi
  sched_start --mode "$mode"
  sleep 1
  n0=$(run_ns "$dpid") k0=$(ticks "$dpid") t0=$(date +%s%N)
  sleep "$D"
  n1=$(run_ns "$dpid") k1=$(ticks "$dpid") t1=$(date +%s%N)
  rss=$(sed -n 's/^VmRSS:\s*\([0-9]*\).*/\1/p' "/proc/$dpid/status")
  hwm=$(sed -n 's/^VmHWM:\s*\([0-9]*\).*/\1/p' "/proc/$dpid/status")
  dec=$("$A" sched status --socket "$SOCK" | sed -n 's/^decisions \([0-9]*\).*/\1/p')
  sched_stop
  stop_pids
  awk -v m="$mode" -v l="$load" -v n="$((n1 - n0))" -v k="$((k1 - k0))" -v t="$((t1 - t0))" -v tck="$tck" \
    -v rss="$rss" -v hwm="$hwm" -v dec="$dec" \
    'BEGIN {printf "%s %s %.4f %.4f %s %s %s\n", m, l, 100 * n / t, 100 * (k / tck) / (t / 1e9), rss, hwm, dec}'
}
for load in idle pressure; do
  for mode in psi poll; do
    measure "$mode" "$load" >>"$T/rows"
  done
done
printf '%-5s %-9s %10s %12s %9s %9s %10s\n' mode load "CPU %" "CPU % ticks" "RSS KiB" "HWM KiB" decisions
while read -r m l c k r h d; do printf '%-5s %-9s %10s %12s %9s %9s %10s\n' "$m" "$l" "$c" "$k" "$r" "$h" "$d"; done <"$T/rows"
echo "(CPU % of one CPU, from schedstat run time; the ticks column has ${tck} Hz resolution)"
python3 - "$T/rows" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
out, idle_ok, rss_ok = [], True, True
for m, l, c, k, r, h, d in rows:
    out += [f"{m}_{l}_cpu_pct={float(c):.4f}", f"{m}_{l}_rss_kib={r}", f"{m}_{l}_hwm_kib={h}", f"{m}_{l}_decisions={d}"]
    if l == "idle" and float(c) >= 0.1:
        idle_ok = False
    if int(h) >= 1024:
        rss_ok = False
print(f"targets: idle CPU < 0.1%: {'held' if idle_ok else 'missed'}; RSS (peak) < 1 MiB: {'held' if rss_ok else 'missed'}")
print("RESULT overhead " + " ".join(out) + f" idle_cpu_target={'held' if idle_ok else 'missed'} rss_target={'held' if rss_ok else 'missed'}")
PY
