#!/usr/bin/env bash
# Installs what the headless-browser checks need beyond npm: Debian's chromium (never a browser build of its
# own download) and a font with Vietnamese letters for the screenshots. Skips apt when chromium is already there.
# Run by .ci/run as root; elsewhere it uses sudo when it has to.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null || echo present)"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core > /dev/null
echo "chromium: $(chromium --version)"
