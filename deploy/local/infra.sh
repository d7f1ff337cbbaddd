#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL, Kafka (KRaft, one node) and, optionally, Jaeger.
# Everything lives under ${LOCAL_DIR:-<repo root>/.local}. See deploy/local/README.md.
#
#   bash deploy/local/infra.sh start [--with-jaeger]   install what is missing, start, wait healthy
#   bash deploy/local/infra.sh stop                    stop everything cleanly
#   bash deploy/local/infra.sh status                  exit 0 if PostgreSQL and Kafka are up, else 3
#   bash deploy/local/infra.sh reset                   stop + delete data (keeps downloads/builds)
#   bash deploy/local/infra.sh env                     print export lines for the services
#   bash deploy/local/infra.sh build-jaeger            only build the Jaeger binary (if missing)
set -euo pipefail

_infra_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
source "$_infra_dir/lib.sh"
# shellcheck source=SCRIPTDIR/pg.sh
source "$_infra_dir/pg.sh"
# shellcheck source=SCRIPTDIR/kafka.sh
source "$_infra_dir/kafka.sh"
# shellcheck source=SCRIPTDIR/jaeger.sh
source "$_infra_dir/jaeger.sh"

usage() {
  sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

cmd_start() {
  local with_jaeger=${WITH_JAEGER:-0} arg
  for arg in "$@"; do
    case $arg in
      --with-jaeger) with_jaeger=1 ;;
      *) die "start: unknown option '$arg' (only --with-jaeger)" ;;
    esac
  done
  ensure_dirs
  with_lock
  pg_start
  kafka_start
  if [[ $with_jaeger == 1 ]]; then
    jaeger_start
  fi
}

cmd_stop() {
  ensure_dirs
  with_lock
  jaeger_stop
  kafka_stop
  pg_stop
}

cmd_status() {
  local rc=0
  pg_status || rc=3
  kafka_status || rc=3
  jaeger_status
  return "$rc"
}

cmd_reset() {
  ensure_dirs
  with_lock
  jaeger_stop
  kafka_stop
  pg_stop
  pg_reset
  kafka_reset
  jaeger_reset
  rm -f "$LOG_DIR/apt.log"
  log "reset done: data deleted; downloads and builds kept (kafka/libs, m2, go)"
}

cmd_env() {
  printf 'export KAFKA_BROKERS=%s\n' "$KAFKA_BROKERS_LOCAL"
  printf 'export DATABASE_URL=%s\n' "$DATABASE_URL_LOCAL"
  if jaeger_running; then
    printf 'export OTEL_EXPORTER_OTLP_ENDPOINT=http://%s:%s\n' "$BIND_HOST" "$JAEGER_OTLP_HTTP_PORT"
    printf 'export JAEGER_QUERY_URL=http://%s:%s\n' "$BIND_HOST" "$JAEGER_QUERY_PORT"
  fi
}

cmd_build_jaeger() {
  ensure_dirs
  jaeger_ensure_built
  log "jaeger: binary ready at $JAEGER_BIN ($(cat "$JAEGER_STAMP" 2>/dev/null || echo 'version unknown'))"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    env) cmd_env ;;
    build-jaeger) cmd_build_jaeger ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
