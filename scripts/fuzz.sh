#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan + coverage,
# build dir build/fuzz) and runs each one for a while from a scratch copy of
# its seed corpus (fuzz/corpus/<target>/ is never written to).
#
#   bash scripts/fuzz.sh            # 30 s per target (the quick check)
#   bash scripts/fuzz.sh 600        # the documented long run: 10 min each
#   bash scripts/fuzz.sh 60 fuzz_engine fuzz_snapshot   # some targets only
#
# Prints, per target, the executions, the rate and the corpus growth, then
#   fuzz: N targets, M crashes
# and exits non-zero if any target crashed, hung or ran out of memory,
# printing each reproducer's path and how to replay it. Run directories
# (corpus copies, artifacts, logs) are under build/fuzz/runs/.
#
# Environment: JOBS (build parallelism, default 2), FUZZ_TIMEOUT (seconds
# one input may take before it counts as a hang, default 10), FUZZ_RSS_MB
# (memory limit, default 2048), ASAN_OPTIONS / UBSAN_OPTIONS (passed on).
# docs/reliability.md describes the targets and their invariants.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
BUILD="$ROOT/build/fuzz"
RUNS="$BUILD/runs"
JOBS="${JOBS:-2}"
ALL_TARGETS=(fuzz_config fuzz_condition fuzz_engine fuzz_snapshot fuzz_jsonlogic fuzz_regex fuzz_compiled fuzz_segments fuzz_csv)

SECONDS_PER_TARGET="${1:-30}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || [ "$SECONDS_PER_TARGET" -lt 1 ]; then
  echo "usage: bash scripts/fuzz.sh [seconds-per-target=30] [target...]" >&2
  exit 2
fi
shift $(( $# > 0 ? 1 : 0 ))
TARGETS=("$@")
[ "${#TARGETS[@]}" -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
  if [ ! -f "fuzz/$t.cc" ]; then
    echo "fuzz: unknown target $t (have: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

# ---------------------------------------------------------------------------
# Toolchain: clang and its libFuzzer/sanitizer runtimes (libclang-rt-N-dev),
# plus what scripts/setup.sh normally provides, installed like setup.sh does.
is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}
apt_install() {
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "fuzz: installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}
missing=()
command -v clang++ >/dev/null 2>&1 || missing+=(clang)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
is_installed nlohmann-json3-dev || missing+=(nlohmann-json3-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}" || { echo "fuzz: could not install ${missing[*]}" >&2; exit 1; }
fi
# The runtimes must match clang's major version (Debian 12: clang 14).
CLANG_MAJOR="$(clang++ -dumpversion | cut -d. -f1)"
probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
probe_libfuzzer() {
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
    > "$probe_dir/probe.cc"
  clang++ -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cc" -o "$probe_dir/probe" >/dev/null 2>&1
}
if ! probe_libfuzzer; then
  is_installed "libclang-rt-$CLANG_MAJOR-dev" || apt_install "libclang-rt-$CLANG_MAJOR-dev"
  if ! probe_libfuzzer; then
    echo "fuzz: clang++ $CLANG_MAJOR cannot link -fsanitize=fuzzer (is libclang-rt-$CLANG_MAJOR-dev installed?)" >&2
    exit 1
  fi
fi

# ---------------------------------------------------------------------------
# Configure and build. Once the main CMakeLists.txt adds fuzz/ (option
# LEADSEG_FUZZ), build through it; until then configure fuzz/ standalone.
if grep -Eq '^[^#]*add_subdirectory\([[:space:]]*fuzz[[:space:]]*\)' CMakeLists.txt; then
  SOURCE_DIR="$ROOT"
  CONFIGURE_ARGS=(-DLEADSEG_FUZZ=ON -DLEADSEG_BUILD_TESTS=OFF -DLEADSEG_BUILD_BENCH=OFF)
else
  SOURCE_DIR="$ROOT/fuzz"
  CONFIGURE_ARGS=()
fi
# A cache from the other mode or another compiler cannot be reused.
if [ -f "$BUILD/CMakeCache.txt" ]; then
  cached_home="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD/CMakeCache.txt")"
  cached_cxx="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")"
  if [ "$cached_home" != "$SOURCE_DIR" ] || [[ "$cached_cxx" != *clang* ]]; then
    echo "fuzz: reconfiguring $BUILD (was: ${cached_home:-?} with ${cached_cxx:-?})"
    rm -rf "$BUILD/CMakeCache.txt" "$BUILD/CMakeFiles"
  fi
fi
echo "fuzz: building ${TARGETS[*]} with $(clang++ --version | head -n1) in $BUILD"
mkdir -p "$BUILD"
if ! CC=clang CXX=clang++ cmake -S "$SOURCE_DIR" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
       "${CONFIGURE_ARGS[@]}" >"$BUILD/configure.log" 2>&1; then
  cat "$BUILD/configure.log" >&2
  echo "fuzz: cmake configure failed" >&2
  exit 1
fi
if ! cmake --build "$BUILD" --target "${TARGETS[@]}" -j "$JOBS"; then
  echo "fuzz: build failed" >&2
  exit 1
fi

# ---------------------------------------------------------------------------
# Run.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
# Faster ASan for allocation-heavy targets (fuzz_engine runs about twice as
# fast): no stack trace recorded per allocation (malloc_context_size=0) and
# a 64 MB instead of 256 MB quarantine of freed memory, which still catches
# a use after free within thousands of calls. Replay a crash with the
# default ASAN_OPTIONS to see allocation stacks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=64}"
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n1; }
crashes=0
ran=0
reproducers=()
mkdir -p "$RUNS"
for t in "${TARGETS[@]}"; do
  run="$RUNS/$t"
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  cp -r "fuzz/corpus/$t/." "$run/corpus/" 2>/dev/null || true
  seeds=$(find "$run/corpus" -type f | wc -l)
  args=(-max_total_time="$SECONDS_PER_TARGET" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}"
        -print_final_stats=1 -artifact_prefix="$run/artifacts/")
  [ -f "fuzz/dict/$t.dict" ] && args+=(-dict="$ROOT/fuzz/dict/$t.dict")
  echo
  echo "---- $t: ${SECONDS_PER_TARGET}s from $seeds seeds"
  (cd "$run" && "$BUILD/fuzzers/$t" "${args[@]}" corpus >"$run/log" 2>&1)
  rc=$?
  ran=$((ran + 1))
  execs=$(final_stat number_of_executed_units "$run/log")
  rate=$(final_stat average_exec_per_sec "$run/log")
  rss=$(final_stat peak_rss_mb "$run/log")
  grown=$(find "$run/corpus" -type f | wc -l)
  found=$(find "$run/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \))
  if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    crashes=$((crashes + 1))
    echo "$t: CRASH (exit $rc) after ${execs:-?} executions"
    # The report from its first line on (sanitizer reports start with
    # "==PID==ERROR", UBSan's with "file:line: runtime error", ours with
    # "==leadseg-fuzz=="), so that a CI log alone says what broke.
    awk '/==leadseg-fuzz==|ERROR: |runtime error|WARNING: .*Sanitizer/ {on = 1} on && shown < 24 {print; shown++}' \
      "$run/log" | sed 's/^/    | /'
    for f in $found; do
      echo "    reproducer: $f"
      echo "    replay:     $BUILD/fuzzers/$t $f"
      # Small reproducers are printed whole: CI machines are thrown away.
      if [ "$(wc -c < "$f")" -le 4096 ]; then
        echo "    reproducer bytes in base64 below (decode: sed 's/^ *base64 //' | base64 -d > input):"
        base64 -w 100 "$f" | sed 's/^/    base64 /'
      fi
      reproducers+=("$f")
    done
    [ -z "$found" ] && echo "    no reproducer was written (a report at exit, such as a leak); log: $run/log"
  else
    echo "$t: ${execs:-0} executions (${rate:-0}/s, peak RSS ${rss:-?} MB), corpus $seeds -> $grown inputs, 0 crashes"
  fi
done
echo
echo "fuzz: $ran targets, $crashes crashes"
if [ "$crashes" -gt 0 ]; then
  printf 'reproducer: %s\n' "${reproducers[@]}"
  exit 1
fi
