#!/usr/bin/env bash
# Host tier: a container's own session keyring (the default) against
# --no-new-keyring, exec joining the container's keyring, and --no-pivot:
# the rootfs moved onto / and chrooted into, with none of the host's mounts
# left in the container's mount namespace. Root; prints TAP.
#   tests/oci/keyring.sh BINARY KEYPROBE [LABEL]
# KEYPROBE is a static program printing its session keyring
# (tests/vm/guest/keyprobe.c, built in the x86_64-musl tree).
set -u
bin=$(realpath "$1")
probe=$(realpath "$2")
NAME=keyring
TAP_NAME="oci-keyring[${3:-$(basename "$bin")}]"
# shellcheck source=../lib/ocitest.sh
. "$(cd "$(dirname "$0")" && pwd)/../lib/ocitest.sh"
# mkp NAME ARG...: a bundle with the probe at /probe.
mkp() {
  local name=$1
  shift
  mkb "$name" "$@" && cp "$probe" "$tmp/$name/rootfs/probe"
}
name_of() { echo "$1" | cut -d' ' -f2 | cut -d';' -f5-; }

host=$("$probe")
mkp k1 /probe
run_cmd A run --bundle "$tmp/k1" k1
[ "$rc" -eq 0 ] && [ "$(name_of "$out")" = "alcove:k1" ] && [ "${out%% *}" != "${host%% *}" ]
report $? "by default the container's session keyring is its own, named alcove:ID" "rc=$rc out=$out host=$host err=$err"
mkp k2 /probe
run_cmd A run --no-new-keyring --bundle "$tmp/k2" k2
[ "$rc" -eq 0 ] && [ "${out%% *}" = "${host%% *}" ]
report $? "with --no-new-keyring it keeps the caller's session keyring" "rc=$rc out=$out host=$host err=$err"
mkp k3 sleep 300
A run --detach --bundle "$tmp/k3" k3 </dev/null >/dev/null 2>&1
run_cmd A exec k3 /probe
[ "$rc" -eq 0 ] && [ "$(name_of "$out")" = "alcove:k3" ]
report $? "exec joins the container's keyring" "rc=$rc out=$out err=$err"
mkp k4 /probe
edit k4 '.process.user = {uid: 1000, gid: 1000}'
run_cmd A run --bundle "$tmp/k4" k4
[ "$rc" -eq 0 ] && [ "$(name_of "$out")" = "alcove:k4" ]
report $? "a container running as uid 1000 can still read its keyring" "rc=$rc out=$out err=$err"
A delete --force k3 >/dev/null 2>&1

# --no-pivot: / is the rootfs, moved there; no host mount is left.
mkb np1 sh -c 'ls / | tr "\n" " "; echo; cat /proc/self/mountinfo; cd /..; ls | tr "\n" " "'
run_cmd A run --no-pivot --bundle "$tmp/np1" np1
mountinfo=$(echo "$out" | grep -E '^[0-9]+ [0-9]+ .* - ')
root_line=$(echo "$mountinfo" | awk '$5 == "/"')
hostmounts=$(echo "$mountinfo" | awk '{print $5}' | grep -Ev '^/(proc|dev|sys)(/|$)|^/$' | tr '\n' ' ')
[ "$rc" -eq 0 ] && [[ $out == "bin dev etc proc sys tmp "* ]] && [ -n "$root_line" ] &&
  [ -z "$hostmounts" ] && [ "$(echo "$out" | tail -1)" = "bin dev etc proc sys tmp " ]
report $? "--no-pivot: / is the rootfs, /.. too, and no host mount is left in the namespace" \
  "rc=$rc mounts outside /proc,/dev,/sys: '$hostmounts' err=$err"
# What the runtime asked the kernel for: no pivot_root, a move onto / and
# a chroot (a root that pivot_root cannot leave, an initramfs, needs that).
if command -v strace >/dev/null; then
  mkb np3 true
  strace -f -qq -e trace=pivot_root,mount,chroot -o "$tmp/np3.trace" "$bin" --root "$root" run \
    --no-pivot --bundle "$tmp/np3" np3 </dev/null >/dev/null 2>&1
  rc=$?
  pivots=$(grep -c 'pivot_root(' "$tmp/np3.trace")
  moves=$(grep -c 'MS_MOVE' "$tmp/np3.trace")
  chroots=$(grep -c 'chroot("\.")' "$tmp/np3.trace")
  [ "$rc" -eq 0 ] && [ "$pivots" -eq 0 ] && [ "$moves" -eq 1 ] && [ "$chroots" -eq 1 ]
  report $? "--no-pivot: no pivot_root, one move of the rootfs onto / and one chroot" \
    "rc=$rc pivot_root=$pivots MS_MOVE=$moves chroot=$chroots"
fi
mkb np2 sh -c 'exit 3'
run_cmd A run --no-pivot --bundle "$tmp/np2" np2
[ "$rc" -eq 3 ] && [ -z "$(left np2)" ]
report $? "--no-pivot: the exit status passes through and delete leaves nothing" "rc=$rc left:$(left np2)"

echo "1..$n"
[ "$failed" -eq 0 ]
