#!/usr/bin/env bash
# Installs what this project needs on a Debian 12 machine, then the npm
# dev dependencies. Idempotent and silent when there is nothing to do.
#
#   bash scripts/setup.sh           everything: build, test and benchmark tools
#   bash scripts/setup.sh --demo    only the Debian packages scripts/demo.sh
#                                   needs: CMake, Ninja, Emscripten,
#                                   nlohmann-json, and what builds
#                                   better-sqlite3 (the demo's report
#                                   collector); no test libraries, no Chromium.
#                                   npm packages as in the full setup: the demo
#                                   needs esbuild (the bundle), better-sqlite3
#                                   and Chart.js, pinned by the lockfile
#   bash scripts/setup.sh --list [--demo]   prints the Debian packages only
#
# apt: toolchains (g++, CMake, Ninja), GoogleTest, Google Benchmark,
#      nlohmann-json, Emscripten (wasm), Chromium (browser tests),
#      clang's sanitizer runtimes, python3 (node-gyp builds better-sqlite3
#      from source when no prebuilt binary can be downloaded).
# node/npm are installed from Debian only when `node` is missing altogether:
# a machine that already has a newer Node.js keeps it.
# npm: `npm ci` from the committed package-lock.json when node_modules is
#      missing or older than the lockfile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

MODE=full
LIST=0
for arg in "$@"; do
  case "$arg" in
    --demo) MODE=demo ;;
    --list) LIST=1 ;;
    *) echo "usage: $0 [--demo] [--list]" >&2; exit 2 ;;
  esac
done

DEMO_APT_PACKAGES=(
  build-essential
  cmake
  ninja-build
  nlohmann-json3-dev
  emscripten
  python3
)

APT_PACKAGES=(
  build-essential
  cmake
  ninja-build
  libgtest-dev
  libbenchmark-dev
  nlohmann-json3-dev
  emscripten
  chromium
  fonts-liberation
  libclang-rt-14-dev
  python3
)

if [ "$MODE" = demo ]; then APT_PACKAGES=("${DEMO_APT_PACKAGES[@]}"); fi
if [ "$LIST" = 1 ]; then
  printf '%s\n' "${APT_PACKAGES[@]}"
  exit 0
fi

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
elif ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "setup: Debian packages installed"
fi

# npm dev dependencies (playwright-core). node_modules/.package-lock.json is
# written by npm on every install, so it tells when node_modules was made.
if [ ! -f node_modules/.package-lock.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
