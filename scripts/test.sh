#!/usr/bin/env bash
# Runs the whole test suite. First installs what the tests need when it is
# missing: Chromium (the admin page is tested in a real headless browser),
# Python's `standardwebhooks` (an independent check of webhook signatures)
# and the browser driver's npm package (playwright-core, from the lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing ${missing[*]} with apt-get"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! python3 -c "import standardwebhooks" 2>/dev/null; then
    python3 -m pip install -q standardwebhooks 2>/dev/null \
        || python3 -m pip install -q --break-system-packages standardwebhooks
fi
if [ ! -d tests/browser/node_modules ]; then
    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi

cargo test --locked "$@"
