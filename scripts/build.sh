#!/usr/bin/env bash
# Configure + build through the CMake presets (idempotent: a second run only
# rebuilds what changed).
#
#   bash scripts/build.sh [native|debug|asan|wasm|all]     (default: all)
#
#   native -> build/native        (Release; CLI at build/native/leadseg)
#   debug  -> build/native-debug  (Debug)
#   asan   -> build/asan          (RelWithDebInfo + ASan/UBSan)
#   wasm   -> build/wasm          (Emscripten, -Oz) writing web/dist/leadseg.{js,mjs,wasm}
#                                 (full module), web/dist/leadseg-runtime.{js,mjs,wasm}
#                                 and the browser bundle web/dist/leadseg.browser*.js
#   all    =  native asan wasm
#
# Does not install anything: run scripts/setup.sh first (test.sh and demo.sh do).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

JOBS="${JOBS:-2}"

# A moved or copied checkout: drop build caches that name another source tree.
bash scripts/forget-moved-cmake-cache.sh

build_preset() {
  local preset="$1"
  echo "build: cmake --preset ${preset}"
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -j "${JOBS}"
}

build_wasm() {
  if ! command -v em++ >/dev/null 2>&1; then
    echo "build: em++ not found (Emscripten); run: bash scripts/setup.sh" >&2
    return 1
  fi
  # Debian's Emscripten runs its JS optimiser with the machine's node, which
  # must find Debian's acorn in /usr/share/nodejs.
  export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:${NODE_PATH}}"
  # Debian ships Emscripten's system libraries prebuilt in
  # /usr/share/emscripten/cache; linking only reads them (checked as an
  # unprivileged user), so EM_CACHE is left alone unless the caller sets it.
  build_preset wasm
  local f
  for f in web/dist/leadseg.js web/dist/leadseg.wasm web/dist/leadseg.mjs \
           web/dist/leadseg-runtime.js web/dist/leadseg-runtime.wasm web/dist/leadseg-runtime.mjs \
           web/dist/leadseg-learn.js web/dist/leadseg-learn.wasm web/dist/leadseg-learn.mjs \
           web/dist/leadseg-batch.js web/dist/leadseg-batch.wasm web/dist/leadseg-batch.mjs; do
    [ -f "$f" ] || { echo "build: expected $f after the wasm build" >&2; return 1; }
  done
  # The page's one file, web/dist/leadseg.browser.js, and its lazy chunks
  # (esbuild, from node_modules: scripts/setup.sh installs it).
  node scripts/bundle-web.mjs
}

targets=("${@:-all}")
for target in "${targets[@]}"; do
  case "$target" in
    native) build_preset native ;;
    debug|native-debug) build_preset native-debug ;;
    asan|native-asan) build_preset native-asan ;;
    wasm) build_wasm ;;
    all) build_preset native; build_preset native-asan; build_wasm ;;
    *) echo "usage: $0 [native|debug|asan|wasm|all]" >&2; exit 2 ;;
  esac
done
