# The demo's driver (a service of alcove init, see scripts/demo): shows the
# services, then the status and the scheduler's decisions while the batch
# hog runs next to the latency task, a latency summary (quiet vs under
# load), and powers off.
exec >/dev/console 2>&1
export PATH=/bin:/sbin
say() { echo "demo: $*"; }
state() { alcove ctl status | awk -v n="$1" '$1 == n { print $2 }'; }
latest() { alcove ctl log latency | grep '^latency:' | tail -n 1; }
wait_state() { # NAME STATE SECONDS
  i=0
  while [ "$(state "$1")" != "$2" ]; do
    i=$((i + 1))
    [ "$i" -le $(($3 * 10)) ] || return 1
    sleep 0.1
  done
}
say "PID 1 is $(readlink /proc/1/exe) (alcove init); services at boot:"
alcove ctl status
say "latency task, quiet machine: $(sleep 2; latest)"
wait_state hog running 30 || say "the hog did not start: $(alcove ctl status hog)"
lpid=$(ps -o pid,args | awk '$2 == "/bin/wakeup" { print $1; exit }')
kill -USR1 "$lpid" # ends the quiet phase
say "batch hog started: 3 busy loops on $(nproc) CPUs"
for t in 4 8 12; do
  sleep 4
  say "--- ${t} s under load ---"
  alcove ctl status
  say "latency task: $(latest)"
  say "scheduler (alcove top: quota, usage, throttling, pressure, last decision):"
  COLUMNS=110 alcove top --once --interval 500 --socket /run/alcove/init.sock | cat # not the console's 80 columns
done
kill -USR1 "$lpid" # ends the loaded phase
sleep 0.5
alcove ctl stop hog >/dev/null
say "latency summary (wakeup lateness of a 1 ms periodic task):"
alcove ctl log latency | grep '^latency phase' | sed -e 's/^latency phase 1:/  quiet        /' \
  -e 's/^latency phase 2:/  batch hog on /'
say "powering off"
alcove ctl poweroff
