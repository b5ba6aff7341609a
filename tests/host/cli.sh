#!/usr/bin/env bash
# Host tier: the alcove binary's command line as a user meets it. Prints TAP.
#   tests/host/cli.sh BINARY LABEL
# Bad input must give a one-line error plus the usage line and exit 2.
set -u
bin=$1
label=${2:-$(basename "$bin")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TAP_NAME="cli[$label]"
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"


# run ARGS...: sets rc, out, err
run() { "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }

expect_usage_error() { # expect_usage_error DESC FIRST-LINE-PATTERN ARGS...
  local desc=$1 pat=$2
  shift 2
  run "$@"
  local first second lines
  first=$(sed -n 1p "$tmp/err"); second=$(sed -n 2p "$tmp/err"); lines=$(wc -l <"$tmp/err")
  [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ $first =~ $pat ]] && [[ $second == "usage: alcove "* ]] && [ "$lines" -eq 2 ]
  report $? "$desc exits 2 with a one-line error and the usage line" "rc=$rc stderr=$(tr '\n' '|' <"$tmp/err")"
}

run --version
[ "$rc" -eq 0 ] && [[ $out =~ ^alcove\ [0-9]+\.[0-9]+\.[0-9]+$ ]] && [ -z "$err" ]
report $? "--version prints the version and exits 0" "rc=$rc out=$out"

run -V
[ "$rc" -eq 0 ] && [[ $out =~ ^alcove\ [0-9] ]]
report $? "-V is --version" "rc=$rc"

run --help
[ "$rc" -eq 0 ] && grep -q '^usage: alcove' "$tmp/out" && grep -qE '^  check +' "$tmp/out" && grep -q 'Exit status' "$tmp/out"
report $? "--help lists the commands and exit codes, exits 0" "rc=$rc"

expect_usage_error "no command" "^alcove: no command given$"
expect_usage_error "unknown command" "^alcove: unknown command 'frobnicate'$" frobnicate
expect_usage_error "unknown global flag" "^alcove: unknown option '--frob'$" --frob
expect_usage_error "unknown check flag" "^alcove: check: unknown argument '--bogus'$" check --bogus

# Named init but not PID 1: refuse, never power anything off.
ln -s "$(readlink -f "$bin")" "$tmp/init"
"$tmp/init" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -eq 1 ] && grep -qx 'alcove: the init role needs PID 1' "$tmp/err"
report $? "invoked as init without being PID 1 refuses with exit 1" "rc=$rc"

# check on this hybrid host: real probes, exit code consistent with them,
# and its temporary group gone afterwards.
run check
degraded=$(grep -cE '^[a-z(). 0-9]+ +(degraded|missing) ' "$tmp/out")
want=$([ "$degraded" -gt 0 ] && echo 1 || echo 0)
grep -qx 'cgroup layout        hybrid, v2 at /sys/fs/cgroup/unified' "$tmp/out" &&
  grep -qE '^clone3 into cgroup +ok +child landed in /alcove-probe\.[0-9]+$' "$tmp/out" &&
  grep -qE '^io_uring +ok ' "$tmp/out" && [ "$rc" -eq "$want" ]
report $? "check sees the hybrid layout, clone3 and io_uring; exit $want matches its verdicts" "rc=$rc"
left=$(find /sys/fs/cgroup/unified -maxdepth 1 -name 'alcove-probe.*' | wc -l)
[ "$left" -eq 0 ]
report $? "check leaves no alcove-probe group behind" "$left left"

[ "$failed" -eq 0 ]
