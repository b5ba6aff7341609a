# A CPU hog: N busy loops (default 3), until stopped.
n=${1:-3}
while [ "$n" -gt 0 ]; do
  (while :; do :; done) &
  n=$((n - 1))
done
wait
