#!/usr/bin/env python3
"""CPU per request of `GET /health` against the bare-hyper hello world.

    python3 bench/health_cpu.py [--rounds 5] [--duration 8] [--connections 64] [--extra-keys 10000]
                                [--request-log]

Throughput on two shared cores is noisy; CPU time per request is steadier.
This starts the hello-world baseline and `upjobs serve` on a small database
(the data does not matter to /health), then alternates wrk runs against
both, `--rounds` times. For each run it reads the server's user and system
CPU time from /proc and wrk's own from its rusage, divides by the requests
answered, and prints the medians: requests/s, the ratio to hello, and the
microseconds of CPU each request cost the server and the load generator.
`--request-log` runs the server at its shipped log level (a line per
request, written to a file in the temporary directory) instead of warnings
only. `--extra-keys N` first creates N more keys through the admin API (the
in-memory key map's size), then waits until the server is idle.
Needs the release binaries (`cargo build --release --bin upjobs --example
hello`) and wrk.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (reuses its paths and helpers)



def measure(pid, url, key, connections, duration):
    user0, sys0 = bench.user_and_system_seconds(pid)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", bench.LUA, url]
    if key:
        command[1:1] = ["-H", f"X-API-KEY: {key}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    user1, sys1 = bench.user_and_system_seconds(pid)
    fields = dict(part.split("=") for part in output.split("RESULT ", 1)[1].split())
    requests = int(fields["requests"])
    micros = 1e6 / requests
    return {
        "requests_per_second": requests / (int(fields["duration_us"]) / 1e6),
        "server_user_us": (user1 - user0) * micros,
        "server_system_us": (sys1 - sys0) * micros,
        "wrk_us": (usage.ru_utime + usage.ru_stime) * micros,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--extra-keys", type=int, default=0)
    parser.add_argument("--request-log", action="store_true")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="upjobs-health-cpu-")
    db = os.path.join(workdir, "health.db")
    data = os.path.join(workdir, "jobs.ndjson")
    with open(data, "w") as out:
        subprocess.run([bench.BIN, "gen", "--count", "2000", "--seed", "1"], check=True, stdout=out,
                       stderr=subprocess.DEVNULL)
    subprocess.run([bench.BIN, "import", "--db", db, data], check=True, capture_output=True)
    key = bench.create_key(db, "enterprise", "health-cpu", ["--rate-limit-per-min", "1000000000", "--burst", "1000000000"])
    hello = subprocess.Popen([bench.HELLO, "127.0.0.1:18182"], stdout=subprocess.DEVNULL)
    server = bench.Server(db, 18183, log_path=os.path.join(workdir, "serve.log") if args.request_log else None)
    for index in range(args.extra_keys):
        bench.http("POST", server.url + "/admin/api/keys", json.dumps({"name": f"bulk-{index}", "plan": "starter"}).encode(),
                   {"Authorization": "Bearer " + bench.ADMIN_TOKEN, "Content-Type": "application/json"})
    bench.wait_idle(server.process.pid)
    runs = {"hello": [], "/health": []}
    try:
        for _ in range(args.rounds):
            runs["hello"].append(measure(hello.pid, "http://127.0.0.1:18182/", None, args.connections, args.duration))
            runs["/health"].append(measure(server.process.pid, server.url + "/health", key, args.connections,
                                           args.duration))
    finally:
        server.stop()
        hello.terminate()
        shutil.rmtree(workdir, ignore_errors=True)
    ratios = [health["requests_per_second"] / base["requests_per_second"]
              for base, health in zip(runs["hello"], runs["/health"])]
    summary = {name: {field: round(statistics.median(run[field] for run in measured), 2) for field in measured[0]}
               for name, measured in runs.items()}
    summary["ratio_median"] = round(statistics.median(ratios), 3)
    summary["ratios"] = [round(ratio, 3) for ratio in ratios]
    summary["extra_keys"] = args.extra_keys
    summary["request_log"] = args.request_log
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
