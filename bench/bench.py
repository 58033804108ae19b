#!/usr/bin/env python3
"""upjobs benchmark suite: one command, release build, real load generator.

    python3 bench/bench.py                 # 1,000,000 jobs, full matrix
    python3 bench/bench.py --quick         # 100,000 jobs, 64 connections only

It builds the release binary and the bare-hyper baseline (bench/hello.rs),
generates and imports the data set, starts the server, runs every scenario
with wrk on 127.0.0.1, samples the server's memory, and writes
bench/results/<date>-<count>.json and bench/results/chart.svg;
`bench/summarize.py` turns one or more of those files into the tables of
BENCHMARKS.md. Every /health cell runs between two hello-world runs at the
same connection count, and its share of the ceiling is taken against them.
Needs `wrk` (apt-get install wrk).
"""

import argparse
import datetime
import json
import os
import random
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# UPJOBS_BIN measures another build (an A/B against an older commit).
BIN = os.environ.get("UPJOBS_BIN") or os.path.join(ROOT, "target", "release", "upjobs")
HELLO = os.path.join(ROOT, "target", "release", "examples", "hello")
HELLO_URL = "http://127.0.0.1:18181/"
LUA = os.path.join(ROOT, "bench", "report.lua")
ROTATE_LUA = os.path.join(ROOT, "bench", "rotate.lua")
ADMIN_TOKEN = "bench-admin-token"
ANCHOR = "2026-11-01T00:00:00Z"


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command, **kwargs):
    log("$ " + " ".join(command))
    return subprocess.run(command, check=True, **kwargs)


def build():
    run(["cargo", "build", "--release", "--locked", "--bin", "upjobs", "--example", "hello"], cwd=ROOT)


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def rss_kib(pid, field="VmRSS"):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


# The highest VmHWM each server reached before its peak was last reset:
# per-cell figures reset it, and the figure over the whole run (start-up,
# HTTP ingest and idle stretches included) must not lose what came before.
peaks_before_reset = {}


def reset_peak(pid):
    peaks_before_reset[pid] = max(peaks_before_reset.get(pid, 0), rss_kib(pid, "VmHWM"))
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def user_and_system_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks


def cpu_seconds(pid):
    return sum(user_and_system_seconds(pid))


def wait_idle(pid, limit=180):
    """Waits until the server's start-up work (the duplicate index rebuild on
    the writer thread) is done: less than 5 % of a core used over a second."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(1)
        if cpu_seconds(pid) - before < 0.05:
            return
    log("server still busy after start; measuring anyway")


def http(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.status, response.read()


class Server:
    def __init__(self, db, port, extra_env=None, log_path=None):
        """`log_path`: write stderr there, at the shipped log level (a line
        per request) unless `extra_env` sets RUST_LOG; without it, only
        warnings, thrown away."""
        env = dict(os.environ, UPJOBS_ADMIN_TOKEN=ADMIN_TOKEN, RUST_LOG="warn")
        if log_path:
            del env["RUST_LOG"]
        env.update(extra_env or {})
        self.started = time.monotonic()
        log = open(log_path, "w") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [BIN, "serve", "--db", db, "--listen", f"127.0.0.1:{port}"],
            env=env, stdout=subprocess.PIPE, stderr=log, text=True)
        if log_path:
            log.close()
        self.url = f"http://127.0.0.1:{port}"
        self.ready_seconds = self.wait_ready()

    def wait_ready(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                status, _ = http("GET", self.url + "/readyz")
                if status == 200:
                    return time.monotonic() - self.started
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("server did not become ready")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def create_key(db, plan, name, extra=()):
    out = subprocess.run([BIN, "keys", "--db", db, "create", "--plan", plan, "--name", name, *extra],
                         check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def wrk(url, keys, connections, duration):
    threads = max(1, min(2, connections))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    if len(keys) > 1:
        # Several keys: a request built in Lua per request (costs wrk a few µs).
        command += ["-s", ROTATE_LUA, url, "--"] + keys
    else:
        # One key or none: wrk's pre-built request, as for the hello baseline.
        command += ["-s", LUA, url] + (["-H", "X-API-KEY: " + keys[0]] if keys else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"RESULT (.*)", output)
    if not match:
        raise RuntimeError("wrk printed no RESULT line:\n" + output)
    fields = dict(item.split("=") for item in match.group(1).split())
    fields = {name: int(value) for name, value in fields.items()}
    seconds = fields["duration_us"] / 1e6
    return {
        "requests_per_second": round(fields["requests"] / seconds, 1),
        "p50_ms": fields["p50_us"] / 1000, "p99_ms": fields["p99_us"] / 1000, "p999_ms": fields["p999_us"] / 1000,
        "non_2xx": fields["non2xx"], "socket_errors": fields["socket_errors"], "requests": fields["requests"],
    }


def ingest_loop(url, jobs_file, rate, stop):
    """Posts NDJSON batches of 100 jobs at `rate` jobs/s until `stop` is set."""
    batch, lines = [], open(jobs_file).readlines()
    index = 0
    while not stop.is_set():
        started = time.monotonic()
        batch = "".join(lines[index:index + 100])
        index = (index + 100) % max(1, len(lines) - 100)
        try:
            http("POST", url + "/admin/api/jobs", batch.encode(),
                 {"Authorization": "Bearer " + ADMIN_TOKEN, "Content-Type": "application/x-ndjson"})
        except OSError as error:
            log(f"ingest error: {error}")
        time.sleep(max(0.0, 100 / rate - (time.monotonic() - started)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100,000 jobs and 64 connections only")
    parser.add_argument("--count", type=int)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", default=None, help="comma list, default 1,16,64,256 (quick: 64)")
    parser.add_argument("--workdir", default=None, help="keep data here (default: a temp dir)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--skip-shuffled-import", action="store_true", help="skip the random-order import")
    parser.add_argument("--skip-10k-keys", action="store_true", help="skip /health with 10,000 keys")
    args = parser.parse_args()
    count = args.count or (100_000 if args.quick else 1_000_000)
    connections = [int(c) for c in (args.connections or ("64" if args.quick else "1,16,64,256")).split(",")]
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if not args.no_build:
        build()
    workdir = args.workdir or tempfile.mkdtemp(prefix="upjobs-bench-")
    os.makedirs(workdir, exist_ok=True)
    results = {"machine": machine(), "count": count, "duration_s": args.duration, "scenarios": [], "ingest": {}}

    jobs_file = os.path.join(workdir, f"jobs-{count}.ndjson")
    if not os.path.exists(jobs_file):
        with open(jobs_file, "w") as out:
            run([BIN, "gen", "--count", str(count), "--seed", "1", "--days", "60", "--now", ANCHOR], stdout=out)
    extra_file = os.path.join(workdir, "jobs-extra.ndjson")
    if not os.path.exists(extra_file):
        with open(extra_file, "w") as out:
            run([BIN, "gen", "--count", "100000", "--seed", "2", "--days", "60", "--now", ANCHOR], stdout=out)

    db = os.path.join(workdir, f"bench-{count}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    started = time.monotonic()
    output = run([BIN, "import", "--db", db, jobs_file], capture_output=True, text=True).stdout
    seconds = time.monotonic() - started
    log(output.strip())
    results["ingest"]["import_jobs_per_second"] = round(count / seconds)
    results["ingest"]["import_seconds"] = round(seconds, 1)
    results["ingest"]["database_bytes"] = os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0)

    # The same jobs in random order (a feed that is not time-ordered, or
    # several sources merged): inserts scattered over the whole seq order
    # instead of appends. `upjobs gen` itself prints posting order.
    if not args.skip_shuffled_import:
        shuffled_file = os.path.join(workdir, f"jobs-{count}-shuffled.ndjson")
        if not os.path.exists(shuffled_file):
            with open(jobs_file) as handle:
                lines = handle.readlines()
            random.Random(1).shuffle(lines)
            with open(shuffled_file, "w") as out:
                out.writelines(lines)
            del lines
        shuffled_db = os.path.join(workdir, f"bench-{count}-shuffled.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(shuffled_db + suffix):
                os.remove(shuffled_db + suffix)
        started = time.monotonic()
        log(run([BIN, "import", "--db", shuffled_db, shuffled_file], capture_output=True, text=True).stdout.strip())
        results["ingest"]["import_shuffled_jobs_per_second"] = round(count / (time.monotonic() - started))
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(shuffled_db + suffix):
                os.remove(shuffled_db + suffix)

    enterprise = create_key(db, "enterprise", "bench", ["--rate-limit-per-min", "1000000000", "--burst", "1000000000"])
    starters = [create_key(db, "starter", f"starter-{index}") for index in range(100)]

    # Startup: median of three starts on the full file.
    starts = []
    for _ in range(3):
        server = Server(db, 18180)
        starts.append(server.ready_seconds)
        server.stop()
    results["startup_seconds"] = sorted(starts)[1]

    hello = subprocess.Popen([HELLO, "127.0.0.1:18181"], stdout=subprocess.DEVNULL)
    time.sleep(0.3)
    server = Server(db, 18180)
    pid = server.process.pid
    url = server.url
    # HTTP ingest of 100,000 new jobs in batches of 5,000.
    lines = open(extra_file).readlines()
    started = time.monotonic()
    for start in range(0, len(lines), 5000):
        http("POST", url + "/admin/api/jobs", "".join(lines[start:start + 5000]).encode(),
             {"Authorization": "Bearer " + ADMIN_TOKEN, "Content-Type": "application/x-ndjson"})
    results["ingest"]["http_jobs_per_second"] = round(len(lines) / (time.monotonic() - started))
    # The import and the HTTP ingest leave gigabytes of dirty pages: let the
    # kernel write them back now, not while the first scenarios (the hello
    # ceiling) run (the ceiling of the run started 2026-11-22 17:28 was
    # depressed that way).
    os.sync()
    wait_idle(pid)

    def health_cells(scenario):
        """/health at each connection count, between two hello runs at the same count.

        The share of the ceiling is taken against those two (their mean):
        on this shared host the ceiling drifts by more than the target's
        margin between the first cell of a run and the last, so a ratio to
        a hello measured minutes earlier measures the host as much as the
        server."""
        for connection_count in connections:
            before = wrk(HELLO_URL, [], connection_count, args.duration)
            reset_peak(pid)
            measured = wrk(url + "/health", [enterprise], connection_count, args.duration)
            peak = round(rss_kib(pid, "VmHWM") / 1024, 1)
            after = wrk(HELLO_URL, [], connection_count, args.duration)
            paired = (before["requests_per_second"] + after["requests_per_second"]) / 2
            measured.update({"scenario": scenario, "connections": connection_count, "server_peak_rss_mib": peak,
                             "hello_paired_rps": [before["requests_per_second"], after["requests_per_second"]],
                             "share_of_paired_hello": round(measured["requests_per_second"] / paired, 3)})
            log(f"{scenario[:24]:24} c={connection_count:<4} {measured['requests_per_second']:>10} req/s "
                f"({measured['share_of_paired_hello']:.0%} of hello around it: "
                f"{before['requests_per_second']:.0f}, {after['requests_per_second']:.0f})")
            results["scenarios"].append(measured)

    _, deep = http("GET", url + "/jobs?limit=100&offset=10000", headers={"X-API-KEY": enterprise})
    deep_cursor = json.loads(deep)["next_cursor"]
    scenarios = [
        ("hello (ceiling)", HELLO_URL, []),
        ("/health", url + "/health", [enterprise]),
        ("newest 20", url + "/jobs?limit=20", [enterprise]),
        ("three filters", url + "/jobs?payment_verified=true&budget_min=1000&country=US", [enterprise]),
        ("q one word", url + "/jobs?q=react", [enterprise]),
        ("q two words", url + "/jobs?q=react%20developer", [enterprise]),
        ("q phrase", url + "/jobs?q=%22web%20application%22", [enterprise]),
        ("q prefix", url + "/jobs?q=design*", [enterprise]),
        ("q relevance", url + "/jobs?q=react%20developer&sort=relevance", [enterprise]),
        ("deep cursor", url + "/jobs?limit=20&cursor=" + deep_cursor, [enterprise]),
        ("fields projection", url + "/jobs?limit=20&fields=title,budget,skills", [enterprise]),
        ("100 keys, mostly 429", url + "/jobs?limit=20", starters),
    ]
    for name, target, keys in scenarios:
        if name == "/health":
            health_cells(name)
            continue
        for connection_count in connections:
            reset_peak(pid)
            measured = wrk(target, keys, connection_count, args.duration)
            measured.update({"scenario": name, "connections": connection_count,
                             "server_peak_rss_mib": round(rss_kib(pid, "VmHWM") / 1024, 1)})
            log(f"{name:24} c={connection_count:<4} {measured['requests_per_second']:>10} req/s "
                f"p50 {measured['p50_ms']:.2f} p99 {measured['p99_ms']:.2f} ms rss {measured['server_peak_rss_mib']} MiB "
                f"non-2xx {measured['non_2xx']}")
            results["scenarios"].append(measured)
    # The query scenarios again with the response cache off: every request
    # runs its SQL (wrk repeats one URL, so the pass above measures the
    # one-second cache; this one measures the engine).
    uncached = Server(db, 18182, {"UPJOBS_RESPONSE_CACHE_ENTRIES": "0"})
    uncached_pid = uncached.process.pid
    wait_idle(uncached_pid)
    for name, target, keys in scenarios:
        if not target.startswith(url + "/jobs"):
            continue
        for connection_count in connections:
            reset_peak(uncached_pid)
            measured = wrk(target.replace(url, uncached.url), keys, connection_count, args.duration)
            measured.update({"scenario": name + " (uncached)", "connections": connection_count,
                             "server_peak_rss_mib": round(rss_kib(uncached_pid, "VmHWM") / 1024, 1)})
            log(f"{name + ' (uncached)':24} c={connection_count:<4} {measured['requests_per_second']:>10} req/s "
                f"p50 {measured['p50_ms']:.2f} p99 {measured['p99_ms']:.2f} ms rss {measured['server_peak_rss_mib']} MiB")
            results["scenarios"].append(measured)
    results["uncached_server_peak_rss_mib"] = round(
        max(peaks_before_reset.get(uncached_pid, 0), rss_kib(uncached_pid, "VmHWM")) / 1024, 1)
    uncached.stop()
    # /health again with 10,000 more keys in the in-memory map, compared
    # with /health measured just before they are added (the first /health
    # cells ran a quarter of an hour earlier, and this shared host drifts
    # by more than the 10 % the comparison is about).
    if not args.skip_10k_keys:
        health_cells("/health, before the 10,000 keys")
    for index in range(0 if args.skip_10k_keys else 10_000):
        http("POST", url + "/admin/api/keys", json.dumps({"name": f"bulk-{index}", "plan": "starter"}).encode(),
             {"Authorization": "Bearer " + ADMIN_TOKEN, "Content-Type": "application/json"})
    # As after start-up: measure once the writer has settled (runs before
    # 2026-11-22 20:55 UTC measured right after the last create, and their
    # first cells came out slow).
    wait_idle(pid)
    if not args.skip_10k_keys:
        health_cells("/health, 10,000 keys")
    # Queries while ingesting 1,000 jobs/s.
    stop = threading.Event()
    feeder = threading.Thread(target=ingest_loop, args=(url, extra_file, 1000, stop))
    feeder.start()
    for connection_count in connections:
        reset_peak(pid)
        measured = wrk(url + "/jobs?limit=20", [enterprise], connection_count, args.duration)
        measured.update({"scenario": "newest 20 + ingest 1k/s", "connections": connection_count,
                         "server_peak_rss_mib": round(rss_kib(pid, "VmHWM") / 1024, 1)})
        log(f"{'newest 20 + ingest 1k/s':24} c={connection_count:<4} {measured['requests_per_second']:>10} req/s p99 {measured['p99_ms']:.2f} ms")
        results["scenarios"].append(measured)
    stop.set()
    feeder.join()
    # Over the whole run, and the worst measured cell of the server as shipped.
    results["server_peak_rss_mib"] = round(max(peaks_before_reset.get(pid, 0), rss_kib(pid, "VmHWM")) / 1024, 1)
    results["server_peak_rss_mib_cells"] = max(cell["server_peak_rss_mib"] for cell in results["scenarios"]
                                               if "uncached" not in cell["scenario"] and "hello" not in cell["scenario"])
    server.stop()
    hello.terminate()

    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M")
    with open(os.path.join(out_dir, f"{stamp}-{count}.json"), "w") as handle:
        json.dump(results, handle, indent=2)
    write_chart(results, os.path.join(out_dir, "chart.svg"))
    print(json.dumps(results, indent=2))


def write_chart(results, path):
    """Horizontal bars of requests/s at 64 connections (or the largest run), one per scenario."""
    rows = {}
    for item in results["scenarios"]:
        if item["connections"] == 64 or item["scenario"] not in rows:
            rows[item["scenario"]] = item
    bar_height, left, width = 26, 230, 520
    top = max(item["requests_per_second"] for item in rows.values()) or 1
    height = 60 + bar_height * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 160}" height="{height}" font-family="sans-serif" font-size="13">',
             f'<text x="10" y="22" font-size="15" font-weight="bold">upjobs, {results["count"]:,} jobs, 64 connections: requests/s (p99 ms)</text>']
    for index, (name, item) in enumerate(rows.items()):
        y = 40 + index * bar_height
        bar = width * item["requests_per_second"] / top
        color = "#9aa5b1" if "hello" in name else "#2f6fdb"
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{name}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{bar:.1f}" height="{bar_height - 8}" fill="{color}"/>')
        parts.append(f'<text x="{left + bar + 6:.1f}" y="{y + 17}">{item["requests_per_second"]:,.0f} ({item["p99_ms"]:.1f})</text>')
    parts.append("</svg>")
    with open(path, "w") as handle:
        handle.write("\n".join(parts))


if __name__ == "__main__":
    main()
