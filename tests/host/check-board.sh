#!/usr/bin/env bash
# Host tier: alcove check's verdicts on this hybrid host, its JSON, and the
# board profile chosen from fake device-tree/sysfs trees (--sysroot).
#   tests/host/check-board.sh BINARY LABEL        Prints TAP.
set -u
bin=$1
label=${2:-$(basename "$bin")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TAP_NAME="check[$label]"
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

run() { "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
jqr() { jq -r "$1" "$tmp/out" 2>&1; }

# --- this host: v1 controllers, v2 at /sys/fs/cgroup/unified ------------
run check --json
jq -e . "$tmp/out" >/dev/null 2>&1
report $? "--json prints one valid JSON object" "$(head -c 200 "$tmp/err")"
jq -e 'has("kernel") and has("arch") and has("cgroup_layout") and has("board") and has("features")' "$tmp/out" >/dev/null 2>&1
report $? "JSON has kernel, arch, cgroup_layout, board, features"
[ "$(jqr .cgroup_layout)" = hybrid ] && [ "$(jqr .cgroup.v2_mount)" = /sys/fs/cgroup/unified ]
report $? "cgroup_layout is hybrid with v2 at /sys/fs/cgroup/unified" "$(jqr .cgroup_layout)"
[[ $(jqr .features.cpu_quota.detail) == "v1 "*"/cpu.cfs_quota_us" ]] && [ "$(jqr .features.cpu_quota.status)" = ok ]
report $? "cpu quota goes through v1" "$(jqr .features.cpu_quota.detail)"
[ "$(jqr .features.psi_cgroup.status)" = ok ] && [ "$(jqr .features.psi_global.status)" = ok ] &&
  jq -e '.cgroup.v2_available | index("cpu") | not' "$tmp/out" >/dev/null
report $? "PSI works through v2 groups that have no cpu controller" "$(jqr .features.psi_cgroup.detail)"
jq -e '.cgroup.v1_hierarchies | index("cpu") and index("memory")' "$tmp/out" >/dev/null 2>&1
report $? "v1 hierarchies list cpu and memory" "$(jqr -c .cgroup.v1_hierarchies)"
jq -e '[.features[] | (.status | IN("ok","degraded","missing")) and ((.status == "ok") == (.fallback == null))] | all' "$tmp/out" >/dev/null 2>&1
report $? "every feature has a status, and a fallback exactly when not ok"
notok=$(jq '[.features[] | select(.status != "ok")] | length' "$tmp/out")
want=$([ "$notok" -gt 0 ] && echo 1 || echo 0)
[ "$rc" -eq "$want" ] && [ "$(jqr .verdict)" -eq "$want" ]
report $? "exit status $want and .verdict match $notok non-ok features" "rc=$rc verdict=$(jqr .verdict)"
run check
grep -qE '^cpu quota +ok +v1 .*cpu.cfs_quota_us$' "$tmp/out" && grep -qE '^psi \(cgroup\) +ok ' "$tmp/out" &&
  grep -qE '^v1 hierarchies +.*\bcpu\b' "$tmp/out"
report $? "text output shows v1 cpu quota, v2 PSI and the v1 hierarchies" "rc=$rc"

# --- fake boards under --sysroot -----------------------------------------
mkboard() { # mkboard DIR MODEL-FILE MODEL CAPACITY...
  local dir=$tmp/$1 mf=$2 model=$3 i=0
  shift 3
  mkdir -p "$dir/$(dirname "$mf")"
  printf '%s\0' "$model" >"$dir/$mf"
  for cap in "$@"; do
    mkdir -p "$dir/sys/devices/system/cpu/cpu$i"
    [ "$cap" = - ] || echo "$cap" >"$dir/sys/devices/system/cpu/cpu$i/cpu_capacity"
    i=$((i + 1))
  done
}
mkboard pi4 proc/device-tree/model "Raspberry Pi 4 Model B Rev 1.4" 1024 1024 1024 1024
mkboard pi5 sys/firmware/devicetree/base/model "Raspberry Pi 5 Model B Rev 1.0" 1024 1024 1024 1024
mkboard imx8mp proc/device-tree/model "NXP i.MX8MPlus EVK board" 1024 1024 1024 1024
mkboard bbb proc/device-tree/model "TI AM335x BeagleBone Black" -
mkboard rk3399 proc/device-tree/model "Rockchip RK3399 Evaluation Board" 485 485 485 485 1024 1024

board_case() { # board_case DIR PROFILE CONSOLE LATENCY-CPUS CPUS
  run check --json --sysroot "$tmp/$1"
  local got
  got="$(jqr .board.profile) $(jqr .board.console) $(jqr .board.latency_cpus) $(jqr .board.cpus)"
  [ "$got" = "$2 $3 $4 $5" ] && [ "$(jqr .features.board_model.status)" = ok ]
  report $? "$1 tree picks profile $2, console $3, latency cpus $4" "got: $got"
}
board_case pi4 raspberrypi4 ttyS0 0-3 4
board_case pi5 raspberrypi5 ttyAMA10 0-3 4
board_case imx8mp imx8mp ttymxc1 0-3 4
board_case bbb beaglebone-black ttyS0 0 1
board_case rk3399 generic console 4-5 6
run check --json --sysroot "$tmp/rk3399"
jq -e '.board.clusters == [{"cpus":"4-5","capacity":1024},{"cpus":"0-3","capacity":485}]' "$tmp/out" >/dev/null 2>&1
report $? "big.LITTLE capacities make two clusters, big first" "$(jqr -c .board.clusters)"
mkdir -p "$tmp/empty"
run check --json --sysroot "$tmp/empty"
[ "$(jqr .features.board_model.status)" = degraded ] && [ "$(jqr .board.profile)" = generic ] &&
  [ "$(jqr .features.board_model.fallback)" = "generic profile" ] && [ "$rc" -eq 1 ]
report $? "no model at all: board_model degraded, generic profile, exit 1" "rc=$rc"
run check --sysroot "$tmp/pi4" --profile raspberrypi4
! grep -q '^  fix' "$tmp/out" && grep -qE '^profile +raspberrypi4 ' "$tmp/out"
report $? "raspberrypi4 prints no fix where the memory controller exists (v1 here)"

# --- bad input: one line, exit 2 ------------------------------------------
one_line_error() { # one_line_error DESC PATTERN ARGS...
  local desc=$1 pat=$2
  shift 2
  run "$@"
  [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [[ $(cat "$tmp/err") =~ $pat ]]
  report $? "$desc exits 2 with one line" "rc=$rc err=$(tr '\n' '|' <"$tmp/err")"
}
one_line_error "unknown --profile name" "^alcove: check: --profile 'pi9': no built-in profile 'pi9' \(known: .*raspberrypi4.*\)$" check --profile pi9
printf 'name = mine\nlatency_cpus = all\nwheels = 4\n' >"$tmp/bad.conf"
one_line_error "a profile file with a bad key" "^alcove: check: --profile '$tmp/bad.conf': $tmp/bad.conf:3: unknown key 'wheels'$" check --profile "$tmp/bad.conf"
one_line_error "a missing --sysroot" "^alcove: check: --sysroot '$tmp/nope': No such file or directory$" check --sysroot "$tmp/nope"
run check --profile
[ "$rc" -eq 2 ] && grep -qx "alcove: check: --profile needs a value" "$tmp/err"
report $? "--profile without a value is a usage error" "rc=$rc"
printf 'name = mine\nconsole = ttyX9\nlatency_cpus = all\n' >"$tmp/good.conf"
run check --json --profile "$tmp/good.conf" --sysroot "$tmp/rk3399"
[ "$(jqr .board.profile) $(jqr .board.console) $(jqr .board.latency_cpus)" = "mine ttyX9 0-5" ]
report $? "a profile file given by path is used as it is" "$(jqr .board.profile)"

[ "$failed" -eq 0 ]
