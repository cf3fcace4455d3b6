#!/usr/bin/env bash
# OpenKpi under hostile load, at national scale (34 provinces x every indicator x 10 years, ~108,000 targets), on
# loopback only, the API started as the Dockerfile deploys it (its GC settings; rate limit lifted, response cache on):
#   1. alone:        a cheap client (wrk, CHEAP_CONNECTIONS connection(s)) sends small distinct queries
#                    (hostile-cheap.lua) for DURATION s: requests, errors, p50, p99;
#   2. under attack: the same client while 4 attacking connections (hostile-attack.mjs, in Node: it drops each body
#                    as it arrives, where wrk's Lua callback copied every body, ~80 MB a CSV, on the API's cores) send the
#                    URLs of hostile-queries.txt, each request new (no cache answers it): the cheap client's
#                    figures again, the ratio of the two p99s (goal <= 3x), and the attackers' answers by status;
#                    the API's resident memory sampled every 0.5 s through both phases;
#   3. single:       each attack URL alone, once, on a fresh API, after one request of its shape (its code compiled): status, wall time, the API's CPU time
#                    (/proc/PID/stat utime+stime) and resident memory rise; and, for each that takes 1 s or
#                    more, whether the API keeps computing once its client gives up (curl --max-time 1, then
#                    the API's CPU over the next 3 s).
# Writes tests/benchmark/hostile-results.md and prints it. Installs wrk (Debian) when missing.
# Usage: tests/benchmark/hostile.sh [--quick]    (--quick: short phases and a smaller dataset, for trying it out)
# Environment: DURATION (s, each phase; 20, quick 5), WARMUP (s; 10, quick 3), TARGETS (dataset size; the national
# dataset, quick 30000; "national" for it in a quick run), CHEAP_CONNECTIONS (1), TIMEOUT (wrk's, s; 10),
# QUERIES (the attack URLs; tests/benchmark/hostile-queries.txt), HOSTILE_PORT (the API's port; 5211), SINGLE (0: skip phase 3, for comparing builds on phases 1 and 2; 1), SINGLE_TIMEOUT (s, each single request; 60, quick 20), IDLE_TIMEOUT (s to wait for the API to stop computing
# before the API is restarted; 30, quick 15), TOTAL_TIMEOUT (s, the whole run; 1800, quick 900).
set -euo pipefail
quick=0; [ "${1:-}" = "--quick" ] && quick=1
TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-$([ $quick = 1 ] && echo 900 || echo 1800)}
# The whole run is bounded: against an unprotected API a single request can compute for minutes.
if [ -z "${HOSTILE_BOUNDED:-}" ]; then
  HOSTILE_BOUNDED=1 exec timeout --foreground -k 60 "$TOTAL_TIMEOUT" "$0" "$@"
fi
cd "$(dirname "$0")/../.."
. tests/benchmark/lib.sh   # root, bench, work, pids, start_api, stop, rss_mb, median, ms, ...
trap 'echo "stopped (TOTAL_TIMEOUT=${TOTAL_TIMEOUT}s or a signal)" >&2; exit 124' TERM INT
DURATION=${DURATION:-$([ $quick = 1 ] && echo 5 || echo 20)}
WARMUP=${WARMUP:-$([ $quick = 1 ] && echo 3 || echo 10)}
TARGETS=${TARGETS:-$([ $quick = 1 ] && echo 30000 || echo national)}
CHEAP_CONNECTIONS=${CHEAP_CONNECTIONS:-1}
TIMEOUT=${TIMEOUT:-10}
SINGLE_TIMEOUT=${SINGLE_TIMEOUT:-$([ $quick = 1 ] && echo 20 || echo 60)}
IDLE_TIMEOUT=${IDLE_TIMEOUT:-$([ $quick = 1 ] && echo 15 || echo 30)}
ATTACK_CONNECTIONS=4
port=${HOSTILE_PORT:-5211}
base=http://127.0.0.1:$port
out=$bench/hostile-results.md
hz=$(getconf CLK_TCK)
log() { echo "[hostile $(date +%T)] $*" >&2; }

need_tools wrk
log "publishing (Release, ReadyToRun)"
publish_api
log "generating the dataset (${TARGETS})"
generate_dataset "$work/data" "$([ "$TARGETS" = national ] || echo "$TARGETS")"

# The attack URLs, percent-encoded ({ } kept for the counter).
mapfile -t templates < <(grep -v '^[[:space:]]*\(#\|$\)' "${QUERIES:-$bench/hostile-queries.txt}")
[ ${#templates[@]} -gt 0 ] || { echo "no URLs in $bench/hostile-queries.txt" >&2; exit 1; }
encode() { perl -pe 's/([^A-Za-z0-9\-._~\/?&=\$(),:;*!\@{}\n])/sprintf("%%%02X", ord($1))/ge'; }
printf '%s\n' "${templates[@]}" | encode >"$work/attacks.txt"
mapfile -t encoded <"$work/attacks.txt"

# --- helpers -------------------------------------------------------------------------------------------
# cpu_ms PID: the CPU time PID has used, user + system, in ms (fields 14 and 15 of /proc/PID/stat, after the name).
cpu_ms() { awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz }' "/proc/$1/stat"; }
# sample_rss PID FILE INTERVAL: PID's resident memory (MB), one line every INTERVAL s, while it runs.
sample_rss() { local rss; while rss=$(rss_mb "$1" 2>/dev/null) && [ -n "$rss" ]; do echo "$rss" >>"$2"; sleep "$3"; done; }
peak_of() { sort -n "$1" | tail -1; }
# kill_api: ends the API at once (a graceful stop would wait for the requests it is still computing).
kill_api() {
  kill "$api_pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$api_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$api_pid" 2>/dev/null || true
  wait "$api_pid" 2>/dev/null || true
}
# wait_idle: returns once the API uses under 5% of a core for 1 s, or fails after IDLE_TIMEOUT s.
wait_idle() {
  local deadline=$(( $(date +%s) + IDLE_TIMEOUT )) quiet=0 a b
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$api_pid" 2>/dev/null || { local rc=0; wait "$api_pid" || rc=$?; echo "the API ended (exit status $rc$([ $rc = 0 ] && echo ': a SIGTERM from outside this script?')):" >&2; tail -20 "$work/api-$port.log" >&2; exit 1; }
    a=$(cpu_ms "$api_pid"); sleep 0.5; b=$(cpu_ms "$api_pid")
    if [ $((b - a)) -le 25 ]; then quiet=$((quiet + 1)); [ $quiet -ge 2 ] && return 0; else quiet=0; fi
  done
  return 1
}
restarts=0
fresh_api() {
  [ -n "$api_pid" ] && { kill_api; restarts=$((restarts + 1)); }
  start_api "$port" "$work/data" "$work/data.db"
  wait_idle || log "the API was still busy ${IDLE_TIMEOUT}s after start-up"
}
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'; }

# --- the API and the cheap client's lists ---------------------------------------------------------------
log "starting the API (building its database)"
fresh_api
build_seconds=$ready_seconds
targets=$(curl -s "$base/odata/Targets/\$count")
node "$bench/prepare.mjs" "$base" "$work/prepared" --lists-only >/dev/null   # $work/prepared/lists/*.txt
idle_rss=$(rss_mb "$api_pid")
log "$targets targets; idle resident memory ${idle_rss} MB; warming up ${WARMUP}s"
wrk -t1 -c"$CHEAP_CONNECTIONS" -d"${WARMUP}s" --timeout "${TIMEOUT}s" -s "$bench/hostile-cheap.lua" "$base" -- "$work/prepared/lists" 0 >/dev/null
wait_idle || true

# --- phases 1 and 2: the cheap client alone, then under attack -------------------------------------------
declare -A requests errors p50 p99 rss_base rss_peak
attack_line=""
# phase NAME ATTACK(0|1) START: START numbers the cheap client's first request (no URL of another run again).
phase() {
  local name=$1 attack=$2 start=$3 attacker=""
  rss_base[$name]=$(rss_mb "$api_pid")
  : >"$work/rss-$name"
  sample_rss "$api_pid" "$work/rss-$name" 0.5 & local sampler=$!
  if [ "$attack" = 1 ]; then
    node "$bench/hostile-attack.mjs" "$base" "$work/attacks.txt" $ATTACK_CONNECTIONS $((DURATION + 2)) "$TIMEOUT" \
      >"$work/attack.out" 2>&1 &
    attacker=$!; pids+=("$attacker")
    sleep 1   # the attack is under way before the client's clock starts
  fi
  log "phase $name: ${DURATION}s"
  wrk -t1 -c"$CHEAP_CONNECTIONS" -d"${DURATION}s" --timeout "${TIMEOUT}s" -s "$bench/hostile-cheap.lua" "$base" -- "$work/prepared/lists" "$start" >"$work/cheap-$name.out" 2>&1
  [ -n "$attacker" ] && { wait "$attacker" || true; attack_line=$(grep '^attack ' "$work/attack.out" || echo "attack (no summary: $(tail -1 "$work/attack.out"))"); }
  stop "$sampler"
  local line; line=$(grep '^cheap ' "$work/cheap-$name.out") || { cat "$work/cheap-$name.out" >&2; exit 1; }
  requests[$name]=$(field requests <<<"$line")
  errors[$name]=$(( $(field non2xx <<<"$line") + $(field socket <<<"$line") ))
  p50[$name]=$(field p50_ms <<<"$line")
  p99[$name]=$(field p99_ms <<<"$line")
  rss_peak[$name]=$(peak_of "$work/rss-$name")
  log "$line; resident ${rss_base[$name]} -> ${rss_peak[$name]} MB"
}
phase alone 0 100000000
phase attack 1 200000000
[ -n "$attack_line" ] && log "$attack_line"
attack_statuses=$(sed -n 's/.* statuses \(.*\) socket .*/\1/p' <<<"$attack_line")
attack_answers=$(field answers <<<"$attack_line")
attack_timeouts=$(field timeouts <<<"$attack_line")
ratio=$(awk -v a="${p99[alone]}" -v b="${p99[attack]}" 'BEGIN { if (a > 0) printf "%.1f", b / a; else print "n/a" }')

# --- phase 3: each attack URL alone ----------------------------------------------------------------------
if [ "${SINGLE:-1}" = 0 ]; then
  log "SINGLE=0: the single requests are skipped, no report written"
  echo "alone p99 ${p99[alone]} ms; under attack p99 ${p99[attack]} ms (${ratio}x), p50 ${p50[attack]} ms, ${requests[attack]} requests, ${errors[attack]} errors; peak ${rss_peak[attack]} MB; $attack_line"
  kill_api; exit 0
fi
log "single requests: restarting the API"
fresh_api
single_rows=() abandoned=()
worst_cpu=-1 worst=""
for i in "${!encoded[@]}"; do
  # One request of the same shape first ({n} = 0): its code compiled, as in a serving process, so that the figures are
  # the request's and not the JIT's (a fresh process spent ~1.5 s of CPU compiling the expansion writer, and its
  # background tiering counted as "kept computing").
  curl -s -o /dev/null --max-time "$SINGLE_TIMEOUT" "$base${encoded[$i]//\{n\}/0}" || true
  wait_idle || true
  url=$base${encoded[$i]//\{n\}/1}
  r0=$(rss_mb "$api_pid"); : >"$work/rss-single"
  sample_rss "$api_pid" "$work/rss-single" 0.1 & sampler=$!
  c0=$(cpu_ms "$api_pid")
  rc=0; answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}' --max-time "$SINGLE_TIMEOUT" "$url") || rc=$?
  c1=$(cpu_ms "$api_pid")
  stop "$sampler"
  read -r status seconds bytes <<<"$answer"
  wall_ms=$(awk -v s="$seconds" 'BEGIN { printf "%d", s * 1000 }'); size=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
  [ "$status" = 000 ] && status="none"
  if [ "$rc" = 28 ]; then status="$status, cut off at ${SINGLE_TIMEOUT} s"; elif [ "$rc" != 0 ]; then status="$status, curl error $rc"; fi
  cpu=$((c1 - c0)); rise=$(( $(peak_of "$work/rss-single") - r0 ))
  dirty=0; [ "$rise" -gt 50 ] && dirty=1
  continued="no (answered in under 1 s)"
  if [ "$wall_ms" -ge 1000 ]; then
    # Abandoned by its client after 1 s: does the API go on computing it? (A new {n}: no cache, no shared answer.)
    wait_idle || { log "still computing ${IDLE_TIMEOUT}s after its client left: restarting"; fresh_api; }
    curl -s -o /dev/null --max-time 1 "$base${encoded[$i]//\{n\}/2}" || true
    a=$(cpu_ms "$api_pid"); sleep 3; b=$(cpu_ms "$api_pid")
    after=$((b - a))
    if [ "$after" -gt 300 ]; then continued="yes ($after ms of CPU in the 3 s after)"; dirty=1
    else continued="no ($after ms of CPU in the 3 s after)"; fi
  fi
  abandoned[$i]=$continued
  [ "$cpu" -gt "$worst_cpu" ] && { worst_cpu=$cpu; worst=$i; }
  single_rows+=("| \`${templates[$i]//|/\\|}\` | $status | $size | $wall_ms | $cpu | $rise | $continued |")
  log "single $((i + 1))/${#encoded[@]}: $status, $size MB in ${wall_ms} ms, CPU ${cpu} ms, +${rise} MB, kept computing after abort: $continued"
  # The next request starts on an API at rest, its memory not already grown by this one.
  if [ "$i" -lt $((${#encoded[@]} - 1)) ]; then
    if [ "$dirty" = 1 ] || ! wait_idle; then fresh_api; fi
  fi
done
kill_api

# --- the report ------------------------------------------------------------------------------------------
commit=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src 2>/dev/null || echo "+changes")
{
  echo "# Hostile-load benchmark"
  echo
  echo "$(date -u +%Y-%m-%d), commit $commit, $(nproc) cores, $targets targets (database built in $(printf '%.1f' "$build_seconds") s; idle resident memory $idle_rss MB)."
  echo "Made by \`tests/benchmark/hostile.sh$([ $quick = 1 ] && echo ' --quick')\`: each phase ${DURATION} s; the cheap client is wrk with $CHEAP_CONNECTIONS connection(s)"
  echo "(\`hostile-cheap.lua\`, distinct uncached queries), the attack $ATTACK_CONNECTIONS keep-alive connections of Node (\`hostile-attack.mjs\`, bodies read and dropped) sending the"
  echo "${#templates[@]} URLs of \`hostile-queries.txt\` in turn, each request new; timeout ${TIMEOUT} s (the attackers' and wrk's). Resident memory sampled every 0.5 s."
  echo
  echo "| phase | requests | errors | p50 (ms) | p99 (ms) | p99 / p99 alone (goal <= 3x) | attackers' answers | resident memory (MB, start -> peak) |"
  echo "|---|---:|---:|---:|---:|---:|---|---:|"
  echo "| alone | ${requests[alone]} | ${errors[alone]} | ${p50[alone]} | ${p99[alone]} | 1.0 | - | ${rss_base[alone]} -> ${rss_peak[alone]} |"
  echo "| under attack | ${requests[attack]} | ${errors[attack]} | ${p50[attack]} | ${p99[attack]} | ${ratio}x | ${attack_answers:-0} answered (${attack_statuses:-none}); timeouts ${attack_timeouts:-0} | ${rss_base[attack]} -> ${rss_peak[attack]} |"
  echo
  echo "Errors: the cheap client's non-2xx answers and socket errors (wrk's timeouts count a connection once per 2 s it waits past ${TIMEOUT} s)."
  echo "The attackers' answers are counted apart: a 400 refusing an attack is the server protecting itself."
  echo
  echo "Each attack URL alone, once ({n} = 1, after one request of its shape, {n} = 0, so that its code is compiled), on an API at rest (restarted when the previous request left it computing"
  echo "or 50 MB larger); CPU is the API process's user + system time over the request; \"kept computing\": a copy"
  echo "abandoned by curl --max-time 1, then the API's CPU over the next 3 s (more than 300 ms: yes)."
  echo
  echo "| request | status | answer (MB) | wall (ms) | CPU (ms) | resident rise (MB) | kept computing after its client left |"
  echo "|---|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${single_rows[@]}"
  echo
  echo "The most expensive alone: \`${templates[$worst]}\` ($worst_cpu ms of CPU); abandoned after 1 s, the API kept computing it: ${abandoned[$worst]}."
  echo "The API was restarted $restarts time(s) in the run (before the single requests, and when one left it busy or grown)."
} >"$out"
cat "$out"
