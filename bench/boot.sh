# bench/run boot: alcove init against busybox init starting the same
# services, in the same VM (QEMU TCG, Debian's kernel; aarch64 unless
# BENCH_ARCH says otherwise), boots of each alternating in one run.
#
# Method. /init is a tiny static wrapper (tests/vm/guest/initstamp.c):
# its first act is to read CLOCK_BOOTTIME (t0, the kernel's exec of
# /init), then it execs the init under test as PID 1 (/sbin/init.real,
# argv[0] "init"). The services are the same program for both inits
# (tests/vm/guest/svctool.c): a oneshot "setup" and four daemons, svc1 and
# svc2 after setup, svc3 and svc4 free; each stamps CLOCK_BOOTTIME itself
# once it runs (a daemon also signals ready on fd 3 to alcove). A collector
# forked by the wrapper before the exec waits (inotify) for all five stamps,
# then reads PID 1's VmRSS/VmHWM and powers off with SIGUSR2.
#   boot-to-ready = last stamp - t0 (no console or QEMU timing involved)
#   boot-to-first = first stamp - t0 (the init's own start-up, before any
#                   service runs)
# busybox init gets the same file systems alcove init mounts (proc, sysfs,
# devtmpfs, devpts, /dev/shm, /run, cgroup2) as ::sysinit lines, then setup
# (sysinit, waited for) and the daemons (::respawn). alcove reads
# /etc/alcove/services.d and also gives each service its own cgroup.
# TCG times are emulated: read the ratio, not the milliseconds.
# Targets: alcove's RSS < 1 MiB; boot-to-ready no slower than busybox init.
set -euo pipefail
quick=${BENCH_QUICK:-0}
arch=${BENCH_ARCH:-aarch64}
boots=${BENCH_BOOTS:-$([ "$quick" = 1 ] && echo 2 || echo 10)} # 5 each swung the ratio 0.96-1.17 between runs
B=build/$arch-musl
[ -x $B/alcove ] && [ -x $B/tests/vm/guest/initstamp ] && [ -x $B/tests/vm/guest/svctool ] ||
  { scripts/bootstrap >&2 && scripts/build "$arch" >&2; }
stage=build/bench/boot
rm -rf "$stage"
mkdir -p "$stage"/{alcove,busybox}/bench/ready "$stage/alcove/services.d"
daemons="svc1 svc2 svc3 svc4"
for kind in alcove busybox; do
  echo "$kind" >"$stage/$kind/bench/kind"
  printf '%s\n' setup $daemons >"$stage/$kind/bench/expect"
done
printf '%s\n' "type = oneshot" "exec = /bin/svctool oneshot setup" >"$stage/alcove/services.d/setup.conf"
for s in $daemons; do
  {
    case $s in svc1 | svc2) echo "requires = setup" ;; esac
    echo "ready = fd:3"
    echo "exec = /bin/svctool ready $s 3"
  } >"$stage/alcove/services.d/$s.conf"
done
{
  echo "::sysinit:/bin/mount -t proc -o nosuid,nodev,noexec proc /proc"
  echo "::sysinit:/bin/mount -t sysfs -o nosuid,nodev,noexec sysfs /sys"
  echo "::sysinit:/bin/mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev"
  echo "::sysinit:/bin/mkdir -p /dev/pts /dev/shm"
  echo "::sysinit:/bin/mount -t devpts -o nosuid,noexec,mode=0620,ptmxmode=0666 devpts /dev/pts"
  echo "::sysinit:/bin/mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm"
  echo "::sysinit:/bin/mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run"
  echo "::sysinit:/bin/mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate cgroup2 /sys/fs/cgroup"
  echo "::sysinit:/bin/svctool oneshot setup"
  for s in $daemons; do echo "::respawn:/bin/svctool ready $s"; done
} >"$stage/busybox/inittab"
common=(--arch "$arch" --init $B/tests/vm/guest/initstamp --quiet --timeout 240
  --file $B/tests/vm/guest/svctool:/bin/svctool)
boot_one() { # kind -> prints the BOOTBENCH line
  local kind=$1 extra
  if [ "$kind" = alcove ]; then
    extra=(--file $B/alcove:/sbin/init.real --file "$stage/alcove/services.d:/etc/alcove/services.d")
  else
    extra=(--file "build/vm/$arch/busybox/bin/busybox:/sbin/init.real" --file "$stage/busybox/inittab:/etc/inittab")
  fi
  python3 tests/vm/harness.py boot "${common[@]}" "${extra[@]}" --file "$stage/$kind/bench:/bench" \
    --log "bootbench-$kind" >"$stage/$kind.harness" 2>&1 || true
  local line
  line=$(grep -a '^BOOTBENCH ' "build/vm/logs/$arch-bootbench-$kind.log" | tail -n 1 || true)
  if [[ "$line" != "BOOTBENCH kind=$kind "* ]]; then
    echo "boot: $kind boot gave no figures: ${line:-nothing} (log build/vm/logs/$arch-bootbench-$kind.log)" >&2
    return 1
  fi
  echo "$line"
}
echo "boot: $arch under QEMU TCG, $(basename build/vm/$arch/kernel/boot/vmlinuz-*), $boots boots each, alternating"
echo "services: setup (oneshot), svc1 svc2 (after setup), svc3 svc4; ready = own CLOCK_BOOTTIME stamp"
: >"$stage/results"
for i in $(seq 1 "$boots"); do
  for kind in alcove busybox; do
    line=$(boot_one $kind)
    echo "$line" | tee -a "$stage/results" | sed "s/^BOOTBENCH /  boot $i: /"
  done
done
python3 - "$stage/results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    rows.setdefault(f["kind"], []).append(f)
med = {}
print(f"\n{'init':8} {'boots':>5} {'ready_ms med':>12} {'min':>8} {'max':>8} {'first_ms med':>12} "
      f"{'t0_ms med':>9} {'rss_kib max':>11} {'hwm_kib max':>11}")
for kind in ("alcove", "busybox"):
    r = rows[kind]
    ready = [float(x["boot_to_ready_ms"]) for x in r]
    t0 = [float(x["t0_ms"]) for x in r]
    first = [float(x["boot_to_first_ms"]) for x in r]
    rss = max(int(x["rss_kib"]) for x in r)
    hwm = max(int(x["hwm_kib"]) for x in r)
    med[kind] = (statistics.median(ready), rss, hwm, statistics.median(first))
    print(f"{kind:8} {len(r):5} {statistics.median(ready):12.1f} {min(ready):8.1f} {max(ready):8.1f} "
          f"{statistics.median(first):12.1f} {statistics.median(t0):9.1f} {rss:11} {hwm:11}")
a, b = med["alcove"], med["busybox"]
ratio = a[0] / b[0]
print(f"\nboot-to-ready alcove/busybox = {ratio:.3f} (target <= 1.00); alcove RSS {a[1]} KiB, "
      f"peak {a[2]} KiB (target < 1024)")
print(f"RESULT boot alcove_ready_ms={a[0]:.1f} busybox_ready_ms={b[0]:.1f} ready_ratio={ratio:.3f} "
      f"alcove_first_ms={a[3]:.1f} busybox_first_ms={b[3]:.1f} "
      f"alcove_rss_kib={a[1]} alcove_hwm_kib={a[2]} busybox_rss_kib={b[1]} "
      f"rss_ok={'yes' if a[1] < 1024 else 'no'} ready_ok={'yes' if ratio <= 1.0 else 'no'}")
EOF
