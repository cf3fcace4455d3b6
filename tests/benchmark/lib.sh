# Helpers shared by the benchmarks (run.sh, hostile.sh); sourced, not run. Source it from the repository's root:
#   cd "$(dirname "$0")/../.." && . tests/benchmark/lib.sh
# Sets root, bench and work (a temporary folder, removed on exit with every process in pids), and
# deployed (the Dockerfile's DOTNET_GC* runtime settings). Loopback only: every server listens on 127.0.0.1.
root=$PWD
bench=$root/tests/benchmark
START_TIMEOUT=${START_TIMEOUT:-1800}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && nginx -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# need_tools COMMAND...: installs from Debian (apt-get) the packages of the same names that are missing.
need_tools() {
  PATH=$PATH:/usr/sbin
  local missing=() tool
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# publish_api: OpenKpi in Release, ReadyToRun (as the Dockerfile builds it), into $work/app.
publish_api() {
  dotnet publish src/OpenKpi.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/app" --nologo -v quiet >/dev/null
}

# generate_dataset FOLDER [TARGETS]: the API's generate command — the real seeds plus the synthetic national
# dataset (34 provinces x every indicator x 10 years, ~108,000 targets), or TARGETS targets.
generate_dataset() {
  local out=$1 targets=${2:-}
  local size=()
  [ -n "$targets" ] && size=(--targets "$targets")
  (cd "$work/app" && Catalogue__SeedDirectory="$root/seeds" dotnet OpenKpi.Api.dll generate --out "$out" "${size[@]}") >/dev/null
}

# The API runs as the Dockerfile deploys it: with its runtime settings (the GC's generation budgets).
mapfile -t deployed < <(sed -n 's/^[[:space:]]*\(DOTNET_GC[A-Za-z0-9]*=[^[:space:]\\]*\).*/\1/p' "$root/Dockerfile")
[ ${#deployed[@]} -gt 0 ] || { echo "no DOTNET_GC settings found in $root/Dockerfile" >&2; exit 1; }

api_pid=""
ready_seconds=""
# start_api PORT SEEDS DATABASE [NAME=VALUE ...]: starts OpenKpi (its rate limit lifted), waits for /health/ready;
# sets api_pid and ready_seconds.
start_api() {
  local port=$1 seeds=$2 database=$3; shift 3
  local started; started=$(date +%s.%N)
  (cd "$work/app" && exec env "${deployed[@]}" "$@" Catalogue__SeedDirectory="$seeds" Catalogue__DatabasePath="$database" RateLimiting__PermitLimit=1000000000 \
    Logging__LogLevel__Default=Warning dotnet OpenKpi.Api.dll --urls "http://127.0.0.1:$port" >>"$work/api-$port.log" 2>&1) &
  api_pid=$!
  pids+=("$api_pid")
  # A deadline in seconds, not a count of tries: building 1,000,000 targets takes about as long as 3,000
  # tries did, and a start that was not ready must stop the run, never be timed as if it were.
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    kill -0 "$api_pid" 2>/dev/null || { tail -20 "$work/api-$port.log" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "not ready after ${START_TIMEOUT}s: $*" >&2; tail -20 "$work/api-$port.log" >&2; exit 1; }
    sleep 0.02
  done
  ready_seconds=$(echo "$(date +%s.%N) - $started" | bc)
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
rss_mb() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
# peak_rss PID FILE: the highest resident memory of PID, sampled every half second while it runs, kept in FILE.
# A sample taken between measurements misses the peaks: 64 connections starting at once on a large answer.
peak_rss() {
  local peak=0 rss
  echo 0 >"$2"
  while rss=$(rss_mb "$1" 2>/dev/null) && [ -n "$rss" ]; do
    [ "$rss" -gt "$peak" ] && { peak=$rss; echo "$peak" >"$2"; }
    sleep 0.5
  done
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms() { awk '{ v = $1; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000; print v + 0 }'; }
