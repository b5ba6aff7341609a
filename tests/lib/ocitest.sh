# Shared set-up of the OCI host tests that drive alcove on busybox bundles;
# sourced (bash), not run. Set bin (the alcove binary), NAME (the test's
# name) and TAP_NAME first. Skips the whole test unless root. Gives:
#   tmp, root        a scratch directory and the state root inside it
#   cgp              the cgroup parent every bundle's group goes under
#   A ARGS...        alcove --root $root ARGS...
#   edit NAME JQ     edits bundle NAME's config.json with a jq filter
#   mkb NAME ARG...  a bundle $tmp/NAME running ARG... in group $cgp/NAME
#   run_cmd ARGS...  runs ARGS; sets rc, out, err and lines (of stderr)
#   left NAME        what a failed or deleted container left behind
# and, on exit, deletes every container and removes $cgp everywhere.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=bundle.sh
. "$here/../lib/bundle.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root"
  exit 0
fi
tmp=$(mktemp -d "/tmp/oci-$NAME.XXXXXX")
root=$tmp/root
cgp=oci-$NAME-$$
A() { "$bin" --root "$root" "$@"; }
ocitest_cleanup() {
  local id h
  for id in $(A list -q 2>/dev/null); do A delete --force "$id" >/dev/null 2>&1; done
  for h in /sys/fs/cgroup/unified /sys/fs/cgroup/*/; do
    [ -d "$h/$cgp" ] && find "$h/$cgp" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$tmp"
}
trap ocitest_cleanup EXIT
edit() { jq "$2" "$tmp/$1/config.json" >"$tmp/$1/c" && mv "$tmp/$1/c" "$tmp/$1/config.json"; }
mkb() {
  local name=$1
  shift
  bundle_make "$tmp/$name" "$@" && edit "$name" ".linux.cgroupsPath = \"/$cgp/$name\""
}
run_cmd() {
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
  lines=$(wc -l <"$tmp/err")
}
left() {
  local what="" d
  [ -e "$root/$1" ] && what="$what state-dir"
  for d in /sys/fs/cgroup/unified/$cgp/$1 /sys/fs/cgroup/*/$cgp/$1; do
    [ -d "$d" ] && what="$what cgroup:$d"
  done
  echo "$what"
}
