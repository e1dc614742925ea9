#!/usr/bin/env bash
# The test command (the README's, and what .ci/run runs): installs what is
# missing, builds everything, runs every test (buf lint of the proto and the
# web pages in headless Chromium included), runs the benchmark once as a
# smoke test, and fuzzes briefly.
# Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/install-buf.sh
./scripts/install-playwright.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOP_QUEUE_BUILD_TESTS=ON
cmake --build build -j2
(cd build && ctest --output-on-failure -j2 --timeout 900)
# The benchmark once, short, as a smoke test (figures are printed, never judged).
build/bench/queue-bench --duration 1 --warmup 0.2 --watchers 100 --prefill 2000 --sse-clients 50
# Fuzz request validation and the config loader briefly with ASan + UBSan.
./scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
