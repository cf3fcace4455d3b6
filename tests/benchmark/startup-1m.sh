#!/usr/bin/env bash
# Start-up, store and memory figures of one build, without the rest of run.sh (minutes, not forty of them):
# for each scale, the database built from seeds (the import's ready time and the size of its files: the database, and the image beside it
# where a build has one), then the median of
# three ready times with that database, resident memory idle (and its highest while starting), and its peak under an
# 8-connection mix of distinct uncached queries (distinct.lua, LOAD_SECONDS long), with that mix's requests/s · p50 · p99.
# Beside each ready time, the CPU seconds the process had used by then (the search indexes' build, begun at start-up,
# included): on a machine shared with other work, the steadier of the two.
# Usage: tests/benchmark/startup-1m.sh [SCALE...]    SCALE: national (~108,000 targets) or 1m (1,000,000); both by default.
#   DATA=folder keeps the generated seeds there between runs (they take a minute at 1m); PORT (5311) the port used;
#   APP=folder measures a build published there (another commit, for a before/after) instead of publishing this one;
#   WARM_SECONDS (15) of the mix before the LOAD_SECONDS measured (the peak memory is sampled through both).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benchmark/lib.sh   # root, bench, work, publish_api, generate_dataset, start_api, stop, rss_mb, peak_rss, median
scales=("$@"); [ ${#scales[@]} -gt 0 ] || scales=(national 1m)
DATA=${DATA:-$work/data}
PORT=${PORT:-5311}
LOAD_SECONDS=${LOAD_SECONDS:-30}
mkdir -p "$DATA"
# cpu_seconds PID: the user and system CPU time PID has used, in seconds.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
if [ -n "${APP:-}" ]; then ln -s "$APP" "$work/app"; else publish_api; fi

for scale in "${scales[@]}"; do
  case $scale in
    national) targets= ;;
    1m) targets=1000000 ;;
    *) echo "unknown scale: $scale" >&2; exit 2 ;;
  esac
  seeds=$DATA/$scale
  [ -f "$seeds/documents.json" ] || generate_dataset "$seeds" $targets
  db=$work/$scale.db
  rm -f "$db" "$db.image"
  start_api "$PORT" "$seeds" "$db"; stop "$api_pid"
  build=$ready_seconds
  ready=() cpu=()
  for _ in 1 2 3; do
    start_api "$PORT" "$seeds" "$db" ResponseCache__Enabled=false
    cpu+=("$(cpu_seconds "$api_pid")")
    stop "$api_pid"; ready+=("$ready_seconds")
  done
  start_api "$PORT" "$seeds" "$db" ResponseCache__Enabled=false
  sleep 20   # the search indexes are built after start-up, then the heap is compacted
  idle=$(rss_mb "$api_pid")
  started_peak=$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$api_pid/status")   # the highest resident memory since it started
  node "$bench/prepare.mjs" "http://127.0.0.1:$PORT" "$work/lists-$scale" --lists-only >/dev/null
  peak_rss "$api_pid" "$work/peak-$scale" & sampler=$!
  # Warmed first (and sampled through it), as run.sh does: a just-started process is still compiling its hot paths into
  # their last tier, and at a million targets pauses once for the warm-up's compaction.
  wrk -t2 -c8 -d"${WARM_SECONDS:-15}s" --timeout 10s -s "$bench/distinct.lua" "http://127.0.0.1:$PORT" -- "$work/lists-$scale/lists" >/dev/null
  mix=$(wrk -t2 -c8 -d"${LOAD_SECONDS}s" --timeout 10s --latency -s "$bench/distinct.lua" "http://127.0.0.1:$PORT" -- "$work/lists-$scale/lists")
  stop "$sampler"
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$mix")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$mix" | ms)
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$mix" | ms)
  errors=$(awk '/Non-2xx or 3xx/ { print $NF }' <<<"$mix")
  stop "$api_pid"
  printf '%s: ready building the database %.2f s; files (database and image) %s MB; ready with it %s s (median %.2f; CPU %s s, median %.2f); idle %s MB (peak while starting and warming %s MB); under 8 connections peak %s MB, %s req/s, p50 %s ms, p99 %s ms, %s errors\n' \
    "$scale" "$build" "$(stat -c %s "$db" "$db.image" 2>/dev/null | awk '{ s += $1 } END { printf "%d", s / 1048576 }')" "$(printf '%.2f ' "${ready[@]}")" "$(printf '%s\n' "${ready[@]}" | median)" \
    "$(printf '%s ' "${cpu[@]}")" "$(printf '%s\n' "${cpu[@]}" | median)" \
    "$idle" "$started_peak" "$(cat "$work/peak-$scale")" "$rps" "$p50" "$p99" "${errors:-0}"
done
