#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL, Kafka (KRaft, one node) and, optionally, Jaeger.
# Everything lives under ${LOCAL_DIR:-<repo root>/.local}. See deploy/local/README.md.
#
#   bash deploy/local/infra.sh start [--with-jaeger]   install what is missing, start, wait healthy
#   bash deploy/local/infra.sh stop                    stop everything cleanly
#   bash deploy/local/infra.sh start|stop COMPONENT... only these: postgres, kafka, jaeger
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
  sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# COMPONENTS — set by parse_components: the components named on the command line, in start order.
COMPONENTS=()
parse_components() {
  local cmd=$1 arg
  shift
  COMPONENTS=()
  for arg in "$@"; do
    case $arg in
      postgres | kafka | jaeger) COMPONENTS+=("$arg") ;;
      *) die "$cmd: unknown component '$arg' (postgres, kafka or jaeger)" ;;
    esac
  done
}

# wants NAME — true if NAME was named on the command line.
wants() {
  local c
  for c in "${COMPONENTS[@]}"; do [[ $c == "$1" ]] && return 0; done
  return 1
}

# start [--with-jaeger] [COMPONENT...] — without components: PostgreSQL and Kafka (and Jaeger with
# --with-jaeger), as always. With components (e.g. `start kafka`): only those, for fault tests that
# stop and restart one of them.
cmd_start() {
  local with_jaeger=${WITH_JAEGER:-0} arg
  local -a names=()
  for arg in "$@"; do
    case $arg in
      --with-jaeger) with_jaeger=1 ;;
      -*) die "start: unknown option '$arg' (only --with-jaeger)" ;;
      *) names+=("$arg") ;;
    esac
  done
  parse_components start "${names[@]}"
  ensure_dirs
  with_lock
  if ((${#COMPONENTS[@]} > 0)); then
    if wants postgres; then pg_start; fi
    if wants kafka; then kafka_start; fi
    if wants jaeger; then jaeger_start; fi
    return 0
  fi
  pg_start
  kafka_start
  if [[ $with_jaeger == 1 ]]; then
    jaeger_start
  fi
}

# stop [COMPONENT...] — without components: everything. With components (e.g. `stop kafka`): only
# those, leaving the others running.
cmd_stop() {
  parse_components stop "$@"
  ensure_dirs
  with_lock
  if ((${#COMPONENTS[@]} > 0)); then
    if wants jaeger; then jaeger_stop; fi
    if wants kafka; then kafka_stop; fi
    if wants postgres; then pg_stop; fi
    return 0
  fi
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
    stop) cmd_stop "$@" ;;
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
