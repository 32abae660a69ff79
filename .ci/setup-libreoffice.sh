#!/usr/bin/env bash
# Installs what the printed-workbook test needs (tests/api/exports/test_workbooks_print.py):
# LibreOffice Calc (headless conversion to PDF), the Noto CJK fonts (Chinese in the PDF)
# and poppler-utils (pdftotext). Progress goes to stderr; stdout is only the line to
# evaluate, so CI does:
#   eval "$(bash .ci/setup-libreoffice.sh)"      # sets TUOYU_REQUIRE_LIBREOFFICE=1
# Needs root (or sudo) for apt-get.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
    || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  echo "setup-libreoffice: installing libreoffice-calc, fonts-noto-cjk, poppler-utils" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-calc fonts-noto-cjk poppler-utils >&2
fi
soffice --version >&2
echo "export TUOYU_REQUIRE_LIBREOFFICE=1"
