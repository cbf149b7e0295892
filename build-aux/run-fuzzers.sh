#!/bin/sh
# Builds the libFuzzer targets with clang, AddressSanitizer and UndefinedBehaviorSanitizer in a
# build directory of their own, and runs each one for a bounded time.
#
#   build-aux/run-fuzzers.sh [SECONDS-PER-TARGET] [TARGET...]
#
# SECONDS defaults to 60; TARGETs to all of them. The build sets -Dfuzzing=true: the core, the
# server and the photo library are compiled with -fsanitize=fuzzer-no-link, so each target sees
# the coverage of everything its parser calls. The seed corpus in tests/fuzz/corpus-TARGET (for
# photo also tests/photo/hostile) is copied, not modified; new inputs and crashes land in
# $PASSDESK_FUZZ_DIR (default: a fresh temporary directory), which is printed at the end. An
# input that runs longer than 10 s counts as a crash: a decoder that spins is a bug too.
set -eu

all_targets="cccd mrz declaration station-keys scan-router sane-frame station-replies officer-reply enroll-reply central-request central-queue central-headers chip-tlv chip-dg1 chip-dg2 chip-dg13 chip-sod chip-sm chip-pace photo"

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${PASSDESK_FUZZ_BUILDDIR:-$srcdir/build-fuzz}
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-$all_targets}
workdir=${PASSDESK_FUZZ_DIR:-$(mktemp -d -t passdesk-fuzz.XXXXXX)}

target_path() {
  case $1 in
    photo) echo tests/photo/fuzz-photo ;;
    *) echo "tests/fuzz/fuzz-$1" ;;
  esac
}

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$builddir" "$srcdir" \
    -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=all -Dfuzzing=true
else
  # A build directory made before the option existed instruments only the targets' own files;
  # --reconfigure also reads an option the directory has not met yet.
  meson setup --reconfigure "$builddir" "$srcdir" -Dfuzzing=true >/dev/null
fi
set --
for t in $targets; do
  set -- "$@" "$(target_path "$t")"
done
ninja -C "$builddir" "$@"

status=0
failures=
for t in $targets; do
  corpus="$workdir/corpus-$t"
  mkdir -p "$corpus" "$workdir/crashes-$t"
  cp "$srcdir/tests/fuzz/corpus-$t"/* "$corpus/"
  if [ "$t" = photo ]; then
    cp "$srcdir/tests/photo/hostile"/* "$corpus/"
  fi
  echo "== fuzz-$t for ${seconds}s"
  # max_len covers the longest QR text (4,296 characters) plus the mode byte; photos and
  # replies get more room.
  case $t in
    photo|station-replies|officer-reply|enroll-reply|central-request|central-queue|central-headers|chip-dg2|chip-sod) max_len=65536 ;;
    *) max_len=4400 ;;
  esac
  # The log is kept so that the summary below can say which target failed and why: a CI log
  # shows only its last lines, and those belong to the last target.
  target_status=0
  "$builddir/$(target_path "$t")" "$corpus" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$workdir/crashes-$t/" -print_final_stats=1 >"$workdir/fuzz-$t.log" 2>&1 || target_status=$?
  grep -E '^Done|stat::(number_of_executed_units|peak_rss_mb)|ERROR|SUMMARY' "$workdir/fuzz-$t.log" || true
  if [ "$target_status" -ne 0 ]; then
    status=$target_status
    failures="$failures $t"
  fi
done

echo "== fuzzers summary"
for t in $failures; do
  echo "fuzz-$t FAILED; its report:"
  grep -E 'ERROR|SUMMARY|deadly signal|out-of-memory|malloc\(|timeout|Test unit written|^    #[0-9]+ 0x' \
    "$workdir/fuzz-$t.log" | head -n 30
  for artifact in "$workdir/crashes-$t"/*; do
    [ -f "$artifact" ] || continue
    echo "input $artifact, base64:"
    head -c 4096 "$artifact" | base64
  done
done
[ -z "$failures" ] && echo "no crash in: $targets"
echo "Corpora and any crashes: $workdir"
exit $status
