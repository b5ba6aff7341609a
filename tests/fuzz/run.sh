#!/usr/bin/env bash
# Fuzzes one parser with libFuzzer for a while: a clang build with ASan and
# UBSan in build/fuzz (tests/fuzz/meson.build makes fuzz_TARGET there),
# starting from tests/fuzz/corpus/TARGET; new inputs go to
# build/fuzz/corpus-TARGET, a crash to build/fuzz/crash-*. Every check
# replays the checked-in corpus (replay_TARGET, any compiler).
#   tests/fuzz/run.sh TARGET [SECONDS]     TARGET: oci_config, svcdef; default 60 s
# Exit: 0 no crash found; 1 a crash (the input is kept); 2 usage or no clang.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS]} secs=${2:-60}
[ -d "tests/fuzz/corpus/$target" ] || { echo "fuzz: no corpus for '$target'" >&2; exit 2; }
command -v clang >/dev/null || { echo "fuzz: clang not found (apt-get install clang)" >&2; exit 2; }
if [ ! -f build/fuzz/build.ninja ]; then
  CC=clang meson setup build/fuzz -Dbuildtype=debug -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >build/fuzz.setup.log 2>&1 ||
    { tail -n 20 build/fuzz.setup.log >&2; exit 2; }
fi
ninja -C build/fuzz "tests/fuzz/fuzz_$target" >build/fuzz.ninja.log 2>&1 ||
  { grep -E 'error|FAILED' build/fuzz.ninja.log | head -n 20 >&2; exit 2; }
mkdir -p "build/fuzz/corpus-$target"
cd build/fuzz
rc=0
"./tests/fuzz/fuzz_$target" -max_total_time="$secs" -max_len=16384 -timeout=10 \
  -artifact_prefix=./ "corpus-$target" "../../tests/fuzz/corpus/$target" || rc=1
exit "$rc"
