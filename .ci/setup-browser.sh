#!/usr/bin/env bash
# Installs what the browser tests need beyond the [test] extra (which pins Playwright and
# Schemathesis): Debian's chromium (/usr/bin/chromium; no browser download).
# Progress goes to stderr; stdout is only the line to evaluate, so CI does:
#   eval "$(bash .ci/setup-browser.sh)"      # sets TUOYU_REQUIRE_BROWSER=1
# Needs root (or sudo) for apt-get; never runs `playwright install`.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
if [ ! -x /usr/bin/chromium ]; then
  echo "setup-browser: installing chromium from Debian" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium >&2
fi
/usr/bin/chromium --version >&2
echo "export TUOYU_REQUIRE_BROWSER=1"
