#!/bin/sh
# Copies the hall board's screenshots that the test suite made
# (board_model_test writes them to BUILD/screenshots) into docs/screenshots,
# where the README shows them. Run the tests first: ./scripts/test.sh (or
# ctest --test-dir build -R BoardModelTest).
# Usage: scripts/update-board-screenshots.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
src="${1:-build}/screenshots"
mkdir -p docs/screenshots
status=0
for name in board board-reconnecting board-appointments-faults; do
  if [ -f "$src/$name.png" ]; then
    cp "$src/$name.png" docs/screenshots/
  else
    echo "missing: $src/$name.png (run the board tests first)" >&2
    status=1
  fi
done
exit $status
