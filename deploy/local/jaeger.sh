# shellcheck shell=bash
# Jaeger v2 (all-in-one, in-memory), built from its Go module source. Optional.
# Sourced by infra.sh after lib.sh.
#
# Why build from the module source instead of `go install …/cmd/jaeger@<commit>`: the module
# github.com/jaegertracing/jaeger has no /v2 suffix, so v2.x tags are not module versions; its
# v1.x tags carry a `replace` directive that `go install pkg@version` refuses; and the module proxy
# reachable from our machines serves only some versions (v1.76.0 is the newest it has: the same
# commit as Jaeger v2.13.0; the v2.20.0 commit is refused). Downloading the module and running
# `go build ./cmd/jaeger` inside a copy of it honours its go.mod (replace included) and go.sum.
# JAEGER_MODULE_VERSION may name any version or commit your proxy serves.

JAEGER_MODULE=github.com/jaegertracing/jaeger
JAEGER_MODULE_VERSION=${JAEGER_MODULE_VERSION:-v1.76.0}
GO_DIR=$LOCAL_DIR/go
JAEGER_BIN=$GO_DIR/bin/jaeger
JAEGER_STAMP=$GO_DIR/bin/jaeger.version
JAEGER_BUILD_LOG=$LOG_DIR/jaeger-build.log
JAEGER_LOG=$LOG_DIR/jaeger.log
JAEGER_PIDFILE=$RUN_DIR/jaeger.pid
JAEGER_START_TIMEOUT=${JAEGER_START_TIMEOUT:-60}
JAEGER_STOP_TIMEOUT=${JAEGER_STOP_TIMEOUT:-20}
# Fixed by Jaeger's default (config-less) setup; all bound to JAEGER_LISTEN_HOST=127.0.0.1.
JAEGER_OTLP_GRPC_PORT=4317
JAEGER_OTLP_HTTP_PORT=4318
JAEGER_QUERY_PORT=16686
JAEGER_QUERY_GRPC_PORT=16685

go_bin() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    echo /usr/local/go/bin/go
  else
    return 1
  fi
}

# go_env CMD... — run with every Go path inside $LOCAL_DIR/go.
go_env() {
  env CGO_ENABLED=0 GOBIN="$GO_DIR/bin" GOPATH="$GO_DIR/path" GOMODCACHE="$GO_DIR/mod" \
    GOCACHE="$GO_DIR/cache" GOFLAGS="-modcacherw -buildvcs=false" "$@"
}

jaeger_built() { [[ -x $JAEGER_BIN ]]; }

# Never rebuilds an existing binary, unless its stamp names a different JAEGER_MODULE_VERSION.
jaeger_ensure_built() {
  local go src dir t0=$SECONDS
  if jaeger_built; then
    if [[ ! -f $JAEGER_STAMP || $(cat "$JAEGER_STAMP") == "$JAEGER_MODULE_VERSION" ]]; then
      return 0
    fi
    log "jaeger: binary was built from $(cat "$JAEGER_STAMP"), $JAEGER_MODULE_VERSION requested: rebuilding"
  fi
  go=$(go_bin) || die "jaeger: Go not found (needed only to build Jaeger): install Go >= 1.24 at /usr/local/go or put it on PATH"
  mkdir -p "$GO_DIR/bin" "$GO_DIR/path" "$GO_DIR/mod" "$GO_DIR/cache" "$GO_DIR/src" "$LOG_DIR"
  log "jaeger: building $JAEGER_MODULE/cmd/jaeger@$JAEGER_MODULE_VERSION with $("$go" version | cut -d' ' -f3) (cold: many minutes on 2 cores; log: $JAEGER_BUILD_LOG)"
  dir=$(cd "$GO_DIR" && go_env "$go" mod download -json "$JAEGER_MODULE@$JAEGER_MODULE_VERSION" 2>>"$JAEGER_BUILD_LOG" 9>&- |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') || true
  if [[ -z $dir || ! -f $dir/go.mod ]]; then
    show_log_tail "$JAEGER_BUILD_LOG" 20
    die "jaeger: could not download module $JAEGER_MODULE@$JAEGER_MODULE_VERSION"
  fi
  src=$GO_DIR/src/jaeger@$JAEGER_MODULE_VERSION
  rm -rf "$src"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  if ! (cd "$src" && go_env "$go" build -trimpath -o "$JAEGER_BIN.tmp" ./cmd/jaeger 9>&-) >>"$JAEGER_BUILD_LOG" 2>&1; then
    show_log_tail "$JAEGER_BUILD_LOG" 30
    rm -f "$JAEGER_BIN.tmp"
    die "jaeger: go build failed"
  fi
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  echo "$JAEGER_MODULE_VERSION" >"$JAEGER_STAMP"
  rm -rf "$src"
  log "jaeger: built $JAEGER_BIN in $((SECONDS - t0))s"
}

# is_jaeger_cmdline CMDLINE — true if it runs our binary (argv[0] is exactly $JAEGER_BIN).
is_jaeger_cmdline() { [[ $1 == "$JAEGER_BIN" || $1 == "$JAEGER_BIN "* ]]; }

# jaeger_pid — our Jaeger: the pid file if it names a live process running our binary, else any
# process running our binary (pid file lost).
jaeger_pid() {
  local pid p
  pid=$(read_pidfile "$JAEGER_PIDFILE")
  if [[ -n $pid ]] && pid_alive "$pid" && is_jaeger_cmdline "$(pid_cmdline "$pid")"; then
    printf '%s' "$pid"
    return 0
  fi
  for p in $(pids_with_cmdline "$JAEGER_BIN"); do
    if is_jaeger_cmdline "$(pid_cmdline "$p")"; then
      echo "$p" >"$JAEGER_PIDFILE"
      printf '%s' "$p"
      return 0
    fi
  done
}

jaeger_api_ok() {
  [[ $(http_status "$BIND_HOST" "$JAEGER_QUERY_PORT" /api/services) == 200 ]]
}

jaeger_check_ready() {
  pid_alive "$(read_pidfile "$JAEGER_PIDFILE")" || return 2
  jaeger_api_ok
}

jaeger_state() {
  local pid
  pid=$(jaeger_pid)
  if [[ -z $pid ]]; then
    echo stopped
  elif jaeger_api_ok; then
    echo running
  else
    echo starting
  fi
}

jaeger_start() {
  local state pid port t0 how="started"
  state=$(jaeger_state)
  if [[ $state == stopped ]]; then
    rm -f "$JAEGER_PIDFILE"
    for port in "$JAEGER_OTLP_GRPC_PORT" "$JAEGER_OTLP_HTTP_PORT" "$JAEGER_QUERY_PORT" "$JAEGER_QUERY_GRPC_PORT"; do
      require_port_free "$port" jaeger
    done
    jaeger_ensure_built
    t0=$SECONDS
    log "jaeger: starting (in-memory; OTLP $JAEGER_OTLP_GRPC_PORT/$JAEGER_OTLP_HTTP_PORT, query API $JAEGER_QUERY_PORT; log: $JAEGER_LOG)"
    # env execs into the binary, so the pid and command line are Jaeger's own. Still no config
    # file (built-in all-in-one config, memory storage); JAEGER_LISTEN_HOST moves every listener to
    # 127.0.0.1 except the query extension's two, which that config leaves at their 0.0.0.0
    # defaults: --set overrides them on top of the built-in config.
    launch_detached "$JAEGER_PIDFILE" "$JAEGER_LOG" env JAEGER_LISTEN_HOST="$BIND_HOST" "$JAEGER_BIN" \
      --set="extensions.jaeger_query.http.endpoint=$BIND_HOST:$JAEGER_QUERY_PORT" \
      --set="extensions.jaeger_query.grpc.endpoint=$BIND_HOST:$JAEGER_QUERY_GRPC_PORT"
  else
    t0=$SECONDS
    [[ $state == running ]] && how="already running"
  fi
  if [[ $state != running ]]; then
    if ! wait_for "$JAEGER_START_TIMEOUT" jaeger jaeger_check_ready; then
      show_log_tail "$JAEGER_LOG" 40 "$LAUNCH_LOG_OFFSET"
      pid=$(jaeger_pid)
      if [[ -n $pid && $state == stopped ]]; then
        # launched by this run: stop it again (one started earlier is left alone)
        stop_pid "$pid" jaeger 10
        rm -f "$JAEGER_PIDFILE"
      fi
      die "jaeger: GET /api/services never answered 200: $WAIT_FAILURE (log tail above)"
    fi
    how="started in $((SECONDS - t0))s"
  fi
  report jaeger "up ($how) pid=$(jaeger_pid) otlp-grpc=$JAEGER_OTLP_GRPC_PORT otlp-http=$JAEGER_OTLP_HTTP_PORT query=http://$BIND_HOST:$JAEGER_QUERY_PORT"
}

jaeger_stop() {
  local pid stopped=0
  while pid=$(jaeger_pid) && [[ -n $pid ]]; do
    stop_pid "$pid" jaeger "$JAEGER_STOP_TIMEOUT"
    rm -f "$JAEGER_PIDFILE"
    stopped=1
  done
  rm -f "$JAEGER_PIDFILE"
  if ((stopped)); then report jaeger "stopped"; else report jaeger "stopped (was not running)"; fi
}

jaeger_running() { [[ $(jaeger_state) == running ]]; }

jaeger_status() {
  local state
  state=$(jaeger_state)
  case $state in
    running) report jaeger "running pid=$(jaeger_pid) otlp-http=$JAEGER_OTLP_HTTP_PORT query=http://$BIND_HOST:$JAEGER_QUERY_PORT" ;;
    starting) report jaeger "starting pid=$(jaeger_pid) (query API not answering yet)" ;;
    *)
      if jaeger_built; then
        report jaeger "stopped (optional; start with --with-jaeger)"
      else
        report jaeger "stopped (optional; not built yet: start --with-jaeger builds it)"
      fi
      ;;
  esac
}

jaeger_reset() {
  rm -f "$JAEGER_PIDFILE" "$JAEGER_LOG"
}
