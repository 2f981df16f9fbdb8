#!/usr/bin/env bash
# THE main-job command: installs what the demo needs and is missing
# (setup.sh --demo: no test tools, no Chromium), builds the WebAssembly
# module (a moved or copied checkout is reconfigured, see
# forget-moved-cmake-cache.sh) and serves the demo page on
# http://127.0.0.1:${PORT:-8080}/ (the next free port if that one is busy).
# Ctrl-C stops it.
#
#   bash scripts/demo.sh            PORT=9000 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --demo
bash scripts/build.sh wasm
node scripts/gen-sample-outcomes.mjs
exec node scripts/serve.mjs --port "${PORT:-8080}"
