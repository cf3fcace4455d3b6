#!/usr/bin/env bash
# The fault and rolling-update drill, on loopback: three replicas of OpenKpi (one Release publish, three processes, each with
# its own database) behind nginx with deploy/nginx/openkpi.conf, a load of real paged reads (drill.mjs) and, phase by phase:
#   steady   nothing happens;
#   kill     one replica is killed (kill -9) and started again;
#   restart  another is stopped (SIGTERM: it drains) and started again;
#   rolling  the next revision is published on a copy of the seeds (one record changed, `revise`), and the replicas are replaced one
#            by one: a new one on the new seeds, /health/ready awaited, the proxy pointed at it (nginx -s reload), the old
#            one stopped with SIGTERM;
#   after    nothing happens.
# Prints requests, failures, p50/p99 and cache hits per phase, writes them to tests/drill/results.md, and fails unless no
# request failed and no paged read mixed two revisions.
# Usage: tests/drill/drill.sh      (PHASE_SECONDS=12, CONNECTIONS=16, DRILL_PORT=5610: the proxy, replicas on the next six;
#                                   PACE_MS=100 pauses each client before every request, for a gentle try)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
PHASE_SECONDS=${PHASE_SECONDS:-12}
port=${DRILL_PORT:-5610}
export CONNECTIONS=${CONNECTIONS:-16}
PATH=$PATH:/usr/sbin

tests/drill/install.sh
work=$(mktemp -d /tmp/openkpi-drill.XXXXXX)
declare -A pid_of=()   # replica port → process id
load_pid=""
cleanup() {
  echo done >"$work/phase"   # ends the load, if it runs
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  for p in "${pid_of[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
log() { echo "[$(date -u +%H:%M:%S)] $*"; }

log "publishing (Release, ReadyToRun) once"
dotnet publish src/OpenKpi.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/app" --nologo -v quiet >/dev/null

# start_replica PORT SEEDS: a replica on 127.0.0.1:PORT with its own database, a short readiness grace (the proxy does not
# probe readiness: it moves on when a replica refuses connections), the Dockerfile's GC settings, and a rate limit raised
# (all the drill's clients are one address) with the proxy's X-Forwarded-For believed.
start_replica() {
  local p=$1 seeds=$2
  (cd "$work/app" && exec env ASPNETCORE_URLS="http://127.0.0.1:$p" Catalogue__SeedDirectory="$seeds" Catalogue__DatabasePath="$work/db/$p.db" \
    Drain__ReadinessGraceSeconds=1 Drain__ShutdownTimeoutSeconds=10 RateLimiting__PermitLimit=100000000 \
    ForwardedHeaders__KnownProxies__0=127.0.0.1 DOTNET_GCGen0MaxBudget=0x1000000 DOTNET_GCGen1MaxBudget=0x1000000 \
    dotnet OpenKpi.Api.dll >>"$work/replica-$p.log" 2>&1) &
  pid_of[$p]=$!
}
wait_ready() {
  local p=$1
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/health/ready")" = 200 ] && return 0
    sleep 0.2
  done
  echo "replica on $p not ready after 60 s" >&2; tail -5 "$work/replica-$p.log" >&2; return 1
}
stop_replica() {   # SIGTERM, then wait for it to drain and exit (in the background: the caller goes on)
  local p=$1 pid=${pid_of[$1]}
  kill -TERM "$pid"; unset "pid_of[$p]"
  ( while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done ) &
}
replicas() {   # the proxy's list of replicas, then a graceful reload
  printf 'server 127.0.0.1:%s max_fails=1 fail_timeout=2s;\n' "$@" >"$work/nginx/openkpi-replicas.conf"
  if [ -f "$work/nginx/nginx.pid" ]; then nginx -c "$work/nginx/nginx.conf" -s reload 2>&1 | { grep -v 'signal process started' || true; } >&2; fi
}

mkdir -p "$work/db" "$work/nginx/cache" "$work/nginx/tmp"
old=($((port + 1)) $((port + 2)) $((port + 3)))
new=($((port + 4)) $((port + 5)) $((port + 6)))
for p in "${old[@]}"; do start_replica "$p" "$root/seeds"; done
for p in "${old[@]}"; do wait_ready "$p"; done
log "three replicas of the committed revision ready on ${old[*]}"

# The proxy: deploy/nginx/openkpi.conf itself, listening on the drill's port with its cache and log in the work folder.
sed -e "s|listen 8080;|listen 127.0.0.1:$port;|" -e "s|/var/cache/nginx/openkpi|$work/nginx/cache|" -e "s|/var/log/nginx/openkpi.access.log|$work/nginx/access.log|" \
  deploy/nginx/openkpi.conf >"$work/nginx/openkpi.conf"
cat >"$work/nginx/nginx.conf" <<EOF
user nobody nogroup;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp; fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  include $work/nginx/openkpi.conf;
}
EOF
chmod a+rx "$work" "$work/nginx"   # nginx's workers run as nobody
chown -R nobody:nogroup "$work/nginx/cache" "$work/nginx/tmp" 2>/dev/null || chmod -R a+rwX "$work/nginx"
replicas "${old[@]}"
nginx -c "$work/nginx/nginx.conf"
log "nginx $(nginx -v 2>&1 | sed 's/.*\///') on $port"

# Revision 2, published before the load on a copy of the seeds: one indicator's note changed (this copy is never committed).
cp -r "$root/seeds" "$work/seeds-2"
served=$(ls "$root/seeds/revisions"/*.json | wc -l); next=$((served + 1))   # the committed log's last revision, and the drill's
changed=tourist-arrivals
node -e '
  const fs = require("fs"), file = process.argv[1], list = JSON.parse(fs.readFileSync(file, "utf8"));
  list.find((i) => i.id === process.argv[2]).note = "Drill: changed to publish a revision 2 in a temporary copy of the seeds.";
  fs.writeFileSync(file, JSON.stringify(list, null, 2) + "\n");' "$work/seeds-2/indicators.json" "$changed"
(cd "$work/app" && Catalogue__SeedDirectory="$work/seeds-2" dotnet OpenKpi.Api.dll revise --summary "Drill: one indicator's note changed." | grep -v '^{')

indicators=$(curl -s "http://127.0.0.1:$port/odata/Indicators?\$count=true&\$top=0" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)["@odata.count"]))')
phase() { echo "$1" >"$work/phase"; log "phase: $1"; }
phase steady
INDICATORS=$indicators CHANGED="Indicators:$changed" NEW_REVISION=$next NGINX_LOG="$work/nginx/access.log" node tests/drill/drill.mjs "http://127.0.0.1:$port" "$work/phase" "$work/result.json" >"$work/drill.out" &
load_pid=$!
sleep "$PHASE_SECONDS"

phase kill
sleep 3
victim=${old[0]}
kill -9 "${pid_of[$victim]}"; wait "${pid_of[$victim]}" 2>/dev/null || true; log "killed the replica on $victim (kill -9)"
sleep 3
start_replica "$victim" "$root/seeds"; wait_ready "$victim"; log "the replica on $victim is back"
sleep $((PHASE_SECONDS - 6))

phase restart
sleep 3
stop_replica "${old[1]}"; log "stopping the replica on ${old[1]} (SIGTERM)"
while curl -s -o /dev/null "http://127.0.0.1:${old[1]}/health/live"; do sleep 0.1; done
start_replica "${old[1]}" "$root/seeds"; wait_ready "${old[1]}"; log "the replica on ${old[1]} is back"
sleep $((PHASE_SECONDS - 3))

phase rolling
started=$SECONDS
serving=("${old[@]}")
for i in 0 1 2; do
  start_replica "${new[$i]}" "$work/seeds-2"; wait_ready "${new[$i]}"
  serving=("${serving[@]/${old[$i]}/${new[$i]}}")
  replicas "${serving[@]}"
  stop_replica "${old[$i]}"
  log "replica on ${new[$i]} (revision $next) in, ${old[$i]} draining"
done
sleep $((PHASE_SECONDS > SECONDS - started ? PHASE_SECONDS - (SECONDS - started) : 1))

phase after
sleep "$PHASE_SECONDS"
phase done
status=0
wait "$load_pid" || status=$?
load_pid=""
cat "$work/drill.out"

{
  echo "Drill of $(date -u +%Y-%m-%d) on this machine ($(nproc) cores): three replicas behind nginx ($(nginx -v 2>&1 | sed 's/.*\///')), $CONNECTIONS clients${PACE_MS:+ (each pausing ${PACE_MS} ms before every request)}, ${PHASE_SECONDS} s phases."
  echo
  grep '^|' "$work/drill.out"
  echo
  echo "$(grep '^drill:' "$work/drill.out")."
} >tests/drill/results.md
log "results in tests/drill/results.md"
exit "$status"
