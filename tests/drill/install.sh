#!/usr/bin/env bash
# Installs what the drill needs beyond the .NET SDK and Node: Debian's nginx (the caching proxy of deploy/nginx/) and curl.
# Skips apt when both are there. Run as root; elsewhere it uses sudo when it has to.
set -euo pipefail
PATH=$PATH:/usr/sbin

missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -eq 0 ]; then
  echo "$(nginx -v 2>&1)"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
echo "$(nginx -v 2>&1)"
