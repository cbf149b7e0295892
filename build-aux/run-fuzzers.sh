#!/bin/sh
# Builds the libFuzzer targets with clang, AddressSanitizer and UndefinedBehaviorSanitizer in a
# build directory of their own, and runs each one for a bounded time.
#
#   build-aux/run-fuzzers.sh [SECONDS-PER-TARGET] [TARGET...]
#
# SECONDS defaults to 60; TARGETs to cccd, mrz and declaration. The seed corpus in
# tests/fuzz/corpus-TARGET is copied, not modified; new inputs and crashes land in
# $PASSDESK_FUZZ_DIR (default: a fresh temporary directory), which is printed at the end.
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${PASSDESK_FUZZ_BUILDDIR:-$srcdir/build-fuzz}
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-cccd mrz declaration station-keys}
workdir=${PASSDESK_FUZZ_DIR:-$(mktemp -d -t passdesk-fuzz.XXXXXX)}

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$builddir" "$srcdir" \
    -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=all
fi
set --
for t in $targets; do
  set -- "$@" "tests/fuzz/fuzz-$t"
done
ninja -C "$builddir" "$@"

status=0
for t in $targets; do
  corpus="$workdir/corpus-$t"
  mkdir -p "$corpus" "$workdir/crashes-$t"
  cp "$srcdir/tests/fuzz/corpus-$t"/* "$corpus/"
  echo "== fuzz-$t for ${seconds}s"
  # max_len covers the longest QR text (4,296 characters) plus the mode byte.
  "$builddir/tests/fuzz/fuzz-$t" "$corpus" \
    -max_total_time="$seconds" -max_len=4400 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$workdir/crashes-$t/" -print_final_stats=1 || status=$?
done

echo "Corpora and any crashes: $workdir"
exit $status
