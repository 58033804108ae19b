#!/usr/bin/env python3
"""Medians of several bench.py runs as the Markdown tables of BENCHMARKS.md.

    python3 bench/summarize.py bench/results/A-1000000.json bench/results/B-1000000.json

For every scenario and connection count it prints the median requests/s
and the median p50/p99/p99.9 over the runs given (with two runs, the median
is their mean), each run's hello-world ceiling, and each figure as a share
of the ceiling measured in the same run. `/health` cells carry their own
ceiling (hello measured right before and right after each of them, at the
same connection count; runs before 2026-11-23 12:00 UTC did not), and their
share is taken against that.
"""

import json
import statistics
import sys


def main():
    runs = [json.load(open(path)) for path in sys.argv[1:]]
    if not runs:
        sys.exit(__doc__)
    connections = sorted({item["connections"] for run in runs for item in run["scenarios"]})
    names = []
    for run in runs:
        for item in run["scenarios"]:
            if item["scenario"] not in names:
                names.append(item["scenario"])

    def cell(name, count, field):
        values = [item[field] for run in runs for item in run["scenarios"]
                  if item["scenario"] == name and item["connections"] == count]
        return statistics.median(values) if values else None

    def ceiling_share(name, count):
        shares = []
        for run in runs:
            by_name = {(item["scenario"], item["connections"]): item for item in run["scenarios"]}
            hello, item = by_name.get(("hello (ceiling)", count)), by_name.get((name, count))
            if item and "share_of_paired_hello" in item:
                shares.append(item["share_of_paired_hello"])
            elif hello and item:
                shares.append(item["requests_per_second"] / hello["requests_per_second"])
        return statistics.median(shares) if shares else None

    print(f"Runs: {len(runs)} ({', '.join(run['machine']['date'] for run in runs)}); "
          f"{runs[0]['count']:,} jobs; {runs[0]['duration_s']} s per cell; medians.\n")
    header = " | ".join(f"{count} conn" for count in connections)
    print(f"| scenario | {header} | p50 / p99 / p99.9 ms at 64 | share of hello at 64 |")
    print("|---|" + "---|" * len(connections) + "---|---|")
    for name in names:
        rates = []
        for count in connections:
            value = cell(name, count, "requests_per_second")
            rates.append("–" if value is None else f"{value:,.0f}")
        p50, p99, p999 = (cell(name, 64, field) for field in ("p50_ms", "p99_ms", "p999_ms"))
        latency = "–" if p99 is None else f"{p50:.2f} / {p99:.2f} / {p999:.2f}"
        share = ceiling_share(name, 64)
        share_text = "–" if share is None or name.startswith("hello") else f"{share:.0%}"
        print(f"| {name} | {' | '.join(rates)} | {latency} | {share_text} |")
    print()
    ingest = {key: statistics.median(run["ingest"][key] for run in runs if key in run["ingest"])
              for key in runs[0]["ingest"]}
    print("Ingest (medians):", json.dumps(ingest))
    print("Ready after start (s, medians):", statistics.median(run["startup_seconds"] for run in runs))
    print("Server peak RSS over the run (MiB):", [run["server_peak_rss_mib"] for run in runs])
    print("Server peak RSS, worst measured cell (MiB):", [run.get("server_peak_rss_mib_cells") for run in runs])
    print("Uncached server peak RSS (MiB):", [run.get("uncached_server_peak_rss_mib") for run in runs])


if __name__ == "__main__":
    main()
