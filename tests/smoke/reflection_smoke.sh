#!/usr/bin/env bash
# Starts the real queue-server on 127.0.0.1 (port 0) with a fresh database
# and checks, through server reflection with buf curl, that the services and
# the health service are described and answer.
# Usage: reflection_smoke.sh QUEUE_SERVER BUF
set -euo pipefail
SERVER=$1
BUF=$2
DIR=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
"$SERVER" --listen 127.0.0.1:0 --db "$DIR/q.db" --port-file "$DIR/port" --log-level warn &
PID=$!
for _ in $(seq 1 100); do [[ -s $DIR/port ]] && break; sleep 0.05; done
# Serving created the database; admin commands work while it runs.
TOKEN=$("$SERVER" device-issue --db "$DIR/q.db" --name smoke-kiosk --kind kiosk 2>/dev/null)
URL="http://127.0.0.1:$(cat "$DIR/port")"
CURL=("$BUF" curl --protocol grpc --http2-prior-knowledge --timeout 10s)

services=$("${CURL[@]}" --list-services "$URL")
echo "$services"
for s in shop.queue.v1.KioskService shop.queue.v1.CounterService shop.queue.v1.BoardService \
         grpc.health.v1.Health; do
  grep -qx "$s" <<<"$services" || { echo "reflection does not list $s"; exit 1; }
done
methods=$("${CURL[@]}" --list-methods "$URL")
grep -qx grpc.health.v1.Health/Check <<<"$methods" || { echo "no Health/Check method"; exit 1; }
health=$("${CURL[@]}" "$URL/grpc.health.v1.Health/Check" -d '{}')
grep -q SERVING <<<"$health" || { echo "$health"; exit 1; }
if "${CURL[@]}" "$URL/shop.queue.v1.KioskService/CreateTicket" \
     -d '{"branch_id":"demo","service_prefix":"R","request_id":"smoke-0"}' 2>"$DIR/err"; then
  echo "a create without a token was accepted"; exit 1
fi
grep -q unauthenticated "$DIR/err" || { cat "$DIR/err"; exit 1; }
AUTH=(-H "authorization: Bearer $TOKEN")
out=$("${CURL[@]}" "${AUTH[@]}" "$URL/shop.queue.v1.KioskService/CreateTicket" \
      -d '{"branch_id":"demo","service_prefix":"R","request_id":"smoke-1"}')
grep -q '"displayNumber": "R001"' <<<"$out" || { echo "$out"; exit 1; }
if "${CURL[@]}" "${AUTH[@]}" "$URL/shop.queue.v1.KioskService/CreateTicket" \
     -d '{"branch_id":"demo","service_prefix":"R"}' 2>"$DIR/err"; then
  echo "a create without request_id was accepted"; exit 1
fi
grep -q invalid_argument "$DIR/err" && grep -q request_id "$DIR/err"
echo "reflection smoke: ok"
