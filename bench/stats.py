#!/usr/bin/env python3
"""Summarises a hyperfine JSON export side by side.

  stats.py NAME BASELINE hyperfine.json
Commands are labelled by their hyperfine --command-name. Prints mean, p50
and p99 (ms) for each and its ratio to the baseline (mean and p50), then
the RESULT line with the same figures. Shared by the benchmarks.
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
    rows = []
    for r in results:
        t = [x * 1000 for x in r["times"]]
        rows.append((r["command"], statistics.mean(t), pct(t, 50), pct(t, 99), len(t)))
    b = next(row for row in rows if row[0] == base)
    print(f"{'command':24} {'runs':>5} {'mean ms':>9} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'mean/' + base:>12} {'p50/' + base:>12}")
    fields = []
    for label, mean, p50, p99, n in rows:
        print(f"{label:24} {n:5d} {mean:9.3f} {p50:8.3f} {p99:8.3f}"
              f" {mean / b[1]:12.2f} {p50 / b[2]:12.2f}")
        key = label.replace("-", "_")
        fields += [f"{key}_mean_ms={mean:.3f}", f"{key}_p50_ms={p50:.3f}", f"{key}_p99_ms={p99:.3f}"]
        if label != base:
            fields += [f"{key}_vs_{base}={mean / b[1]:.2f}", f"{key}_vs_{base}_p50={p50 / b[2]:.2f}"]
    print(f"RESULT {name} " + " ".join(fields))


if __name__ == "__main__":
    main()
