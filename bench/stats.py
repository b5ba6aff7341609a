#!/usr/bin/env python3
"""Summarises hyperfine JSON exports side by side.

  stats.py NAME BASELINE-LABEL hyperfine.json
Prints mean, p50 and p99 (ms) for each command and the ratio of each mean
to the baseline's, then the RESULT line. Shared by the benchmarks.
"""
import json
import statistics
import sys


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def main():
    name, base, path = sys.argv[1:4]
    with open(path) as f:
        results = json.load(f)["results"]
    rows = {}
    for r in results:
        t = [x * 1000 for x in r["times"]]
        rows[r["command"]] = (statistics.mean(t), pct(t, 50), pct(t, 99), len(t))
    label = {r["command"]: r["command"].split()[0].split("/")[-1] for r in results}
    bmean = next(v[0] for k, v in rows.items() if label[k] == base)
    print(f"{'command':50} {'runs':>5} {'mean ms':>9} {'p50 ms':>8} {'p99 ms':>8} {'x ' + base:>10}")
    fields = []
    for cmd, (mean, p50, p99, n) in rows.items():
        print(f"{cmd:50} {n:5d} {mean:9.3f} {p50:8.3f} {p99:8.3f} {mean / bmean:10.2f}")
        key = label[cmd].replace("-", "_")
        fields += [f"{key}_mean_ms={mean:.3f}", f"{key}_p99_ms={p99:.3f}"]
        if label[cmd] != base:
            fields.append(f"{key}_vs_{base}={mean / bmean:.2f}")
    print(f"RESULT {name} " + " ".join(fields).strip())


if __name__ == "__main__":
    main()
