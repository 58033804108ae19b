#!/usr/bin/env bash
# Uncached speed of a few /jobs queries, for comparing two builds on one
# database: run it once per binary, alternating, with nothing else running.
#
#   bash bench/query_ab.sh BINARY DATABASE KEY [PORT]
#
# Starts BINARY's server on DATABASE with the response cache off (every
# request runs its SQL), then for each query prints requests/s and p99 at 1
# and 16 connections (wrk, 6 s each). KEY must be a key of DATABASE with
# limits high enough not to throttle (`upjobs keys --db DATABASE create
# --plan enterprise --name ab --rate-limit-per-min 100000000 --burst 100000000`).
set -euo pipefail
binary=$1 database=$2 key=$3 port=${4:-18302}
UPJOBS_RESPONSE_CACHE_ENTRIES=0 RUST_LOG=warn UPJOBS_ADMIN_TOKEN=query-ab \
    "$binary" serve --db "$database" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.1; done
for path in "/jobs?q=react%20developer&sort=relevance" "/jobs?q=react%20developer&include_total=true" \
    "/jobs?q=react" "/jobs?q=react%20developer"; do
    curl -s -o /dev/null -H "X-API-Key: $key" "http://127.0.0.1:$port$path"
    for connections in 1 16; do
        out=$(wrk -t1 -c"$connections" -d6s --latency -H "X-API-Key: $key" "http://127.0.0.1:$port$path" 2>&1)
        rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        failed=$(grep -c "Non-2xx" <<<"$out" || true)
        echo "$path c=$connections: $rate req/s, p99 $p99, non-2xx lines $failed"
    done
done
