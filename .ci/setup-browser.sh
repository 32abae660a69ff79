#!/usr/bin/env bash
# Installs what the browser tests need beyond the [test] extra (which pins Playwright and
# Schemathesis): Debian's Chromium headless shell (/usr/lib/chromium/chromium-headless-shell,
# package chromium-headless-shell; no browser download). The headless shell is the same
# Blink as the full browser without its window and profile machinery: the browser tests
# took 146 machine CPU-s with /usr/bin/chromium and 103 with it (docs/benchmarks/tests.md).
# Where only the full chromium package is there (or installable), the tests use it.
# Progress goes to stderr; stdout is only the line to evaluate, so CI does:
#   eval "$(bash .ci/setup-browser.sh)"      # sets TUOYU_REQUIRE_BROWSER=1
# Needs root (or sudo) for apt-get; never runs `playwright install`.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
SHELL_BIN=/usr/lib/chromium/chromium-headless-shell
if [ ! -x "$SHELL_BIN" ]; then
  echo "setup-browser: installing chromium-headless-shell from Debian" >&2
  $SUDO apt-get update -qq >&2
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      chromium-headless-shell >&2; then
    if [ ! -x /usr/bin/chromium ]; then
      echo "setup-browser: no headless shell; installing chromium instead" >&2
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        chromium >&2
    fi
  fi
fi
if [ -x "$SHELL_BIN" ]; then "$SHELL_BIN" --version >&2; else /usr/bin/chromium --version >&2; fi
echo "export TUOYU_REQUIRE_BROWSER=1"
