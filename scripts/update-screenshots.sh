#!/bin/sh
# Copies the screenshots the test suite made (kiosk_gui_test, board_model_test,
# the counter-gui tests and the web pages' browser tests write them to
# BUILD/screenshots) into
# docs/screenshots, where the README shows them.
# Run the tests first: ./scripts/test.sh (or ctest in build/).
# Usage: scripts/update-screenshots.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
src="$build/screenshots"
if [ ! -d "$src" ]; then
  echo "no $src: run the tests first (ctest --test-dir $build)" >&2
  exit 1
fi
mkdir -p docs/screenshots
copied=0
missing=0
for name in kiosk-start-ru kiosk-services-en kiosk-services-zh kiosk-services-closed-en \
            kiosk-priority-en kiosk-checkin-en kiosk-result-ru kiosk-result-zh \
            kiosk-result-printer-out-ru kiosk-out-of-service kiosk-slip-zh \
            kiosk-phone-ru kiosk-services-sms-zh kiosk-result-sms-ru \
            board board-reconnecting board-appointments-faults \
            counter-main counter-queue counter-offline counter-case-in-window \
            counter-case-form-errors counter-case-identity counter-case-locked \
            counter-case-payment counter-case-card counter-case-block counter-case-close \
            counter-case-summary \
            web-book web-book-confirmation web-my-booking web-book-errors web-book-slot-full \
            web-ticket-waiting web-ticket-called web-board web-board-phone \
            web-apply web-apply-errors web-apply-done web-apply-status web-apply-activate \
            web-apply-activated \
            report report-hours \
            counter-review-queue counter-review-application counter-review-dispatched \
            counter-review-four-eyes counter-review-cancel counter-pickup counter-pickup-done; do
  file="$src/$name.png"
  if [ -f "$file" ]; then
    cp "$file" docs/screenshots/
    copied=$((copied + 1))
  else
    echo "missing: $file" >&2
    missing=$((missing + 1))
  fi
done
echo "copied $copied screenshots into docs/screenshots"
[ "$missing" -eq 0 ]
