# bench/run oci: alcove as an OCI runtime against crun and runc, side by side
# in one run. One busybox-static bundle (tests/lib/bundle.sh: /bin/true, no
# network namespace, cpu, memory and pids limits), each runtime with its own
# --root and cgroupsPath, timed two ways:
#   run   RT run --bundle B ID
#   csd   RT create; RT start; wait for the container's init (this script's
#         timer is a child subreaper, as containerd's shim is); RT delete
# The entries are interleaved round by round (bench/interleave.py), so load
# and drift hit all of them alike.
# crun refuses this host's hybrid cgroups, so it runs in a mount namespace
# where the v2 mount is hidden: one holder process makes that namespace
# once (unshare -m; umount there only), and every crun call enters it with
# `nsenter -t HOLDER -m`. The cost of that entry is timed, round by round,
# as the difference between two entries of their own: `nsenter ... /bin/true`
# and `/bin/true` alone (the harness's spawn and the exec of /bin/true are in
# both, as they are in every entry), and subtracted from crun's times once
# per crun call (1 for run, 3 for csd). The ratios use crun's net time; the
# raw ones are printed too. (Until 2026-11-22 the whole nsenter entry was
# subtracted, which also took the harness's own spawn and /bin/true's exec
# off crun's time alone: about 0.7 ms per call in crun's favour.)
# Every runtime keeps its state on a tmpfs mounted for this run
# ($work/state), as /run is on the boards and distributions they serve:
# this machine's /run and /tmp are ext4 with online discard, which makes
# each container's state directory cost a synchronous discard (0.2-0.4 ms
# per container, for every runtime) when it is removed.
# A last entry, floor, is bench/oci_floor: only the kernel work the bundle
# needs (its groups and limits, namespaces, mounts, pivot_root, exec of
# /bin/true) with nothing a runtime adds; it bounds what any runtime could
# reach on this machine, and the ratios over it are printed too.
# Target: alcove >= 5x faster than crun and >= 10x faster than runc (mean).
# Exit: 0 measured (whether or not the target is met); 1 a runtime failed.
set -euo pipefail
quick=${BENCH_QUICK:-0}
rounds=$([ "$quick" = 1 ] && echo 30 || echo 200)
warmup=$([ "$quick" = 1 ] && echo 3 || echo 10)
[ -x build/x86_64-musl/alcove ] || { scripts/bootstrap >&2 && scripts/build x86_64 >&2; }
for b in crun runc nsenter unshare jq; do
  command -v "$b" >/dev/null || { scripts/bootstrap >&2 && break; }
done
A=$(readlink -f "${ALCOVE:-build/x86_64-musl/alcove}") # ALCOVE: another binary in its place
FLOOR=$(readlink -f build/x86_64-musl/bench/oci_floor)
[ -x "$FLOOR" ] || scripts/build x86_64 >&2
CRUN=$(command -v crun)
RUNC=$(command -v runc)
out=$PWD/build/bench
work=$(mktemp -d /tmp/oci-bench.XXXXXX)
grp=oci-bench-$$
holder=
cleanup() {
  set +e
  [ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
  mountpoint -q "$work/state" && umount "$work/state"
  local g
  for g in /sys/fs/cgroup/*/"$grp"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do # a group just emptied can be busy briefly
      find "$g" -depth -type d -exec rmdir {} \; 2>/dev/null
      [ -d "$g" ] || break
      sleep 0.1
    done
    [ -d "$g" ] && echo "oci: could not remove $g" >&2
  done
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=tests/lib/bundle.sh
. tests/lib/bundle.sh
bundle_rootfs "$work/shared"
for rt in alcove crun runc; do
  bundle_make "$work/$rt" /bin/true
  rm -rf "$work/$rt/rootfs"
  jq --arg root "$work/shared/rootfs" --arg cg "/$grp/$rt" \
    '.root.path = $root | .linux.cgroupsPath = $cg' "$work/$rt/config.json" >"$work/$rt/c.json"
  mv "$work/$rt/c.json" "$work/$rt/config.json"
done

# The floor's parent group, in every hierarchy it uses (the runtimes make
# theirs themselves).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p "/sys/fs/cgroup/$grp"
  echo "+cpu +memory +pids" >"/sys/fs/cgroup/$grp/cgroup.subtree_control"
else
  for h in unified cpu cpuacct memory pids; do mkdir -p "/sys/fs/cgroup/$h/$grp"; done
fi
mkdir "$work/state"
mount -t tmpfs -o mode=0700,size=16m alcove-oci-bench "$work/state"

# The namespace crun runs in (made after the tmpfs, so crun sees it too).
unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec sleep 100000' &
holder=$!
ns_ready() { [ "$(readlink "/proc/$holder/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] &&
  ! grep -q ' /sys/fs/cgroup/unified ' "/proc/$holder/mounts"; }
for _ in $(seq 100); do ns_ready && break; sleep 0.05; done
ns_ready || { echo "oci: could not make crun's mount namespace" >&2; exit 1; }
NS="nsenter -t $holder -m"

seq3() { # seq3 PREFIX...: create;start;@reap;delete for one runtime
  local p="$1" b=$2 id=$3
  echo "$p create --bundle $b $id ;; $p start $id ;; @reap ;; $p delete $id"
}
cat >"$work/spec" <<EOF
alcove_run: $A --root $work/state/alcove run --bundle $work/alcove r-alcove
crun_run: $NS $CRUN --root $work/state/crun run --bundle $work/crun r-crun
runc_run: $RUNC --root $work/state/runc run --bundle $work/runc r-runc
nsenter: $NS /bin/true
true: /bin/true
floor: $FLOOR $work/shared/rootfs $grp/floor
alcove_csd: $(seq3 "$A --root $work/state/alcove" "$work/alcove" c-alcove)
crun_csd: $(seq3 "$NS $CRUN --root $work/state/crun" "$work/crun" c-crun)
runc_csd: $(seq3 "$RUNC --root $work/state/runc" "$work/runc" c-runc)
EOF

echo "oci: $(nproc) cpus, $(uname -r), cgroup layout $(grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts && echo v2 || echo hybrid/v1)," \
  "$rounds rounds interleaved (+$warmup warm-up)"
echo "runtimes: alcove $($A --version 2>/dev/null | head -n 1), $($CRUN --root "$work/state/crun" --version | head -n 1), $($RUNC --version | head -n 1)"
echo "crun runs through '$NS' (its own entry below, subtracted from crun's times)"
# What one process's move into a cgroup v1 hierarchy costs here, the floor
# under any runtime that applies v1 limits on a hybrid host (v2's
# CLONE_INTO_CGROUP needs no such move): a pid written to cgroup.procs, as
# runc, crun and alcove do, takes the cgroup threadgroup lock for writing,
# an RCU grace period; a single-threaded process writing "0" to its v1
# `tasks` file moves itself without that lock.
mkdir -p "/sys/fs/cgroup/pids/$grp/attach"
v1_attach=$(python3 - "/sys/fs/cgroup/pids/$grp/attach" <<'PY'
import os, sys, time
g = sys.argv[1]
def parent_move():  # the parent moves a waiting single-threaded child
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)
        os._exit(0)
    os.close(r)
    fd = os.open(os.path.join(g, "cgroup.procs"), os.O_WRONLY)
    time.sleep(0.05)  # containers are this far apart at least
    t = time.perf_counter()
    os.write(fd, str(pid).encode())
    dt = time.perf_counter() - t
    os.close(fd)
    os.close(w)
    os.waitpid(pid, 0)
    return dt
def self_move():  # the child moves itself, timed by itself
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        fd = os.open(os.path.join(g, "tasks"), os.O_WRONLY)
        time.sleep(0.05)
        t = time.perf_counter()
        os.write(fd, b"0")
        os.write(w, f"{time.perf_counter() - t:.9f}".encode())
        os._exit(0)
    os.close(w)
    dt = float(os.read(r, 64))
    os.close(r)
    os.waitpid(pid, 0)
    return dt
procs = sorted(parent_move() * 1000 for _ in range(30))
tasks = sorted(self_move() * 1000 for _ in range(30))
print(f"{sum(procs) / 30:.3f} {procs[15]:.3f} {sum(tasks) / 30:.3f} {tasks[15]:.3f}")
PY
)
read -r v1_mean v1_p50 v1_self_mean v1_self_p50 <<<"$v1_attach"
echo "one move into a v1 cgroup, 30 times: parent writes the pid to cgroup.procs mean $v1_mean ms" \
  "(p50 $v1_p50); the child writes 0 to tasks mean $v1_self_mean ms (p50 $v1_self_p50)"
export V1_ATTACH_MEAN=$v1_mean V1_SELF_MEAN=$v1_self_mean
rc=0
python3 bench/interleave.py "$work/spec" "$out/oci.json" "$rounds" "$warmup" || rc=1
python3 - "$out/oci.json" "$out" <<'PY' || rc=1
import json, os, subprocess, sys
path, outdir = sys.argv[1:3]
with open(path) as f:
    data = json.load(f)
res = {r["command"]: r["times"] for r in data["results"]}
failed = data["failed"]
for name, why in failed.items():
    err = os.path.join(outdir, name + ".err")
    tail = open(err).read().strip().splitlines()[-3:] if os.path.exists(err) else []
    print(f"FAILED {name}: {why}" + "".join(f"\n    {l}" for l in tail))
calls = {"run": 1, "csd": 3}
fields = []
for mode, title in (("run", "RT run"), ("csd", "RT create + start + wait + delete")):
    rows = {rt: res.get(f"{rt}_{mode}") for rt in ("alcove", "crun", "runc")}
    if rows["crun"] and res.get("nsenter") and res.get("true"):
        rows["crun_net"] = [c - calls[mode] * (n - t)
                            for c, n, t in zip(rows["crun"], res["nsenter"], res["true"])]
    if mode == "run" and res.get("nsenter") and res.get("true"):
        rows["nsenter"] = res["nsenter"]
        rows["true"] = res["true"]
    if mode == "run" and res.get("floor"):
        rows["floor"] = res["floor"]
    rows = {k: v for k, v in rows.items() if v}
    base = "alcove" if "alcove" in rows else next(iter(rows), None)
    if base is None:
        continue
    tmp = os.path.join(outdir, f"oci.{mode}.json")
    with open(tmp, "w") as f:
        json.dump({"results": [{"command": k, "times": v} for k, v in rows.items()]}, f)
    print(f"\n{title} (ms; ratios are each entry over {base}):")
    table = subprocess.run([sys.executable, "bench/stats.py", f"oci-{mode}", base, tmp],
                           check=True, capture_output=True, text=True).stdout
    print("".join(l + "\n" for l in table.splitlines() if not l.startswith("RESULT")), end="")
    mean = {k: sum(v) / len(v) for k, v in rows.items()}
    for k in ("alcove", "crun", "crun_net", "runc"):
        if k in mean:
            fields.append(f"{k}_{mode}_mean_ms={mean[k] * 1000:.3f}")
    if "alcove" in mean:
        for k in ("crun_net", "crun", "runc"):
            if k in mean:
                fields.append(f"{k}_vs_alcove_{mode}={mean[k] / mean['alcove']:.2f}")
fields.append(f"v1_attach_mean_ms={os.environ.get('V1_ATTACH_MEAN', 'unmeasured')}")
fields.append(f"v1_self_move_mean_ms={os.environ.get('V1_SELF_MEAN', 'unmeasured')}")
if "floor" in res:
    fl = sum(res["floor"]) / len(res["floor"])
    fields.append(f"floor_mean_ms={fl * 1000:.3f}")
    for k in ("alcove_run", "crun", "runc_run"):
        rows = [f for f in fields if f.startswith(("crun_net_run_mean_ms=" if k == "crun" else k + "_mean_ms="))]
        if rows:
            fields.append(f"{k.split('_')[0]}_over_floor={float(rows[0].split('=')[1]) / 1000 / fl:.2f}")
for k in ("nsenter", "true"):
    if k in res:
        fields.append(f"{k}_mean_ms={sum(res[k]) / len(res[k]) * 1000:.3f}")
def ratio(key):
    for f in fields:
        if f.startswith(key + "="):
            return float(f.split("=")[1])
    return None
c, r = ratio("crun_net_vs_alcove_run"), ratio("runc_vs_alcove_run")
if c is None or r is None:
    fields.append("target=unmeasured")
else:
    fields.append(f"target={'met' if c >= 5 and r >= 10 else 'missed'}")
fields += [f"failed={n}" for n in failed]
print(f"\n(target: crun_net/alcove >= 5 and runc/alcove >= 10 for run)")
if "floor" in res:
    print("(floor: the bundle's kernel work alone; X_over_floor is each runtime's run over it,"
          " so crun_over_floor bounds crun_net/alcove on this machine)")
print("RESULT oci " + " ".join(fields))
sys.exit(1 if failed else 0)
PY
exit "$rc"
