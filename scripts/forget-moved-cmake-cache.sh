#!/usr/bin/env bash
# A checkout that was moved or copied keeps build/*/CMakeCache.txt, which
# names the old source directory; CMake then refuses to configure ("The
# current CMakeCache.txt directory ... is different"). This removes each
# build directory's cache and CMakeFiles/ when its source directory is not
# this checkout, so the next configure starts afresh (the build itself is
# redone: object files of another tree cannot be trusted). build.sh runs it.
#
#   bash scripts/forget-moved-cmake-cache.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

here="$(pwd -P)"
shopt -s nullglob
for cache in build/*/CMakeCache.txt; do
  dir="$(dirname "$cache")"
  source_dir="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")"
  if [ -n "$source_dir" ] && [ "$(cd "$source_dir" 2>/dev/null && pwd -P || echo "$source_dir")" != "$here" ]; then
    echo "build: ${dir} was configured for ${source_dir} (a moved or copied checkout); configuring it afresh"
    rm -rf "${dir}/CMakeCache.txt" "${dir}/CMakeFiles" "${dir}/build.ninja" "${dir}/.ninja_deps" "${dir}/.ninja_log" "${dir}/cmake_install.cmake"
  fi
done
