# Helpers for the checker scripts of the alcove init cases (busybox sh).
# A checker runs as a service of the boot it checks; it sets CASE, sources
# this file, calls check/result per assertion and finish at the end.
# Results go to the console in the harness's protocol:
#   ALCOVE-VM RESULT ok|fail CASE/CHECK detail     (one per check)
#   ALCOVE-VM RESULT ok|fail CASE detail           (finish)
exec >/dev/console 2>&1
export PATH=/bin:/sbin
fails=0
checks=0

# result CHECK ok|fail DETAIL
result() {
  checks=$((checks + 1))
  [ "$2" = ok ] || fails=$((fails + 1))
  echo "ALCOVE-VM RESULT $2 $CASE/$1 $3"
}

# check CHECK DETAIL CMD...: ok when CMD succeeds.
check() {
  _name=$1
  _detail=$2
  shift 2
  if "$@"; then result "$_name" ok "$_detail"; else result "$_name" fail "$_detail"; fi
}

# Prints the uptime in centiseconds.
now_cs() {
  read -r _up _ </proc/uptime
  echo "${_up%.*}${_up#*.}"
}

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds; 1 when
# SECONDS pass first.
wait_for() {
  _end=$(($(now_cs) + $1 * 100))
  shift
  until "$@"; do
    [ "$(now_cs)" -lt "$_end" ] || return 1
    sleep 0.1
  done
}

# Line number in /run/vm-events of "EVENT NAME" (the first), or nothing.
event_line() {
  grep -n " $1 $2\$" /run/vm-events 2>/dev/null | head -n 1 | cut -d: -f1
}

# Uptime of "EVENT NAME" in /run/vm-events, or nothing.
event_time() {
  grep " $1 $2\$" /run/vm-events 2>/dev/null | head -n 1 | cut -d' ' -f1
}

has_event() {
  [ -n "$(event_line "$1" "$2")" ]
}

# before EV1 NAME1 EV2 NAME2: EV1 NAME1 is logged, and before EV2 NAME2.
before() {
  _a=$(event_line "$1" "$2")
  _b=$(event_line "$3" "$4")
  [ -n "$_a" ] && [ -n "$_b" ] && [ "$_a" -lt "$_b" ]
}

# The state alcove ctl status reports for service NAME (its second column).
svc_state() {
  alcove ctl status 2>/dev/null | awk -v n="$1" '$1 == n { print $2; exit }'
}

# state_is NAME STATE...: the service's state is one of STATE...
state_is() {
  _s=$(svc_state "$1")
  shift
  for _want in "$@"; do [ "$_s" = "$_want" ] && return 0; done
  return 1
}

# PIDs, ascending, of the processes whose command line starts with PREFIX
# (Debian's busybox has no pgrep).
pids_of() {
  ps -o pid,args | awk -v p="$1" 'NR > 1 { a = $0; sub(/^ *[0-9]+ +/, "", a)
    if (index(a, p) == 1) print $1 }' | sort -n
}

# The oldest process whose command line starts with PREFIX (a service's
# main process, not the children it forked later).
oldest_pid() {
  pids_of "$1" | head -n 1
}

# The cgroup directory of process PID.
pid_cgroup() {
  _cg=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null)
  [ -n "$_cg" ] && echo "/sys/fs/cgroup$_cg"
}

# Lists processes in state Z (zombies) as "PID COMM PPID"; empty when none.
zombies() {
  for _st in /proc/[0-9]*/stat; do
    read -r _pid _comm _state _ppid _ 2>/dev/null <"$_st" || continue
    [ "$_state" = Z ] && echo "$_pid $_comm $_ppid"
  done
  return 0
}

no_zombies() {
  [ -z "$(zombies)" ]
}

# Prints the closing result for the whole case.
finish() {
  if [ "$fails" -eq 0 ]; then
    echo "ALCOVE-VM RESULT ok $CASE $checks checks passed"
  else
    echo "ALCOVE-VM RESULT fail $CASE $fails of $checks checks failed"
  fi
}

# poweroff_watchdog SECONDS: call just before asking init to power off. A
# process moved out of every service's cgroup (and session) waits SECONDS; when the boot
# is still up then, it reports CASE/poweroff as failed with the services'
# states and forces the power off, so a hung shutdown costs SECONDS, not
# the harness's timeout. A clean shutdown ends it (init's last kill(-1)).
poweroff_watchdog() {
  rm -f /run/vm-watchdog
  setsid sh -c 'echo $$ >/sys/fs/cgroup/cgroup.procs || exit 1
    : >/run/vm-watchdog
    sleep "$1"
    echo "ALCOVE-VM RESULT fail $2/poweroff shutdown still running after $1 s"
    alcove ctl status
    poweroff -f' watchdog "$1" "$CASE" </dev/null >/dev/console 2>&1 &
  wait_for 10 test -e /run/vm-watchdog || echo "$CASE: the poweroff watchdog did not start"
}
