#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (in build-fuzz/) and runs each for SECONDS
# (default 20). New interesting inputs land in build-fuzz/corpus/; crashes in
# build-fuzz/artifacts/. Run longer by hand: scripts/fuzz.sh 3600
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}
./scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSHOP_QUEUE_FUZZ=ON -DSHOP_QUEUE_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j2 --target config_fuzz request_fuzz
mkdir -p build-fuzz/artifacts
for t in config_fuzz request_fuzz; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "fuzz: $t for ${SECONDS_EACH}s"
  log="build-fuzz/$t.log"
  if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "build-fuzz/fuzz/$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
      -artifact_prefix=build-fuzz/artifacts/ "build-fuzz/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $t found a problem (input saved in build-fuzz/artifacts/, log $log)"
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^INFO: seed corpus" "$log" || true
done
echo "fuzz: ok"
