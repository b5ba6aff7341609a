#!/usr/bin/env bash
# Fuzzes the config.json parser with libFuzzer (clang, ASan+UBSan) for a
# while, starting from the checked-in corpus; new inputs go to a scratch
# corpus under build/fuzz/, crashes to build/fuzz/crash-*. The unit tier
# replays tests/fuzz/corpus/ through the same target on every check.
#   tests/fuzz/run.sh [SECONDS]     (default 60)
# Exit: 0 no crash found; 1 a crash (the input is kept); 2 no clang.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
cc=$(command -v clang || command -v clang-14 || true)
[ -n "$cc" ] || { echo "fuzz: clang not found (apt-get install clang)" >&2; exit 2; }
out=build/fuzz
mkdir -p "$out/corpus"
"$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -D_GNU_SOURCE -Icore -Ioci -I. $(pkg-config --cflags json-c) \
  tests/fuzz/fuzz_oci_config.c oci/config.c oci/config_process.c oci/config_mounts.c \
  oci/config_linux.c oci/config_resources.c oci/config_seccomp.c oci/jsonpath.c \
  core/spec.c core/err.c core/fileio.c \
  $(pkg-config --libs json-c) -lcap -o "$out/fuzz_oci_config"
cd "$out"
./fuzz_oci_config -max_total_time="$secs" -max_len=16384 -timeout=10 \
  -artifact_prefix=./ corpus ../../tests/fuzz/corpus/oci_config
