#!/bin/sh
# Copies the screenshots the test suite made (kiosk_gui_test writes them to
# BUILD/screenshots) into docs/screenshots, where the README shows them.
# Run the tests first: ./scripts/test.sh (or ctest -R kiosk_gui in build/).
# Usage: scripts/update-screenshots.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
src="$build/screenshots"
if [ ! -d "$src" ]; then
  echo "no $src: run the tests first (ctest --test-dir $build -R kiosk_gui)" >&2
  exit 1
fi
mkdir -p docs/screenshots
copied=0
for name in start-ru services-en services-zh services-closed-en priority-en checkin-en \
            result-ru result-zh result-printer-out-ru out-of-service slip-zh; do
  file="$src/kiosk-$name.png"
  if [ -f "$file" ]; then
    cp "$file" docs/screenshots/
    copied=$((copied + 1))
  else
    echo "missing: $file" >&2
  fi
done
echo "copied $copied screenshots into docs/screenshots"
