#!/usr/bin/env bash
# Host tier: `alcove spec` writes a config.json that is valid JSON and that
# alcove's own parser reads back (rootless too), never replaces one, and
# leaves nothing behind on failure; `alcove features` is valid JSON that
# agrees with spec; a bad config is refused naming its JSON path.
#   tests/host/oci_spec.sh BINARY OCI_LOAD NAME     Prints TAP.
set -u
bin=$(realpath "$1") load=$(realpath "$2")
TAP_NAME="oci-spec[${3:-$(basename "$bin")}]"
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d /tmp/alcove-oci-config-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # nobody writes a bundle below it
b=$tmp/bundle
mkdir -p "$b/rootfs"

"$bin" spec --bundle "$b" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && jq -e . "$b/config.json" >/dev/null
report $? "spec --bundle writes valid JSON and exits 0" "rc=$rc $(head -c 200 "$tmp/err")"

out=$("$load" "$b" 2>&1)
rc=$?
want_root="$(cd "$b" && pwd -P)/rootfs"
[ "$rc" -eq 0 ] && grep -qx "args0=sh" <<<"$out" && grep -qx "root=$want_root" <<<"$out" &&
  grep -qx "netns=1" <<<"$out" && grep -qx "userns=0" <<<"$out" && grep -qx "mounts=6" <<<"$out" &&
  grep -qx "masked=10" <<<"$out" && grep -qx "caps=0x20000420" <<<"$out"
report $? "alcove's parser reads the spec back: sh, rootfs made absolute, namespaces, caps" "rc=$rc $out"

sum=$(sha256sum <"$b/config.json")
"$bin" spec -b "$b" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
  grep -qxF "alcove spec: $b/config.json: already exists; remove it first" "$tmp/err" &&
  [ "$(sha256sum <"$b/config.json")" = "$sum" ]
report $? "spec refuses to replace config.json: exit 1, one line, file unchanged" "rc=$rc $(cat "$tmp/err")"

(cd "$b" && rm config.json && "$bin" spec) && [ -f "$b/config.json" ]
report $? "spec without --bundle writes ./config.json"

r=$tmp/rootless
mkdir -p "$r"
"$bin" spec --rootless --bundle "$r" && jq -e . "$r/config.json" >/dev/null
report $? "spec --rootless writes valid JSON"
mkdir -m 777 "$tmp/nobody"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin" spec --rootless -b "$tmp/nobody" &&
  out=$("$load" "$tmp/nobody" 2>&1) &&
  grep -qx "uidmap=0:$(id -u nobody):1" <<<"$out" && grep -qx "netns=0" <<<"$out" &&
  grep -qx "userns=1" <<<"$out" &&
  [ "$(jq -r '.linux.gidMappings[0].hostID' "$tmp/nobody/config.json")" = "$(id -g nobody)" ] &&
  [ "$(jq '.linux.resources' "$tmp/nobody/config.json")" = null ]
report $? "spec --rootless as nobody maps nobody's ids to root, user ns, no net ns, no resources" "$out"

"$bin" spec -b "$tmp/missing" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && [ ! -e "$tmp/missing" ] &&
  grep -qxF "alcove spec: bundle $tmp/missing: No such file or directory" "$tmp/err"
report $? "spec into a missing bundle: exit 1, one line, nothing created" "rc=$rc $(cat "$tmp/err")"

"$bin" spec --bogus 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "^alcove: spec: unknown argument '--bogus'" "$tmp/err"
report $? "spec with an unknown flag exits 2" "rc=$rc"

"$bin" features >"$tmp/features.json" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && jq -e . "$tmp/features.json" >/dev/null
report $? "features prints valid JSON and exits 0" "rc=$rc $(head -c 200 "$tmp/err")"
f=$tmp/features.json
[ "$(jq -r '.ociVersionMax' "$f")" = "$(jq -r '.ociVersion' "$b/config.json")" ] &&
  [ "$(jq '.hooks | length' "$f")" -eq 6 ] &&
  jq -e '.linux.namespaces | index("user") and index("time")' "$f" >/dev/null &&
  jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")' "$f" >/dev/null &&
  jq -e '.linux.seccomp.actions | index("SCMP_ACT_ERRNO")' "$f" >/dev/null &&
  jq -e '.mountOptions | index("rbind") and index("rprivate")' "$f" >/dev/null &&
  jq -e '.linux.intelRdt.enabled == false' "$f" >/dev/null &&
  jq -e '["nosuid", "noexec", "nodev", "ro", "strictatime"] - .mountOptions == []' "$f" >/dev/null
report $? "features: spec's version is the max, hooks, namespaces, caps, seccomp, spec's mount flags"

"$bin" features extra 2>/dev/null
report $(($? == 2 ? 0 : 1)) "features with an argument exits 2"

jq '.process.args = []' "$b/config.json" >"$tmp/c" && mv "$tmp/c" "$b/config.json"
err=$("$load" "$b" 2>&1)
rc=$?
[ "$rc" -eq 1 ] && [ "$err" = "$b/config.json: .process.args: must not be empty" ]
report $? "a bad config.json is refused naming the file and JSON path" "rc=$rc $err"
jq '.linux.resources.memory.limit = "1G"' "$r/config.json" >"$tmp/c" && mv "$tmp/c" "$r/config.json"
err=$("$load" "$r" 2>&1)
[ "$err" = "$r/config.json: .linux.resources.memory.limit: want an integer" ]
report $? "a string memory limit is refused at .linux.resources.memory.limit" "$err"

# What the real clients and peers write must parse too.
peer_spec() { # peer_spec NAME COMMAND...: the config COMMAND writes, loaded
  local d=$tmp/peer-$1
  shift
  mkdir -p "$d" && (cd "$d" && "$@" >/dev/null) && out=$("$load" "$d" 2>&1)
}
for peer in runc crun; do
  if ! command -v $peer >/dev/null; then
    echo "ok - $TAP_NAME: $peer spec parses # SKIP no $peer"
    continue
  fi
  peer_spec $peer $peer spec && grep -qx "args0=sh" <<<"$out" &&
    grep -qx "root=$tmp/peer-$peer/rootfs" <<<"$out" && grep -qx "caps=0x20000420" <<<"$out"
  report $? "$peer spec parses: args, root, capabilities" "$out"
  peer_spec $peer-rootless $peer spec --rootless && grep -qx "userns=1" <<<"$out"
  report $? "$peer spec --rootless parses with a user namespace" "$out"
done
if command -v ctr >/dev/null; then
  # ctr's default has no args (they come from the image): add some.
  mkdir -p "$tmp/ctr" && ctr oci spec | jq '.process.args = ["/bin/true"]' >"$tmp/ctr/config.json" &&
    out=$("$load" "$tmp/ctr" 2>&1) && grep -qx "args0=/bin/true" <<<"$out"
  report $? "containerd's default spec (ctr oci spec) parses" "$out"
else
  echo "ok - $TAP_NAME: containerd's default spec parses # SKIP no ctr"
fi
profile=/usr/share/containers/seccomp.json
if [ -f "$profile" ]; then
  mkdir -p "$tmp/seccomp" &&
    jq --slurpfile s "$profile" '.linux.seccomp = $s[0] | .linux.seccomp |= del(.archMap)' \
      "$b/config.json" | jq '.process.args = ["sh"]' >"$tmp/seccomp/config.json" &&
    out=$("$load" "$tmp/seccomp" 2>&1)
  report $? "podman's default seccomp profile ($profile) parses" "$out"
else
  echo "ok - $TAP_NAME: podman's default seccomp profile parses # SKIP no $profile"
fi

[ "$failed" -eq 0 ]
