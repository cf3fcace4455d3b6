#!/usr/bin/env bash
# LibreOffice Calc without a GUI (Debian's libreoffice-calc-nogui), for the spreadsheet check of .ci/run. Idempotent.
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
