#!/usr/bin/env bash
# Installs buf (proto lint, and a grpcurl-like `buf curl`) from the npm
# registry into .tools/ of this checkout. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
BUF_VERSION=1.75.0
BUF=.tools/node_modules/.bin/buf
if [[ -x $BUF ]] && [[ "$($BUF --version 2>/dev/null)" == "$BUF_VERSION" ]]; then
  echo "install-buf: buf $BUF_VERSION present"
  exit 0
fi
mkdir -p .tools
npm install --prefix .tools --no-audit --no-fund --loglevel=error "@bufbuild/buf@$BUF_VERSION"
"$BUF" --version
