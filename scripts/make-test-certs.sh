#!/usr/bin/env bash
# Makes a throw-away CA, a server certificate for localhost/127.0.0.1 and a
# client certificate, for trying TLS (and for the TLS tests). Not for
# production: keys are unencrypted and the CA is self-signed.
# Usage: scripts/make-test-certs.sh DIR
set -euo pipefail
DIR=${1:?usage: make-test-certs.sh DIR}
mkdir -p "$DIR"
cd "$DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=Shop Queue Test CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 \
  -extfile server.ext -out server.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=kiosk-1" \
  -keyout client.key -out client.csr 2>/dev/null
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 \
  -out client.crt 2>/dev/null
rm -f server.csr client.csr server.ext ca.srl
echo "made ca.crt, server.crt/key, client.crt/key in $DIR"
