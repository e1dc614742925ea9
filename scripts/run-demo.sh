#!/usr/bin/env bash
# Installs what is missing, builds the server and clients, and runs the
# server on its embedded default: the SQLite file data/queue.db and the
# built-in demo branch, on 127.0.0.1:50051. Idempotent; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target queue-server kiosk counter
mkdir -p data
LISTEN=${LISTEN:-127.0.0.1:50051}
S=""
[[ $LISTEN == 127.0.0.1:50051 ]] || S=" --server $LISTEN"
cat <<MSG

queue-server is starting on $LISTEN with the demo branch "demo".
In another terminal, from this directory:
  build/kiosk/kiosk$S services                   # what the kiosk offers
  build/kiosk/kiosk$S take R --lang en           # take a ticket, print the slip
  build/counter/counter$S --counter 1 open       # a clerk opens counter 1
  build/counter/counter$S --counter 1 next       # ... and calls the next ticket
  build/counter/counter$S --counter 1 interactive  # the clerk's keyboard screen
  build/counter/counter$S board                  # the hall board, live
Stop the server with Ctrl-C.

MSG
exec build/server/queue-server --listen "$LISTEN" --db data/queue.db "$@"
