#!/usr/bin/env bash
# The leadseg benchmark (issue 8): native, wasm in node, wasm in headless
# Chromium, and the JavaScript peers on the shared workload; track()
# latency; cold start; shipped bytes; a 1,000,000-row CSV.
#
#   bash bench/run.sh [--json out.json] [--quick] [--csv-rows N]
#                     [--skip-browser] [--skip-native] [--build-wasm]
#                     [--page-only]   (bytes and cold starts of the page path only)
#
# Builds what it needs first: the native Release benchmark in build/bench
# (Google Benchmark), web/dist (bash scripts/build.sh wasm) when it is
# missing or with --build-wasm, and the npm dev dependencies when they are
# missing. Results and targets are printed (PASS/MISS, never asserted);
# docs/performance.md explains them. Takes ~5-10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_wasm=0
native=1
args=()
for arg in "$@"; do
  case "$arg" in
    --build-wasm) build_wasm=1 ;;
    --skip-native|--page-only) native=0; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

if [ "$native" = 1 ]; then
  echo "bench: building the native benchmark (build/bench, Release)"
  cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEADSEG_BUILD_TESTS=OFF >/dev/null
  cmake --build build/bench --target leadseg_bench -j "${JOBS:-2}" | tail -n 1
  [ -x build/bench/leadseg_bench ] || {
    echo "bench: build/bench/leadseg_bench was not built (is Google Benchmark installed? bash scripts/setup.sh)" >&2
    exit 1
  }
fi

if [ "$build_wasm" = 1 ] || [ ! -f web/dist/leadseg.wasm ] || [ ! -f web/dist/leadseg.mjs ] || [ ! -f web/dist/leadseg.js ] || [ ! -f web/dist/leadseg.browser.js ]; then
  echo "bench: building web/dist (bash scripts/build.sh wasm)"
  bash scripts/build.sh wasm
fi

for pkg in @growthbook/growthbook mingo sift json-logic-js papaparse playwright-core; do
  if [ ! -d "node_modules/$pkg" ]; then
    echo "bench: node_modules/$pkg is missing: npm ci"
    npm ci --no-audit --no-fund
    break
  fi
done

exec node bench/run.mjs ${args[@]+"${args[@]}"}
