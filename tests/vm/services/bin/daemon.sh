# A simple service for the alcove init cases:
#   sh /svc/daemon.sh NAME [READY_DELAY_S]
# Logs "start NAME" to /run/vm-events, after READY_DELAY_S seconds tells
# init it is ready on fd 3 (ready = fd:3) and logs "ready NAME", then
# waits. On SIGTERM it logs "term NAME", says "ALCOVE-VM TERM NAME" on the
# console and exits 0.
name=$1
delay=${2:-0}
ev() {
  read -r up _ </proc/uptime
  echo "$up $1 $name" >>/run/vm-events
}
# Opening the console can fail with EINTR when a signal lands (the stop
# signals the whole cgroup, so our sleep's SIGCHLD races the open): retry.
say_term() {
  for _ in 1 2 3 4 5; do
    { echo "ALCOVE-VM TERM $name" >/dev/console; } 2>/dev/null && return 0
  done
  return 1
}
trap 'ev term; say_term; exit 0' TERM
ev start
[ "$delay" = 0 ] || sleep "$delay"
if { echo READY=1 >&3; } 2>/dev/null; then exec 3>&-; fi
ev ready
while :; do
  sleep 1 &
  wait $!
done
