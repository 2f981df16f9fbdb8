#!/usr/bin/env bash
# THE test command. Runs every test suite of the project:
#   1. setup (Debian packages, npm ci) when something is missing
#   2. native Release build + GoogleTest via ctest
#   3. ASan/UBSan build + the same ctest suite under the sanitizers
#   4. libFuzzer: every target of fuzz/ for FUZZ_SECONDS (default 30) from
#      its committed seed corpus (clang, ASan + UBSan; scripts/fuzz.sh)
#   5. WebAssembly build (web/dist)
#   6. node --test: tests/wasm (the wasm module in node), tests/browser
#      (the package and the demo in headless Chromium) and tests/web
# Exits non-zero if any step fails. Logs go to build/test-logs/.
#
#   bash scripts/test.sh
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
LOGS="$ROOT/build/test-logs"
JOBS="${JOBS:-2}"
export JOBS

START=$(date +%s)
failed=()

section() {
  printf '\n==================== %s ====================\n' "$*"
}

# step NAME CMD... : runs CMD, tees its output to build/test-logs/NAME.log,
# records a failure instead of stopping so that later suites still run.
step() {
  local name="$1"; shift
  local t0=$(date +%s) rc
  "$@" 2>&1 | tee "$LOGS/$name.log"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    failed+=("$name")
    echo "---- $name FAILED (exit $rc, $(( $(date +%s) - t0 ))s)"
  else
    echo "---- $name ok ($(( $(date +%s) - t0 ))s)"
  fi
  return "$rc"
}

section "setup"
if ! bash scripts/setup.sh; then
  echo "setup failed" >&2
  exit 1
fi
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.tap
echo "g++:      $(g++ --version | head -n1)"
echo "cmake:    $(cmake --version | head -n1)"
echo "em++:     $(NODE_PATH=/usr/share/nodejs em++ --version 2>/dev/null | head -n1)"
echo "node:     $(node --version)"
echo "chromium: $(chromium --version 2>/dev/null | head -n1)"

section "native: build (preset native)"
if step native-build bash scripts/build.sh native; then
  section "native: GoogleTest (ctest --preset native)"
  step native-ctest ctest --preset native --output-on-failure -j "$JOBS"
fi

section "asan: build (preset native-asan, ASan + UBSan)"
if step asan-build bash scripts/build.sh asan; then
  section "asan: GoogleTest under ASan + UBSan (ctest --preset native-asan)"
  step asan-ctest ctest --preset native-asan --output-on-failure -j "$JOBS"
fi

section "fuzz: each libFuzzer target for ${FUZZ_SECONDS:-30} s (scripts/fuzz.sh)"
step fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"

section "wasm: build (preset wasm -> web/dist)"
if step wasm-build bash scripts/build.sh wasm; then
  ls -l web/dist/leadseg.js web/dist/leadseg.mjs web/dist/leadseg.wasm
  section "node --test tests/wasm/ tests/browser/ tests/web/"
  step node-test node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$LOGS/node-test.tap" \
    tests/wasm/ tests/browser/ tests/web/
fi

section "summary ($(( $(date +%s) - START ))s)"
for suite in native-ctest asan-ctest; do
  if [ -f "$LOGS/$suite.log" ]; then
    line=$(grep -E 'tests passed, [0-9]+ tests? failed out of' "$LOGS/$suite.log" | tail -n1)
    echo "$suite: ${line:-no ctest summary (see build/test-logs/$suite.log)}"
  fi
done
if [ -f "$LOGS/fuzz.log" ]; then
  echo "fuzz:"
  # A crash's report and reproducer too (scripts/fuzz.sh's detail lines;
  # not any indented line: the build's warnings quote source): CI shows
  # only the end of its output.
  grep -E '^fuzz_[a-z]+: |^fuzz: [0-9]+ targets|^    (\| |reproducer|replay: |base64 |no reproducer)' \
    "$LOGS/fuzz.log" | sed 's/^/  /'
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
fi
if [ -f "$LOGS/node-test.tap" ]; then
  echo "node --test (tests/wasm, tests/browser, tests/web):"
  grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$LOGS/node-test.tap" | tail -n 8
fi
[ "${#failed[@]}" -eq 0 ]
