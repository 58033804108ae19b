#!/usr/bin/env bash
# CI's packaging checks: build the .deb and inspect it, verify the systemd
# unit, build the offline bundle and run the binary from it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
fi
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked --quiet
fi

deb=$(cargo deb --locked 2>/dev/null | tail -n 1)
echo "built $deb"
dpkg-deb --info "$deb"
contents=$(dpkg-deb --contents "$deb")
echo "$contents"
for path in ./usr/bin/upjobs ./lib/systemd/system/upjobs.service ./etc/upjobs/upjobs.env ./usr/share/doc/upjobs/README.md; do
    grep -q " ${path}\$" <<<"$contents" || { echo "missing from the package: $path"; exit 1; }
done

# systemd-analyze verify wants the binary the unit names to exist.
unit_dir=$(mktemp -d)
sed "s#/usr/bin/upjobs#$(pwd)/target/release/upjobs#" packaging/upjobs.service > "$unit_dir/upjobs.service"
# The upjobs user only exists once the package is installed; ignore that.
systemd-analyze verify "$unit_dir/upjobs.service" > "$unit_dir/raw.log" 2>&1 || true
grep -v -e "upjobs" -e "^$" "$unit_dir/raw.log" > "$unit_dir/verify.log" || true
cat "$unit_dir/raw.log"
if grep -qi "error\|invalid\|unknown" "$unit_dir/verify.log"; then
    echo "systemd-analyze found problems in the unit"
    exit 1
fi

bundle=$(bash packaging/offline-bundle.sh | tail -n 1)
work=$(mktemp -d)
tar -C "$work" -xzf "$bundle"
cd "$work"/upjobs-*
sha256sum -c SHA256SUMS
./upjobs --version
./upjobs serve --db "$work/t.db" --listen 127.0.0.1:0 > "$work/out.txt" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    address=$(grep -o 'http://[0-9.:]*' "$work/out.txt" | head -n 1 || true)
    [ -n "$address" ] && break
    sleep 0.1
done
curl -fsS "$address/livez"
echo
kill -TERM $pid
wait $pid
echo "packaging checks passed"
