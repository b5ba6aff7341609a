# TAP reporting for the host tier's shell tests; sourced, not run. Set
# TAP_NAME (the prefix of each line, e.g. "cli[musl]") before sourcing.
# report OK NAME [DETAIL]: one "ok N - TAP_NAME: NAME" line when OK is 0,
# else "not ok N - TAP_NAME: NAME # DETAIL" counted in $failed.
n=0
failed=0
report() {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $TAP_NAME: $2"
  else echo "not ok $n - $TAP_NAME: $2${3:+ # $3}"; failed=$((failed + 1)); fi
}
