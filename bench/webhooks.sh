#!/usr/bin/env bash
# Webhook benchmark (issue 5): 1,000 subscriptions, 10,000 new jobs, on a
# release build. Runs the narrow ("niche") subscription mix, then the broad
# one; see examples/webhooks_bench.rs for what is measured and how.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example webhooks_bench
echo "== niche subscriptions (category + skill + country)"
./target/release/examples/webhooks_bench --niche 1 "$@"
echo "== broad subscriptions (a category, a skill or a country, often narrowed)"
./target/release/examples/webhooks_bench "$@"
