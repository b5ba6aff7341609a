# A oneshot service for the alcove init cases:
#   sh /svc/oneshot.sh NAME SECONDS
# Logs "start NAME", works for SECONDS, logs "done NAME", exits 0.
name=$1
ev() {
  read -r up _ </proc/uptime
  echo "$up $1 $name" >>/run/vm-events
}
ev start
sleep "$2"
ev done
