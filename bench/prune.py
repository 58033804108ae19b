#!/usr/bin/env python3
"""p99 of GET /jobs while retention pruning deletes ~600,000 rows.

    python3 bench/prune.py --db /tmp/benchwork/bench-1000000.db
    python3 bench/prune.py --db COPY --max-retention-days 3650 --path '/jobs?q=react%20developer'
                                       # nothing to delete: the index merge alone

Destructive: prunes the given database (use a copy of bench.py's file; the
data spans the 60 days before 2026-11-01). Starts `upjobs serve` with
`--max-retention-days 45`, measures /jobs?limit=20 p99 with wrk for 10 s
idle (response cache off, after the start-up work), then calls POST /admin/api/prune and measures in 5 s windows until it
returns. Prints JSON with the idle p99, every window's p99 and start (seconds
into the prune), rows deleted, the prune's duration, and when each of its
phases ended (deleting rows, merging the search index, returning free pages;
from the server's `upjobs::retention` log lines).
"""
import argparse, datetime, json, os, re, sqlite3, subprocess, sys, tempfile, threading, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (reuses its helpers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--max-retention-days", default="45",
                        help="the server's cap; a large value (3650) prunes nothing, so the run measures "
                             "the full-text index merge that ends every prune")
    parser.add_argument("--path", default="/jobs?limit=20", help="the request measured")
    parser.add_argument("--max-seconds", type=int, default=0,
                        help="stop after measuring this long into the prune (kill -9 the server: every "
                             "batch is its own commit); 0 waits for the prune to finish")
    args = parser.parse_args()
    jobs_before = count_jobs(args.db)
    key = bench.create_key(args.db, "enterprise", "prune-bench", ["--rate-limit-per-min", "1000000000", "--burst", "1000000000"])
    # The response cache is off: every request runs its query, so the
    # figure is the database's, not the cache's (a prune commits every few
    # milliseconds, which would also make cached answers miss unevenly).
    # Warnings, and the prune's phase lines; no line per request.
    log_path = os.path.join(tempfile.mkdtemp(prefix="upjobs-prune-"), "serve.log")
    server = bench.Server(args.db, 18190, {"UPJOBS_MAX_RETENTION_DAYS": args.max_retention_days, "UPJOBS_PRUNE_INTERVAL": "86400",
                                           "UPJOBS_RESPONSE_CACHE_ENTRIES": "0",
                                           "RUST_LOG": "warn,upjobs::retention=info"}, log_path=log_path)
    bench.wait_idle(server.process.pid)
    url = server.url + args.path
    # Let the copy of the file reach the disk and warm the cache first: a
    # fresh 7 GB copy's write-back stalls reads for tens of seconds and made
    # one idle measurement (p99 26 ms) slower than the prune itself.
    os.sync()
    bench.wrk(url, [key], args.connections, 5)
    idle = bench.wrk(url, [key], args.connections, 10)
    outcome = {}

    def prune():
        started = time.monotonic()
        request = urllib.request.Request(server.url + "/admin/api/prune", method="POST",
                                         headers={"Authorization": "Bearer " + bench.ADMIN_TOKEN})
        try:
            with urllib.request.urlopen(request, timeout=7200) as response:
                outcome["report"] = json.loads(response.read())["data"][0]
        except OSError as error:  # the server was stopped mid-prune (--max-seconds)
            outcome["error"] = str(error)
        outcome["seconds"] = round(time.monotonic() - started, 1)

    worker = threading.Thread(target=prune)
    worker.start()
    windows = []
    window_starts = []
    prune_started = time.monotonic()
    prune_started_wall = time.time()
    stopped_early = False
    while worker.is_alive():
        if args.max_seconds and time.monotonic() - prune_started > args.max_seconds:
            stopped_early = True
            break
        window_starts.append(round(time.monotonic() - prune_started, 1))
        windows.append(bench.wrk(url, [key], args.connections, 5))
    if stopped_early:
        idle_after = None
        server.process.kill()
        server.process.wait()
        worker.join()
        outcome["stopped_after_seconds"] = args.max_seconds
        # Every batch is its own commit: what the file lost is what was pruned.
        outcome["jobs_deleted_before_stop"] = jobs_before - count_jobs(args.db)
    else:
        worker.join()
        # The same measurement after the prune, on the smaller file.
        idle_after = bench.wrk(url, [key], args.connections, 10)
        server.stop()
    p99s = sorted(window["p99_ms"] for window in windows)
    print(json.dumps({
        "connections": args.connections,
        "path": args.path,
        "max_retention_days": args.max_retention_days,
        "idle": idle,
        "idle_after": idle_after,
        "during_prune_p99_ms": [window["p99_ms"] for window in windows],
        "during_prune_window_starts_s": window_starts,
        "phases_ended_after_s": phase_ends(log_path, prune_started_wall),
        "during_prune_p99_median_ms": p99s[len(p99s) // 2] if p99s else None,
        "during_prune_p99_max_ms": p99s[-1] if p99s else None,
        "during_prune_requests_per_second": [window["requests_per_second"] for window in windows],
        "prune": outcome,
    }, indent=2))


def phase_ends(log_path, started_wall):
    """Seconds into the prune at which each logged phase ended."""
    ends = {}
    for line in open(log_path, errors="replace"):
        match = re.match(r"(\S+Z)\s+INFO upjobs::retention: prune: (rows deleted|search index merged|free pages returned)", line)
        if match:
            at = datetime.datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()
            ends[match.group(2)] = round(at - started_wall, 1)
    return ends


def count_jobs(db):
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM jobs").fetchone()[0]
    finally:
        connection.close()


if __name__ == "__main__":
    main()
