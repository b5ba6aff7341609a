# bench/run smoke: the pattern for the other benchmarks. Times the static
# alcove's `--version` (process start of the real binary) against /bin/true
# with hyperfine, side by side in one run, and reports the ratio.
set -euo pipefail
runs=$([ "${BENCH_QUICK:-0}" = 1 ] && echo 100 || echo 1000)
[ -x build/x86_64-musl/alcove ] || { scripts/bootstrap >&2 && scripts/build x86_64 >&2; }
json=build/bench/smoke.json
echo "smoke: $(nproc) cpus, $(uname -r), $runs runs each, hyperfine -N"
hyperfine -N --style none --warmup 20 --runs "$runs" --export-json "$json" \
  -n alcove 'build/x86_64-musl/alcove --version' -n true '/bin/true' \
  >/dev/null 2>build/bench/smoke.hyperfine.log
python3 bench/stats.py smoke true "$json"
