"""Server memory under the query mix and under HTTP ingest, phase by phase.

    python3 bench/memory.py --db /tmp/bw/bench-1000000.db --ingest /tmp/bw/jobs-extra.ndjson

Starts `upjobs serve` on the database (it writes request-log rows and, with
--ingest, the jobs: use a database you can re-create), with the response
cache off so every request runs its SQL, creates an unthrottled enterprise
key, and runs each query scenario with wrk (--connections, 64 unless
told, --seconds each), printing the server's RSS (with its anonymous and
file-backed parts) and peak RSS (VmHWM) after each phase.
With --ingest it then posts the file in 5,000-job bodies and prints jobs/s
and memory. Use a file of jobs the database does not hold yet (`upjobs gen
--seed N` with a new N) to measure inserts rather than updates. Reuses
bench.py's helpers.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

QUERIES = [
    ("newest 20", "/jobs?limit=20"),
    ("three filters", "/jobs?payment_verified=true&budget_min=1000&country=US"),
    ("q two words", "/jobs?q=react%20developer"),
    ("q phrase", "/jobs?q=%22web%20application%22"),
    ("q prefix", "/jobs?q=design*"),
    ("q relevance", "/jobs?q=react%20developer&sort=relevance"),
    ("deep cursor", None),
    ("fields projection", "/jobs?limit=20&fields=title,budget,skills"),
    ("newest 20 again", "/jobs?limit=20"),
]


def memory(pid):
    """RSS, its anonymous part (the heaps) and its file part (mapped
    pages), the peak, and the thread count (tokio starts blocking-pool
    threads for queries, each with its own allocator heap)."""
    fields = [bench.rss_kib(pid, field) / 1024 for field in ("VmRSS", "RssAnon", "RssFile", "VmHWM")]
    threads = len(os.listdir(f"/proc/{pid}/task"))
    return "rss {:.0f} MiB (anon {:.0f}, file {:.0f}), peak {:.0f} MiB, {} threads".format(*fields, threads)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--ingest", help="NDJSON file to post after the queries")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[64],
                        help="wrk connection counts per scenario (bench.py uses 1 16 64 256)")
    parser.add_argument("--port", type=int, default=18190)
    args = parser.parse_args()

    server = bench.Server(args.db, args.port, {"UPJOBS_RESPONSE_CACHE_ENTRIES": "0"})
    pid = server.process.pid
    try:
        bench.wait_idle(pid)
        body = json.dumps({"name": "memory-bench", "plan": "enterprise",
                           "rate_limit_per_min": 1_000_000_000, "burst": 1_000_000_000}).encode()
        _, answer = bench.http("POST", server.url + "/admin/api/keys", body,
                               {"Authorization": "Bearer " + bench.ADMIN_TOKEN, "Content-Type": "application/json"})
        key = json.loads(answer)["data"][0]["key"]
        print(f"{'started':18} {memory(pid)}", flush=True)
        _, deep = bench.http("GET", server.url + "/jobs?limit=100&offset=10000", headers={"X-API-KEY": key})
        deep_path = "/jobs?limit=20&cursor=" + json.loads(deep)["next_cursor"]
        for name, path in QUERIES:
            for connections in args.connections:
                measured = bench.wrk(server.url + (path or deep_path), [key], connections, args.seconds)
                print(f"{name:18} c={connections:<4} {memory(pid)}  ({measured['requests_per_second']:,.0f} req/s, "
                      f"non-2xx {measured['non_2xx']})", flush=True)
        if args.ingest:
            lines = open(args.ingest).readlines()
            started = time.monotonic()
            for start in range(0, len(lines), 5000):
                bench.http("POST", server.url + "/admin/api/jobs", "".join(lines[start:start + 5000]).encode(),
                           {"Authorization": "Bearer " + bench.ADMIN_TOKEN, "Content-Type": "application/x-ndjson"})
            rate = len(lines) / (time.monotonic() - started)
            print(f"{'HTTP ingest':18} {memory(pid)}  ({rate:,.0f} jobs/s)", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
