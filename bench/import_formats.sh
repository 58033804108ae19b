#!/usr/bin/env bash
# `upjobs import` of the same jobs as NDJSON and as one JSON array: wall
# time and peak RSS of each, twice, into a fresh database each time.
#
#   bash bench/import_formats.sh [COUNT] [BINARY]     # defaults: 100000, target/release/upjobs
#
# Needs a release build and GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
binary=${2:-target/release/upjobs}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$binary" gen --count "$count" --seed 7 --days 30 > "$work/jobs.ndjson" 2>/dev/null
python3 - "$work/jobs.ndjson" "$work/jobs.json" <<'PY'
import sys
with open(sys.argv[1]) as lines, open(sys.argv[2], "w") as array:
    array.write("[\n" + ",\n".join(line.strip() for line in lines if line.strip()) + "\n]\n")
PY
for run in 1 2; do
    for file in jobs.ndjson jobs.json; do
        rm -f "$work"/db*
        /usr/bin/time -f "run $run $file: %e s, peak RSS %M KiB" "$binary" import --db "$work/db" "$work/$file" 2>&1 >/dev/null | tail -1
    done
done
