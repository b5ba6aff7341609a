# alcove as an OCI runtime on pure cgroup v2: create parks the process,
# start releases it, exec joins it, pause/resume through cgroup.freeze,
# update through cpu.max/memory.max/pids.max, ps (table and json), events
# --stats against the cgroup files, kill --all, delete, run, its own session
# keyring, --no-pivot, and
# bad input that leaves nothing behind.
# vm-arch: x86_64 aarch64 armv7
# vm-files: tests/lib/bundle.sh:/tests/bundle.sh build/@ARCH@-musl/tests/vm/guest/keyprobe:/bin/keyprobe
# vm-timeout: 180
# The runner uses sh -e: each step records its status instead of failing.
set +e
. /tests/bundle.sh
echo "+cpu +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control
T=/tmp/oci
R=$T/root
CG=/sys/fs/cgroup/oci-lifecycle
mkdir -p $T
fails=0
check() { # check DESC CONDITION...
  d=$1
  shift
  if "$@"; then echo "ok - $d"; else echo "not ok - $d"; fails=$((fails + 1)); fi
}
A() { alcove --root $R "$@"; }
mkb() { # mkb NAME ARG...: bundle $T/NAME in cgroup oci-lifecycle/NAME
  name=$1
  shift
  bundle_make $T/$name "$@"
  sed -i "s|\"linux\": {|\"linux\": { \"cgroupsPath\": \"/oci-lifecycle/$name\",|" $T/$name/config.json
}
status() { A state "$1" 2>/dev/null | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
waitfor() { i=0; while [ $i -lt 100 ]; do eval "$1" && return 0; sleep 0.1; i=$((i + 1)); done; return 1; }
nothing_left() { [ ! -e $R/$1 ] && [ ! -d $CG/$1 ]; }

mkb c1 sh -c 'echo started >/tmp/marker; exec sleep 1000'
A create --bundle $T/c1 --pid-file $T/c1.pid c1 </dev/null
check "create exits 0" [ $? -eq 0 ]
pid=$(cat $T/c1.pid)
check "the pid file names a live process" kill -0 "$pid"
check "state says created" [ "$(status c1)" = created ]
check "the command has not run before start" [ ! -e $T/c1/rootfs/tmp/marker ]
check "the process is in the cgroup from linux.cgroupsPath" grep -qx "0::/oci-lifecycle/c1" /proc/$pid/cgroup
A start c1
check "start runs the command" waitfor "[ -e $T/c1/rootfs/tmp/marker ]"
check "state says running" [ "$(status c1)" = running ]
A start c1 2>/dev/null
check "start twice fails" [ $? -eq 1 ]
out=$(A exec c1 sh -c 'cat /proc/1/cmdline | tr "\0" " "; cat /proc/self/cgroup; exit 7')
rc=$?
echo "exec: rc=$rc out=$out"
check "exec exits with the process's status" [ $rc -eq 7 ]
check "exec sees the container's init as pid 1" sh -c "echo '$out' | grep -q '^sleep 1000'"
check "exec runs in the container's cgroup" sh -c "echo '$out' | grep -q '0::/oci-lifecycle/c1$'"
check "ps --format json lists the init" sh -c "A() { alcove --root $R \"\$@\"; }; A ps --format json c1 | grep -q '$pid'"
A ps c1 >$T/ps.out 2>&1
echo "ps: $(cat $T/ps.out | tr '\n' '|')"
check "ps prints ps's header and the init's line only" \
  sh -c "head -1 $T/ps.out | grep -q PID && [ \$(wc -l <$T/ps.out) -eq 2 ] && grep -Eq '^ *$pid ' $T/ps.out"
A events --stats c1 >$T/ev.out 2>&1
echo "events: $(head -c 300 $T/ev.out)"
check "events --stats: a stats line with the cgroup's pids.current and memory.max" \
  sh -c "grep -q '\"type\":\"stats\"' $T/ev.out && grep -q '\"pids\":{\"current\":'\$(cat $CG/c1/pids.current) $T/ev.out && grep -q '\"limit\":67108864' $T/ev.out"
A pause c1
check "pause: cgroup.freeze 1, cgroup.events frozen 1, state paused" \
  sh -c "[ \$(cat $CG/c1/cgroup.freeze) = 1 ] && grep -q 'frozen 1' $CG/c1/cgroup.events && [ \$(alcove --root $R state c1 | grep -c paused) = 1 ]"
A resume c1
check "resume: frozen 0, state running" sh -c "grep -q 'frozen 0' $CG/c1/cgroup.events && [ \$(alcove --root $R state c1 | grep -c running) = 1 ]"
A update --memory 96M --pids-limit 20 --cpu-quota 20000 --cpu-period 100000 c1
check "update writes memory.max, pids.max and cpu.max" \
  sh -c "[ \$(cat $CG/c1/memory.max) = $((96 * 1048576)) ] && [ \$(cat $CG/c1/pids.max) = 20 ] && [ \"\$(cat $CG/c1/cpu.max)\" = '20000 100000' ]"
echo '{"memory": {"limit": 50331648}}' | A update --resources - c1 || cat $CG/c1/memory.max
check "update --resources - reads stdin" [ "$(cat $CG/c1/memory.max)" = 50331648 ]
A delete c1 2>/dev/null
check "delete of a running container without --force is refused" [ "$(status c1)" = running ]
A exec -d c1 sleep 1000
A kill --all c1 KILL
check "kill --all KILL empties the cgroup" waitfor "[ -z \"\$(cat $CG/c1/cgroup.procs)\" ]"
check "state says stopped" waitfor '[ "$(status c1)" = stopped ]'
A delete c1
check "delete leaves no state dir or cgroup" nothing_left c1

mkb d1 sleep 1000
A run -d --bundle $T/d1 d1 </dev/null
A delete --force d1
check "delete --force of a running container removes everything" nothing_left d1
mkb r1 sh -c 'exit 9'
A run --bundle $T/r1 r1
check "run in the foreground exits with the process's status" [ $? -eq 9 ]
check "and deletes the container" nothing_left r1
mkb k1 /probe
cp /bin/keyprobe $T/k1/rootfs/probe
out=$(A run --bundle $T/k1 k1)
echo "keyring: $out"
check "a container gets a session keyring of its own, alcove:ID" sh -c "echo '$out' | grep -q ';alcove:k1$'"
mkb n1 sh -c 'cat /proc/self/mountinfo | wc -l; exit 4'
out=$(A run --no-pivot --bundle $T/n1 n1)
rc=$?
check "--no-pivot runs the container (exit 4 passes through)" sh -c "[ $rc -eq 4 ] && [ '$out' -ge 5 ]"

A create --bundle $T/r1 ../x 2>/dev/null
check "id ../x is refused" [ $? -eq 1 ]
mkb m1 /bin/nonexistent
A create --bundle $T/m1 m1 2>/dev/null
check "a missing command fails create and leaves nothing" sh -c "[ $? -eq 1 ] && [ ! -e $R/m1 ] && [ ! -d $CG/m1 ]"
rmdir $CG 2>/dev/null
check "no group is left under oci-lifecycle" [ ! -d $CG ]
[ $fails -eq 0 ]
