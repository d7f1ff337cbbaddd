#!/usr/bin/env bash
# Runs the whole platform on this machine: local PostgreSQL + Kafka (+ Jaeger with WITH_JAEGER=1)
# and the six services, each a background process with its log in .local/logs and pid in .local/run.
#   up      install what is missing, start everything, wait until ready, print how to use it
#   down    stop the services (SIGTERM: graceful), then the infrastructure
#   status  one line per service
# Idempotent: `up` twice leaves one process per service.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
run_dir=$root/.local/run
log_dir=$root/.local/logs
mkdir -p "$run_dir" "$log_dir"

# name:port, in start order (the registry creates tenants.lifecycle that the others read at start).
# Each serves /metrics on its management port, port + 100 (MANAGEMENT_PORT's default), not on port.
services=(tenant-registry:8085 command-service:8081 projection-service:8082 query-service:8083 saga-service:8084 gateway:8080)

alive() { [ -f "$run_dir/$1.pid" ] && kill -0 "$(cat "$run_dir/$1.pid")" 2>/dev/null; }

wait_ready() {
  local name=$1 port=$2 deadline=$((SECONDS + 90))
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    if ! alive "$name"; then echo "[platform] $name exited; last lines of $log_dir/$name.log:" >&2; tail -20 "$log_dir/$name.log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "[platform] $name not ready after 90 s; see $log_dir/$name.log" >&2; exit 1; fi
    sleep 0.3
  done
}

start_service() {
  local name=$1 port=$2
  if alive "$name"; then echo "[platform] $name already running (pid $(cat "$run_dir/$name.pid"))"; return; fi
  PORT=$port OTEL_SERVICE_NAME=$name setsid nohup node --enable-source-maps "dist/apps/$name/src/main.js" \
    >>"$log_dir/$name.log" 2>&1 </dev/null &
  echo $! >"$run_dir/$name.pid"
  wait_ready "$name" "$port"
  echo "[platform] $name ready on http://127.0.0.1:$port (pid $(cat "$run_dir/$name.pid"))"
}

up() {
  bash scripts/bootstrap.sh
  export PATH="$root/node_modules/.bin:$PATH"
  if [ "${WITH_JAEGER:-0}" = 1 ]; then bash deploy/local/infra.sh start --with-jaeger; else bash deploy/local/infra.sh start; fi
  eval "$(bash deploy/local/infra.sh env)"
  # without Jaeger, spans are not exported; the trace context is propagated all the same (ADR 0027)
  node scripts/build.mjs
  for entry in "${services[@]}"; do start_service "${entry%%:*}" "${entry##*:}"; done
  cat <<INFO

The platform is up.
  gateway:        http://127.0.0.1:8080   (health: /health/ready)
  metrics:        http://127.0.0.1:8180/metrics (gateway) … :8185 (tenant-registry): each service's port + 100
  admin token:    npm run -s token -- --roles platform-admin
  tenant token:   npm run -s token -- --tenant <tenant-id> --roles member
  logs:           .local/logs/<service>.log      stop: npm stop
  webhooks:       https to public addresses only; a receiver here needs WEBHOOK_ALLOWED_HOSTS=127.0.0.1:<port> npm start
INFO
  if [ -n "${JAEGER_QUERY_URL:-}" ]; then echo "  traces:         $JAEGER_QUERY_URL/api/traces?service=gateway"; fi
}

down() {
  for (( i=${#services[@]}-1; i>=0; i-- )); do
    local name=${services[$i]%%:*}
    if alive "$name"; then
      local pid; pid=$(cat "$run_dir/$name.pid")
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.3; done
      echo "[platform] $name stopped"
    fi
    rm -f "$run_dir/$name.pid"
  done
  bash deploy/local/infra.sh stop
}

status() {
  for entry in "${services[@]}"; do
    local name=${entry%%:*} port=${entry##*:}
    if alive "$name"; then echo "$name: running (pid $(cat "$run_dir/$name.pid"), port $port, management $((port + 100)))"; else echo "$name: stopped"; fi
  done
  bash deploy/local/infra.sh status || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
