#!/bin/bash
# Builds Passdesk and runs every test twice: a normal build, then an AddressSanitizer +
# UndefinedBehaviorSanitizer build. Tests run inside build-aux/session.sh (D-Bus session,
# unlocked gnome-keyring, Xvfb).
#
#   build-aux/test.sh            # both builds
#   PASSDESK_SKIP_ASAN=1 build-aux/test.sh
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

failed=0
summaries=()
logs=()

run_suite() {
  local name=$1 dir=$2
  shift 2
  echo "=== $name: configure and build ($dir)"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" || { failed=1; summaries+=("$name: build failed"); return; }
  fi
  ninja -C "$dir" || { failed=1; summaries+=("$name: build failed"); return; }
  echo "=== $name: tests"
  logs+=("$dir/meson-logs/testlog.json")
  build-aux/session.sh meson test -C "$dir" --print-errorlogs --num-processes 2 \
    --timeout-multiplier "${PASSDESK_TIMEOUT_MULTIPLIER:-1}" || failed=1
  summaries+=("$name: $(python3 "$top/build-aux/test-summary.py" "$dir/meson-logs/testlog.json")")
}

run_suite "build" build
if [ -z "${PASSDESK_SKIP_ASAN:-}" ]; then
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  # Instrumented code runs several times slower: give each test three times its time limit.
  PASSDESK_TIMEOUT_MULTIPLIER=3 run_suite "asan+ubsan" build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debug
fi

# Every libFuzzer target (run-fuzzers.sh lists them: twenty, photo included), for a bounded
# time: 15 s each keeps the whole fuzz step, build aside, near five minutes. The replay of each
# seed corpus already ran in both test runs above.
if [ -z "${PASSDESK_SKIP_FUZZ:-}" ] && command -v clang >/dev/null; then
  echo "=== fuzzers: ${PASSDESK_FUZZ_SECONDS:-15} s per target"
  if PASSDESK_FUZZ_BUILDDIR="$top/build-fuzz" build-aux/run-fuzzers.sh "${PASSDESK_FUZZ_SECONDS:-15}"; then
    summaries+=("fuzzers: no crash")
  else
    failed=1; summaries+=("fuzzers: FAILED (the fuzzers summary above names the target and its report)")
  fi
fi

echo
for s in "${summaries[@]}"; do echo "$s"; done
python3 "$top/build-aux/test-summary.py" --total "${logs[@]}" || failed=1
exit $failed
