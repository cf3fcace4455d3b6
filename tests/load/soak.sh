#!/usr/bin/env bash
# Load and soak on loopback: 64 connections on a mix of real queries (mix.lua) for DURATION seconds
# (default 60) against a Release build of the API; reports requests, errors, latency percentiles and
# resident memory before and after. Installs wrk from Debian's packages when it is missing.
# Usage: tests/load/soak.sh [DURATION]     Exit status 1 when any request failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-${DURATION:-60}}
port=5098
work=$(mktemp -d)
api_pid=""
trap '[ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null; rm -rf "$work"' EXIT

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

dotnet publish src/OpenKpi.Api -c Release -o "$work/app" --nologo -v quiet >/dev/null
# From the publish folder, its content root, so that it reads the published appsettings.json.
(cd "$work/app" && Catalogue__SeedDirectory="$OLDPWD/seeds" Catalogue__DatabasePath="$work/openkpi.db" RateLimiting__PermitLimit=100000000 \
  exec dotnet OpenKpi.Api.dll --urls "http://127.0.0.1:$port" > "$work/api.log" 2>&1) &
api_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done

rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$api_pid/status"; }
wrk -t2 -c64 -d5s -s tests/load/mix.lua "http://127.0.0.1:$port" >/dev/null   # warm-up
before=$(rss)
wrk -t2 -c64 -d"${duration}s" --latency -s tests/load/mix.lua "http://127.0.0.1:$port" | tee "$work/wrk.txt"
after=$(rss)

requests=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses/ { print $NF }' "$work/wrk.txt"); non2xx=${non2xx:-0}
socket=$(awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }' "$work/wrk.txt"); socket=${socket:-0}
p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt"); p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
echo
echo "soak: ${duration} s, 64 connections, ${requests} requests (${rps}/s), errors: ${non2xx} non-2xx, ${socket} socket; p50 ${p50}, p99 ${p99}; RSS ${before} MB before, ${after} MB after"
[ "$non2xx" -eq 0 ] && [ "$socket" -eq 0 ]
