#!/usr/bin/env bash
# OpenKpi's HTTP benchmark, in one run on this machine, on loopback only:
#   - OpenKpi (Release, ReadyToRun), repeated queries (its response cache) and uncached (cache off);
#   - nginx serving OpenKpi's identical response bytes as static files: the limit for serving bytes here;
#   - json-server 0.17.4 serving the same rows (OpenKpi's own download) with its equivalent query parameters.
# For each scale (the committed seeds, and the national dataset of 34 provinces x every indicator x 10 years),
# a mix of six real queries, each REPEATS times for DURATION s at 64 connections; medians of requests/s,
# p50 and p99; a mix of distinct uncached queries; start-up and resident memory; then the same start-up and
# memory figures at 1,000,000 targets. Writes tests/benchmark/results.md and the README's benchmark section.
# Installs what it needs: wrk and nginx (Debian), json-server (npm ci from package-lock.json).
# Usage: tests/benchmark/run.sh [--quick]      (--quick: shorter runs, no 1M scale; for trying it out)
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benchmark/lib.sh   # root, bench, work, pids, start_api, stop, rss_mb, peak_rss, median, ms, ...
quick=0; [ "${1:-}" = "--quick" ] && quick=1
DURATION=${DURATION:-$([ $quick = 1 ] && echo 3 || echo 5)}
REPEATS=${REPEATS:-3}
WARMUP=${WARMUP:-$([ $quick = 1 ] && echo 15 || echo 45)}
BIG=${BIG:-$([ $quick = 1 ] && echo 0 || echo 1000000)}
JSON_SERVER_DURATION=${JSON_SERVER_DURATION:-$([ $quick = 1 ] && echo 5 || echo 20)}
CONNECTIONS=64

# --- what it needs -------------------------------------------------------------------------------------
need_tools wrk nginx
npm ci --prefix "$bench" --no-audit --no-fund --silent
publish_api

results=$bench/results.tsv    # scale, query, server, requests/s, p50 ms, p99 ms, errors
startup=$bench/startup.tsv    # scale, targets, measure, value
printf 'scale\tquery\tserver\trps\tp50\tp99\terrors\n' > "$results"
printf 'scale\ttargets\tmeasure\tvalue\n' > "$startup"

# --- helpers -------------------------------------------------------------------------------------------
# wrk_once URL [LUA SCRIPT [SCRIPT ARGUMENT]]: "requests/s p50-ms p99-ms errors"
wrk_once() {
  local url=$1 script=${2:-} argument=${3:-}
  local command=(wrk -t2 -c$CONNECTIONS -d"${duration:-$DURATION}s" --timeout "${timeout:-10}s" --latency)
  [ -n "$script" ] && command+=(-s "$script")
  command+=("$url")
  [ -n "$argument" ] && command+=(-- "$argument")
  local out; out=$("${command[@]}")
  local rps p50 p99 non2xx sock requests
  # Requests/s counts successful answers only: a server's fast errors do not count as throughput.
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out" | ms)
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out" | ms)
  non2xx=$(awk '/Non-2xx or 3xx/ { print $NF }' <<<"$out"); non2xx=${non2xx:-0}
  sock=$(awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }' <<<"$out"); sock=${sock:-0}
  local errors=$((non2xx + sock))
  [ "${requests:-0}" -gt 0 ] && rps=$(awk -v r="$rps" -v n="$requests" -v e="$non2xx" 'BEGIN { printf "%.2f", r * (n - e) / n }')
  echo "$rps $p50 $p99 $errors"
}
# measure SCALE QUERY SERVER URL [LUA SCRIPT [SCRIPT ARGUMENT]]: REPEATS runs, medians into results.tsv
measure() {
  local scale=$1 query=$2 server=$3 url=$4; shift 4
  local runs=()
  # json-server takes seconds per request at national scale: a longer run and timeout, so that its figure
  # counts answers rather than the 64 requests queued when the run started.
  local duration=$DURATION timeout=10
  [ "$server" = json-server ] && duration=$((DURATION > JSON_SERVER_DURATION ? DURATION : JSON_SERVER_DURATION)) timeout=120
  for _ in $(seq 1 "$REPEATS"); do
    runs+=("$(duration=$duration timeout=$timeout wrk_once "$url" "$@")")
    # json-server answers one request at a time: let it finish what wrk left queued before the next run.
    [ "$server" = json-server ] && curl -s -m 600 -o /dev/null "${url%%/Targets*}/Provinces"
  done
  local rps p50 p99 errors
  rps=$(printf '%s\n' "${runs[@]}" | awk '{ print $1 }' | median)
  p50=$(printf '%s\n' "${runs[@]}" | awk '{ print $2 }' | median)
  p99=$(printf '%s\n' "${runs[@]}" | awk '{ print $3 }' | median)
  errors=$(printf '%s\n' "${runs[@]}" | awk '{ n += $4 } END { print n }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scale" "$query" "$server" "$rps" "$p50" "$p99" "$errors" | tee -a "$results"
}
# warm SECONDS URL [LUA SCRIPT [SCRIPT ARGUMENT]]
warm() {
  local command=(wrk -t2 -c$CONNECTIONS -d"$1s" --timeout 10s)
  [ -n "${3:-}" ] && command+=(-s "$3")
  command+=("$2")
  [ -n "${4:-}" ] && command+=(-- "$4")
  "${command[@]}" >/dev/null
}

# --- one scale -----------------------------------------------------------------------------------------
run_scale() {
  local scale=$1 seeds=$2 province=$3 year=$4
  local db=$work/$scale.db
  rm -f "$db"
  start_api 5201 "$seeds" "$db"; stop "$api_pid"
  local build=$ready_seconds ready=()
  for _ in 1 2 3; do start_api 5201 "$seeds" "$db"; stop "$api_pid"; ready+=("$ready_seconds"); done
  local cached uncached
  start_api 5201 "$seeds" "$db"; cached=$api_pid
  start_api 5202 "$seeds" "$db" ResponseCache__Enabled=false; uncached=$api_pid
  sleep 10   # the search indexes are built after start-up, then the heap is compacted
  local targets; targets=$(curl -s 'http://127.0.0.1:5201/odata/Targets/$count')
  printf '%s\t%s\tready, building the database from seeds (s)\t%.2f\n' "$scale" "$targets" "$build" >>"$startup"
  printf '%s\t%s\tready, existing database (s, median of 3)\t%.2f\n' "$scale" "$targets" "$(printf '%s\n' "${ready[@]}" | median)" >>"$startup"
  printf '%s\t%s\tresident memory idle (MB)\t%s\n' "$scale" "$targets" "$(rss_mb "$cached")" >>"$startup"

  local data=$work/data-$scale
  node "$bench/prepare.mjs" http://127.0.0.1:5201 "$data"
  local skip=$((targets > 1000 ? 90000 : targets - 34))
  local -A openkpi=(
    [province-year-select]="/odata/Targets?\$filter=ProvinceId%20eq%20%27$province%27%20and%20Year%20eq%20$year&\$select=Id,SourceLabel,RawValue,Comparator,Lower,Upper"
    [indicator-expand]="/odata/Indicators(%27doctors-per-10000-population%27)/Targets?\$expand=Province(\$select=Name)&\$select=Id,Year,RawValue"
    [search]="/odata/Targets?\$search=bac%20si&\$select=Id,SourceLabel"
    [count]="/odata/Targets/\$count?\$filter=Year%20eq%20$year"
    [csv]="/odata/Targets?\$format=csv&\$filter=ProvinceId%20eq%20%27$province%27&\$select=Id,Year,RawValue,Lower,Upper"
    [deep-page]="/odata/Targets?\$skip=$skip&\$top=100"
  )
  # json-server's _expand answers 500 on a row whose ProvinceId is null (documents 000 and 001 name no
  # province), so its indicator query keeps the rows that name one (ProvinceId_like=^VN).
  local -A jsonserver=(
    [province-year-select]="/Targets?ProvinceId=$province&Year=$year"
    [indicator-expand]="/Targets?IndicatorId=doctors-per-10000-population&ProvinceId_like=%5EVN&_expand=Province&_limit=100"
    [search]="/Targets?q=b%C3%A1c%20s%E1%BB%B9&_limit=100"
    [count]="/Targets?Year=$year&_limit=1"
    [csv]="/Targets?ProvinceId=$province"
    [deep-page]="/Targets?_start=$skip&_limit=100"
  )
  local -A extension=([province-year-select]=json [indicator-expand]=json [search]=json [count]=txt [csv]=csv [deep-page]=json)
  local queries=(province-year-select indicator-expand search count csv deep-page)

  # nginx: the very bytes OpenKpi answers, as files.
  mkdir -p "$work/nginx/www" "$work/nginx/tmp"
  chmod -R a+rX "$work"   # nginx's workers run as an unprivileged user
  for q in "${queries[@]}"; do curl -s -o "$work/nginx/www/$q.${extension[$q]}" "http://127.0.0.1:5201${openkpi[$q]}"; done
  cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp; fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  types { application/json json; text/csv csv; text/plain txt; }
  sendfile on; tcp_nopush on; keepalive_requests 100000000;
  server { listen 127.0.0.1:5203; root $work/nginx/www; }
}
EOF
  nginx -c "$work/nginx/nginx.conf"
  (cd "$data" && exec node "$bench/node_modules/json-server/lib/cli/bin.js" --id Id --read-only --quiet --host 127.0.0.1 --port 5204 db.json >"$work/json-server.log" 2>&1) &
  local jsonserver_pid=$!; pids+=("$jsonserver_pid")
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:5204/Provinces" >/dev/null 2>&1 && break; sleep 0.1; done

  # Resident memory under load: the peak from the warm-up on, sampled while the load runs.
  peak_rss "$cached" "$work/peak-cached" & local sampler_cached=$!
  peak_rss "$uncached" "$work/peak-uncached" & local sampler_uncached=$!
  # Warm-up: the JIT's tiers settle after some tens of seconds of load.
  warm "$WARMUP" http://127.0.0.1:5202 "$bench/distinct.lua" "$data/lists"
  for q in "${queries[@]}"; do warm 5 "http://127.0.0.1:5201${openkpi[$q]}"; done

  for q in "${queries[@]}"; do
    measure "$scale" "$q" openkpi "http://127.0.0.1:5201${openkpi[$q]}"
    measure "$scale" "$q" openkpi-uncached "http://127.0.0.1:5202${openkpi[$q]}"
    measure "$scale" "$q" nginx "http://127.0.0.1:5203/$q.${extension[$q]}"
    measure "$scale" "$q" json-server "http://127.0.0.1:5204${jsonserver[$q]}"
  done
  measure "$scale" distinct-mix openkpi-uncached http://127.0.0.1:5202 "$bench/distinct.lua" "$data/lists"
  stop "$sampler_cached"; stop "$sampler_uncached"
  printf '%s\t%s\tresident memory under load, response cache on (MB, peak)\t%s\n' "$scale" "$targets" "$(cat "$work/peak-cached")" >>"$startup"
  printf '%s\t%s\tresident memory under load, uncached (MB, peak)\t%s\n' "$scale" "$targets" "$(cat "$work/peak-uncached")" >>"$startup"

  stop "$jsonserver_pid"; nginx -c "$work/nginx/nginx.conf" -s stop; sleep 0.5
  stop "$cached"; stop "$uncached"
}

run_scale seed "$root/seeds" VN-09 2024
generate_dataset "$work/national"
run_scale national "$work/national" VN-W3 2020

# --- start-up and memory at 1,000,000 targets ----------------------------------------------------------
if [ "$BIG" -gt 0 ]; then
  generate_dataset "$work/big" "$BIG"
  rm -rf "$work/national"
  db=$work/big.db
  start_api 5201 "$work/big" "$db"; stop "$api_pid"
  build=$ready_seconds
  ready=()
  for _ in 1 2 3; do start_api 5201 "$work/big" "$db" ResponseCache__Enabled=false; stop "$api_pid"; ready+=("$ready_seconds"); done
  start_api 5201 "$work/big" "$db" ResponseCache__Enabled=false
  sleep 20
  targets=$(curl -s 'http://127.0.0.1:5201/odata/Targets/$count')
  idle=$(rss_mb "$api_pid")
  node "$bench/prepare.mjs" http://127.0.0.1:5201 "$work/data-big" --lists-only >/dev/null
  peak_rss "$api_pid" "$work/peak-big" & sampler=$!
  warm 20 http://127.0.0.1:5201 "$bench/distinct.lua" "$work/data-big/lists"
  measure 1m distinct-mix openkpi-uncached http://127.0.0.1:5201 "$bench/distinct.lua" "$work/data-big/lists"
  stop "$sampler"
  printf '1m\t%s\tready, building the database from seeds (s)\t%.2f\n' "$targets" "$build" >>"$startup"
  printf '1m\t%s\tready, existing database (s, median of 3)\t%.2f\n' "$targets" "$(printf '%s\n' "${ready[@]}" | median)" >>"$startup"
  printf '1m\t%s\tresident memory idle (MB)\t%s\n' "$targets" "$idle" >>"$startup"
  printf '1m\t%s\tresident memory under load, uncached (MB, peak)\t%s\n' "$targets" "$(cat "$work/peak-big")" >>"$startup"
  stop "$api_pid"
fi

node "$bench/report.mjs" "$results" "$startup" "$bench/results.md" "$root/README.md"
cat "$bench/results.md"
