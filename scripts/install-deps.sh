#!/usr/bin/env bash
# Installs the Debian 12 packages this project builds and tests with.
# Idempotent: installs only what is missing; safe to run again.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ninja-build
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libsqlite3-dev sqlite3 libspdlog-dev libfmt-dev
  # The outbox sender's channels: SMTP and HTTP through libcurl.
  libcurl4-openssl-dev
  libgtest-dev libgmock-dev
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libabsl-dev tzdata
  clang libclang-rt-14-dev
  libsodium-dev openssl
  # Graphical faces (kiosk-gui, board): Qt 6.4 Quick, offline speech, QR codes,
  # Chinese glyphs.
  qt6-base-dev qt6-declarative-dev qt6-multimedia-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates
  qml6-module-qtqml-workerscript
  libespeak-ng-dev espeak-ng-data libqrencode-dev fonts-noto-cjk fonts-dejavu-core
  # The HTTP face (Boost.Beast, headers only; OpenSSL for HTTPS) and its
  # browser tests (Debian's Chromium, driven by playwright-core from npm).
  libboost1.81-dev libssl-dev chromium
  # Storage for chains: PostgreSQL 15 (libpq's C API; the server binaries,
  # under /usr/lib/postgresql/15/bin, run throwaway clusters in the tests).
  postgresql-15 libpq-dev
)

missing=()
# buf (proto lint) runs on Node.js; a machine may already have Node from elsewhere.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi
