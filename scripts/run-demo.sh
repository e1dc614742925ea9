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
cat <<'MSG'

queue-server is starting on 127.0.0.1:50051 with the demo branch "demo".
In another terminal, from this directory:
  build/kiosk/kiosk services                   # what the kiosk offers
  build/kiosk/kiosk take R --lang en           # take a ticket, print the slip
  build/counter/counter --counter 1 open       # a clerk opens counter 1
  build/counter/counter --counter 1 next       # ... and calls the next ticket
  build/counter/counter --counter 1 interactive  # the clerk's keyboard screen
  build/counter/counter board                  # the hall board, live
Stop the server with Ctrl-C.

MSG
exec build/server/queue-server --listen "${LISTEN:-127.0.0.1:50051}" --db data/queue.db "$@"
