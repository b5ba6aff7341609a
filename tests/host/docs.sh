#!/usr/bin/env bash
# Host tier: the man pages and the bash completion cover what the binary
# offers. Every command and flag that `alcove --help` and each command's
# --help print must be documented and completed.
#   tests/host/docs.sh BINARY BUILD-DIR        Prints TAP.
set -u
bin=$1 build=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
TAP_NAME="docs"
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
flags_of() { grep -oE '(^|[ ,\[])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,[]//' | sort -u; }
documented() { # documented PAGE TOKEN...: prints the tokens PAGE lacks as *TOKEN*
  local page=$1 t
  shift
  for t in "$@"; do grep -qF "*$t*" "$page" || printf '%s ' "$t"; done
}

main_help=$("$bin" --help)
check_help=$("$bin" check --help)
run_help=$("$bin" run --help)
sched_help=$("$bin" sched --help)
top_help=$("$bin" top --help)
init_help=$("$bin" init --help)
ctl_help=$("$bin" ctl --help)
spec_help=$("$bin" spec --help)
features_help=$("$bin" features --help)
commands=$(sed -n '/^Commands:/,/^$/p' <<<"$main_help" | awk 'NR > 1 && NF {print $1}')
main_flags=$(flags_of <<<"$main_help")
check_flags=$(flags_of <<<"$check_help")
run_flags=$(flags_of <<<"$run_help")
sched_flags=$(flags_of <<<"$sched_help")
top_flags=$(flags_of <<<"$top_help")
init_flags=$(flags_of <<<"$init_help")
ctl_flags=$(flags_of <<<"$ctl_help")
spec_flags=$(flags_of <<<"$spec_help")
features_flags=$(flags_of <<<"$features_help")
[ -n "$commands" ] && [ -n "$main_flags" ] && [ -n "$check_flags" ]
report $? "the help texts list commands and flags" "commands=[$commands] flags=[$main_flags] [$check_flags]"

# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove.1.scd" $commands $main_flags)
[ -z "$missing" ]
report $? "alcove(1) documents every command and global flag" "missing: $missing"
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-check.8.scd" $check_flags)
[ -z "$missing" ]
report $? "alcove-check(8) documents every check flag" "missing: $missing"
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-run.1.scd" $run_flags)
[ -n "$run_flags" ] && [ -z "$missing" ]
report $? "alcove-run(1) documents every run flag" "missing: $missing"
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-sched.8.scd" $sched_flags)
[ -n "$sched_flags" ] && [ -z "$missing" ]
report $? "alcove-sched(8) documents every sched flag" "missing: $missing"
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-top.1.scd" $top_flags)
[ -n "$top_flags" ] && [ -z "$missing" ]
report $? "alcove-top(1) documents every top flag" "missing: $missing"
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-spec.1.scd" $spec_flags $features_flags)
[ -n "$spec_flags" ] && [ -z "$missing" ]
report $? "alcove-spec(1) documents every spec and features flag" "missing: $missing"
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-init.8.scd" $init_flags)
[ -n "$init_flags" ] && [ -z "$missing" ]
report $? "alcove-init(8) documents every init flag" "missing: $missing"
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-ctl.1.scd" $ctl_flags)
[ -n "$ctl_flags" ] && [ -z "$missing" ]
report $? "alcove-ctl(1) documents every ctl flag" "missing: $missing"
oci_flags=$(for c in create start state kill delete exec list ps pause resume update; do
  "$bin" "$c" --help; done | flags_of)
# shellcheck disable=SC2086
missing=$(documented "$top/doc/alcove-oci.8.scd" $oci_flags --root --log --log-format --debug --systemd-cgroup)
[ -n "$oci_flags" ] && [ -z "$missing" ]
report $? "alcove-oci(8) documents every OCI command's flag and the global flags" "missing: $missing"
for page in alcove.1 alcove-check.8 alcove-run.1 alcove-sched.8 alcove-top.1 alcove-init.8 alcove-ctl.1 alcove-spec.1 alcove-oci.8; do
  head -c 200 "$build/doc/$page" 2>/dev/null | grep -q '^\.TH'
  report $? "meson built $page with scdoc" "$build/doc/$page"
done

# Completion: source it and ask it as bash would.
# shellcheck source=/dev/null
source "$top/completions/alcove.bash"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _alcove; printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' '; }
got=$(complete_words alcove "")
want=$(printf '%s\n' $commands $main_flags | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "the first word completes to exactly the commands and global flags" "got [$got] want [$want]"
got=$(complete_words alcove check --)
want=$(printf '%s\n' $check_flags | grep -- '^--' | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "check -- completes to exactly check's long flags" "got [$got] want [$want]"
got=$(complete_words alcove run -)
want=$(printf '%s\n' $run_flags | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "run - completes to exactly run's flags" "got [$got] want [$want]"
got=$(complete_words alcove sched --)
want=$(printf '%s\n' $sched_flags | grep -- '^--' | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "sched -- completes to exactly sched's long flags" "got [$got] want [$want]"
got=$(complete_words alcove top -)
want=$(printf '%s\n' $top_flags | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "top - completes to exactly top's flags" "got [$got] want [$want]"
got=$(complete_words alcove init -)
want=$(printf '%s\n' $init_flags | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "init - completes to exactly init's flags" "got [$got] want [$want]"
got=$(complete_words alcove ctl "")
want=$(printf '%s\n' status start stop restart log reload poweroff reboot halt sched $ctl_flags | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "ctl completes to its commands and flags" "got [$got] want [$want]"
got=$(complete_words alcove spec -)
want=$(printf '%s\n' $spec_flags | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "spec - completes to exactly spec's flags" "got [$got] want [$want]"
got=$(complete_words alcove features -)
want=$(printf '%s\n' $features_flags | sort -u | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "features - completes to exactly features' flags" "got [$got] want [$want]"
got=$(cd "$top" && complete_words alcove spec --bundle boa)
[ "$got" = "board " ]
report $? "spec --bundle completes directories" "got [$got]"
got=$(complete_words alcove run --net "")
[ "$got" = "host none " ]
report $? "run --net completes to none and host" "got [$got]"
got=$(complete_words alcove check --profile "")
want=$(cd "$top/board/profiles" && ls *.conf | sed 's/\.conf$//' | sort | tr '\n' ' ')
[ "$got" = "$want" ]
report $? "--profile completes to the built-in profiles" "got [$got] want [$want]"
got=$(complete_words alcove check --profile rasp)
[ "$got" = "raspberrypi4 raspberrypi5 " ]
report $? "--profile rasp completes to the two Raspberry Pi profiles" "got [$got]"
got=$(cd "$top" && complete_words alcove check --sysroot boa)
[ "$got" = "board " ]
report $? "--sysroot completes directories" "got [$got]"

[ "$failed" -eq 0 ]
