#!/usr/bin/env bash
# Installs playwright-core (the pinned version in tests/web/package-lock.json)
# into tests/web/node_modules for the web pages' browser tests. No browser is
# downloaded: the tests drive Debian's Chromium (/usr/bin/chromium, from
# scripts/install-deps.sh). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WANT=$(node -p "require('./tests/web/package-lock.json').packages['node_modules/playwright-core'].version")
HAVE=$(node -p "try { require('./tests/web/node_modules/playwright-core/package.json').version } catch { '' }")
if [[ $HAVE == "$WANT" ]]; then
  echo "install-playwright: playwright-core $WANT present"
  exit 0
fi
npm ci --prefix tests/web --no-audit --no-fund --loglevel=error
echo "install-playwright: playwright-core $WANT installed in tests/web/node_modules"
[[ -x /usr/bin/chromium ]] || echo "install-playwright: note: /usr/bin/chromium is missing (scripts/install-deps.sh installs it)" >&2
