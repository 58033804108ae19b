#!/usr/bin/env bash
# Builds target/upjobs-<version>-linux-<arch>.tar.gz for air-gapped installs:
# the release binary, the systemd unit, the settings template, the README and
# SHA256SUMS. Run on a connected machine; copy the tarball over.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin upjobs
version=$(target/release/upjobs --version | awk '{print $2}')
arch=$(uname -m)
name="upjobs-${version}-linux-${arch}"
stage="target/${name}"
rm -rf "$stage"
mkdir -p "$stage"
install -m 0755 target/release/upjobs "$stage/upjobs"
install -m 0644 packaging/upjobs.service "$stage/upjobs.service"
install -m 0600 packaging/upjobs.env "$stage/upjobs.env"
install -m 0644 README.md "$stage/README.md"
cat > "$stage/INSTALL.txt" <<TXT
sha256sum -c SHA256SUMS
sudo install -m 0755 upjobs /usr/bin/upjobs
sudo useradd --system --home /var/lib/upjobs --shell /usr/sbin/nologin upjobs
sudo install -d -m 0750 -o upjobs -g upjobs /var/lib/upjobs /etc/upjobs
sudo install -m 0600 upjobs.env /etc/upjobs/upjobs.env   # set UPJOBS_ADMIN_TOKEN
sudo install -m 0644 upjobs.service /etc/systemd/system/upjobs.service
sudo systemctl daemon-reload && sudo systemctl enable --now upjobs
TXT
(cd "$stage" && sha256sum upjobs upjobs.service upjobs.env README.md INSTALL.txt > SHA256SUMS)
tar -C target -czf "target/${name}.tar.gz" "$name"
echo "target/${name}.tar.gz"
