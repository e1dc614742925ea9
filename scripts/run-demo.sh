#!/usr/bin/env bash
# Installs what is missing, builds the server and clients, and runs the
# server on its embedded default: the SQLite file data/queue.db and the
# built-in demo branch, on 127.0.0.1:50051, with demo staff, the demo
# register and a kiosk token added while it runs. Idempotent; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
# --gui (first argument): also build and start the touch kiosk (kiosk-gui),
# the hall board (board) and the clerk's desktop counter (counter-gui, counter
# 1) in windows on this desktop. Other arguments go to queue-server.
GUI=0
if [[ ${1:-} == --gui ]]; then GUI=1; shift; fi
TARGETS=(queue-server kiosk counter counter-gui booking)
((GUI)) && TARGETS+=(kiosk-gui board)
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target "${TARGETS[@]}"
mkdir -p data
DB=data/queue.db
Q=build/server/queue-server
LISTEN=${LISTEN:-127.0.0.1:50051}
# The web pages (booking, live ticket, web board). 0.0.0.0:8080 lets a phone
# on the same network open them.
HTTP_LISTEN=${HTTP_LISTEN:-127.0.0.1:8080}
PORT_FILE=data/.run-demo-port
# Serving creates (and migrates) the database, so the server starts first;
# the admin commands below fill it while it runs. A server that cannot start
# says why, and this script stops with it.
rm -f "$PORT_FILE"
"$Q" --listen "$LISTEN" --http "$HTTP_LISTEN" --db "$DB" --port-file "$PORT_FILE" "$@" &
SERVER=$!
# Ctrl-C (or a failing step below) stops the server gracefully with SIGTERM.
FACES=()
trap 'kill -TERM "${FACES[@]}" "$SERVER" 2>/dev/null || true' INT TERM EXIT
until [[ -s $PORT_FILE ]]; do
  if ! kill -0 "$SERVER" 2>/dev/null; then
    status=0
    wait "$SERVER" || status=$?
    exit "$status"
  fi
  sleep 0.1
done
rm -f "$PORT_FILE"
# Demo accounts (first run only; staff-add refuses an existing login).
add_staff() { printf '%s\n' "$4" | "$Q" staff-add --db "$DB" --login "$1" --role "$2" --name "$3" >/dev/null 2>&1 || true; }
add_staff clerk1 clerk "Demo Clerk" clerk1-demo
add_staff super1 supervisor "Demo Supervisor" super1-demo
add_staff admin1 admin "Demo Admin" admin1-demo
# The demo operator register (subscribers of MegaFon, Beeline and Tele2) and
# blank SIM cards in stock; loading it again changes nothing.
"$Q" register-load server/config/demo_register.json --db "$DB" >/dev/null
# A kiosk token for the demo kiosk, kept where `kiosk` looks by default.
# issue_token FILE NAME KIND: a device token for a new database into FILE; when
# the database already has NAME but FILE is missing (another user, a wiped
# home), a second device NAME-<time> instead.
issue_token() {
  local token
  if ! token=$("$Q" device-issue --db "$DB" --name "$2" --kind "$3" 2>/dev/null); then
    [[ -s $1 ]] && return 0
    token=$("$Q" device-issue --db "$DB" --name "$2-$(date +%s)" --kind "$3" 2>/dev/null) || return 0
  fi
  mkdir -p "$(dirname "$1")"
  (umask 077; echo "$token" > "$1")
}
KIOSK_TOKEN_FILE=${SHOP_QUEUE_KIOSK_TOKEN_FILE:-$HOME/.config/shop-queue/kiosk-token}
issue_token "$KIOSK_TOKEN_FILE" demo-kiosk kiosk
S=""
[[ $LISTEN == 127.0.0.1:50051 ]] || S=" --server $LISTEN"
BOARD_TOKEN_FILE=$HOME/.config/shop-queue/board-token
issue_token "$BOARD_TOKEN_FILE" demo-board board
WEB="http://$HTTP_LISTEN"
[[ $HTTP_LISTEN == 0.0.0.0:* ]] && WEB="http://$(hostname):${HTTP_LISTEN##*:}"
if ((GUI)); then
  if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    echo "run-demo: --gui needs a desktop (no DISPLAY or WAYLAND_DISPLAY); kiosk-gui, board and counter-gui not started" >&2
  else
    build/kiosk/gui/kiosk-gui --windowed --server "$LISTEN" --printer file:data/last-slip.bin &
    FACES+=($!)
    build/board/board --windowed --server "$LISTEN" --token-file "$BOARD_TOKEN_FILE" &
    FACES+=($!)
    build/counter/gui/counter-gui --server "$LISTEN" --counter 1 --user clerk1 &
    FACES+=($!)
    echo "run-demo: kiosk-gui (slips go to data/last-slip.bin), board and counter-gui (log in as clerk1) started in windows"
  fi
fi
cat <<MSG

queue-server is running on $LISTEN with the demo branch "demo".
Web pages (open them in a browser; HTTP_LISTEN=0.0.0.0:8080 for a phone):
  $WEB/book                  # book, move or cancel an appointment
  $WEB/board/demo?token=$(cat "$BOARD_TOKEN_FILE" 2>/dev/null)
                             # the hall board for a TV browser (opened once, the token is kept)
  the "Live:" link on a slip # follows that ticket live (the QR code of a printed slip)
Demo staff (password in brackets): clerk1 (clerk1-demo), super1 (super1-demo),
admin1 (admin1-demo). The demo kiosk's token is in $KIOSK_TOKEN_FILE.
In another terminal, from this directory:
  build/kiosk/kiosk$S services                   # what the kiosk offers
  build/kiosk/kiosk$S take R --lang en           # take a ticket, print the slip
  build/counter/counter$S login --user clerk1    # the clerk logs in (clerk1-demo)
  build/counter/counter$S --counter 1 open       # ... opens counter 1
  build/counter/counter$S --counter 1 next       # ... and calls the next ticket
  build/counter/counter$S --counter 1 interactive  # the clerk's keyboard screen
  build/counter/counter$S board                  # the hall board, live
  build/counter/gui/counter-gui$S --counter 1    # the clerk's desktop app (needs a desktop)
A SIM replacement (ticket R): start serving it and a case opens; walk it with
counter-gui's guided form, the 'k' key in the interactive screen, or step by step with
  build/counter/counter$S --counter 1 case show --ticket N
Demo subscribers, their documents and answers: server/config/demo_register.json.
Appointments (what the web site does, no login):
  build/booking/booking$S slots --service R --free
  build/booking/booking$S book --service R --at "YYYY-MM-DD HH:MM" --name "Anna P" --phone "+7 916 000-11-22"
  build/kiosk/kiosk$S checkin CODE                # at the shop, from 30 min before
Stop the server with Ctrl-C.

MSG
# Until Ctrl-C: a signal ends the first wait early, the second waits for the
# graceful stop.
status=0
wait "$SERVER" || status=$?
if kill -0 "$SERVER" 2>/dev/null; then
  status=0
  wait "$SERVER" || status=$?
fi
exit "$status"
