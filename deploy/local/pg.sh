# shellcheck shell=bash
# PostgreSQL: a project-owned cluster under $LOCAL_DIR/pg, run with the distribution's binaries.
# Sourced by infra.sh after lib.sh.

PG_DIR=$LOCAL_DIR/pg
PG_DATA=$PG_DIR/data
PG_SOCKET_DIR=$PG_DIR/run
PG_LOG=$LOG_DIR/postgres.log
PG_PIDFILE=$RUN_DIR/postgres.pid
PG_START_TIMEOUT=${PG_START_TIMEOUT:-30}
PG_APP_USER=platform
PG_APP_PASSWORD=platform
PG_APP_DB=platform
DATABASE_URL_LOCAL="postgres://$PG_APP_USER:$PG_APP_PASSWORD@$BIND_HOST:$PGPORT/$PG_APP_DB"

# The OS user that owns and runs the cluster: initdb refuses root, so root uses "postgres".
pg_os_user() {
  if [[ $EUID -eq 0 ]]; then echo postgres; else id -un; fi
}

# pg_run CMD... — run as the cluster's OS user (from / so it never needs our cwd), fd 9 closed.
pg_run() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@" 9>&-)
  else
    (cd / && "$@" 9>&-)
  fi
}

# pg_bindir — server binaries: those matching an existing data dir, else the newest installed.
pg_bindir() {
  local ver initdb
  if [[ -s $PG_DATA/PG_VERSION ]]; then
    ver=$(cat "$PG_DATA/PG_VERSION")
    [[ -x /usr/lib/postgresql/$ver/bin/initdb ]] || return 1
    echo "/usr/lib/postgresql/$ver/bin"
    return 0
  fi
  initdb=$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1) || true
  [[ -n $initdb ]] || return 1
  dirname "$initdb"
}

pg_ensure_installed() {
  if pg_bindir >/dev/null; then return 0; fi
  if [[ -s $PG_DATA/PG_VERSION ]] && compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    die "postgres: $PG_DATA was created by PostgreSQL $(cat "$PG_DATA/PG_VERSION"), whose binaries are not installed; run 'infra.sh reset' or install that version"
  fi
  log "postgres: server binaries not found (/usr/lib/postgresql/*/bin/initdb); installing"
  apt_install postgresql
  pg_bindir >/dev/null || die "postgres: still no server binaries after apt-get install postgresql"
  # Debian's package creates and may start its own 'main' cluster; it must not hold our port.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    local ver name port status
    while read -r ver name port status _; do
      if [[ $port == "$PGPORT" && $status == online* ]]; then
        log "postgres: stopping Debian's freshly installed cluster $ver/$name (it took port $PGPORT)"
        as_root pg_ctlcluster "$ver" "$name" stop || true
      fi
    done < <(pg_lsclusters -h 2>/dev/null || true)
  fi
}

# pg_pid — the postmaster pid from the data dir's postmaster.pid, if that process is alive.
pg_pid() {
  local pid
  pid=$(read_pidfile "$PG_DATA/postmaster.pid")
  if [[ -n $pid ]] && pid_alive "$pid" && [[ $(pid_cmdline "$pid") == *postgres* ]]; then
    printf '%s' "$pid"
  fi
}

# pg_listen_port — the port the running postmaster reports (line 4 of postmaster.pid).
pg_listen_port() {
  sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9'
}

# pg_state — prints running | starting | stopped
pg_state() {
  local pid
  pid=$(pg_pid)
  if [[ -z $pid ]]; then
    echo stopped
  elif port_open "$(pg_listen_port)" && pg_ready_quiet; then
    echo running
  else
    echo starting
  fi
}

pg_ready_quiet() {
  local bindir port
  bindir=$(pg_bindir) || return 1
  port=$(pg_listen_port)
  "$bindir/pg_isready" -q -h "$BIND_HOST" -p "${port:-$PGPORT}" -t 2 >/dev/null 2>&1
}

# Health as the brief defines it: pg_isready and a real query as the application role.
pg_app_query_ok() {
  local bindir out
  bindir=$(pg_bindir) || return 1
  out=$(PGPASSWORD=$PG_APP_PASSWORD PGCONNECT_TIMEOUT=5 "$bindir/psql" -X -A -t -q \
    -h "$BIND_HOST" -p "$PGPORT" -U "$PG_APP_USER" -d "$PG_APP_DB" -c 'select 1' 2>/dev/null) || return 1
  [[ $out == 1 ]]
}

pg_check_starting() {
  [[ -n $(pg_pid) ]] || return 2
  pg_ready_quiet
}

pg_initdb() {
  local bindir=$1 os_user
  os_user=$(pg_os_user)
  if [[ -d $PG_DATA && -n $(ls -A "$PG_DATA" 2>/dev/null) ]]; then
    log "postgres: $PG_DATA has no PG_VERSION (interrupted initdb?); recreating it"
    rm -rf "$PG_DATA"
  fi
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  if [[ $EUID -eq 0 ]]; then
    chown -R postgres:postgres "$PG_DIR"
  fi
  chmod 700 "$PG_DATA"
  if ! pg_run test -w "$PG_DATA"; then
    die "postgres: user '$os_user' cannot write $PG_DATA (a parent directory is not traversable for it?). Set LOCAL_DIR to a path it can reach, e.g. LOCAL_DIR=/var/tmp/platform-local."
  fi
  log "postgres: initdb into $PG_DATA (superuser '$os_user', log: $LOG_DIR/postgres-initdb.log)"
  if ! pg_run "$bindir/initdb" -D "$PG_DATA" -U "$os_user" -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 --no-instructions \
    >>"$LOG_DIR/postgres-initdb.log" 2>&1; then
    show_log_tail "$LOG_DIR/postgres-initdb.log" 30
    die "postgres: initdb failed"
  fi
  printf "\n# Project settings (written by deploy/local/infra.sh on every start)\ninclude_if_exists = 'platform-local.conf'\n" \
    >>"$PG_DATA/postgresql.conf"
}

# Written on every start so PGPORT and paths always follow the environment.
pg_write_conf() {
  local conf=$PG_DATA/platform-local.conf
  cat >"$conf" <<EOF
# Generated by deploy/local/infra.sh; edits are overwritten on the next start.
listen_addresses = '$BIND_HOST'
port = $PGPORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 300
shared_buffers = 256MB
# fsync and synchronous_commit stay at their (safe) defaults.
# lz4 instead of pglz for values moved to TOAST (the audit records' states, a read model's items):
# about a third less CPU per insert of a 45-line order's record, measured (docs/adr/0018).
default_toast_compression = lz4
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
EOF
  if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$conf"; fi
  chmod 600 "$conf"
}

pg_ensure_app_role() {
  local bindir=$1
  if ! pg_run "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PGPORT" \
    -U "$(pg_os_user)" -d postgres >>"$LOG_DIR/postgres-setup.log" 2>&1 <<'SQL'; then
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform') THEN
    CREATE ROLE platform LOGIN SUPERUSER PASSWORD 'platform';
  ELSE
    ALTER ROLE platform LOGIN SUPERUSER PASSWORD 'platform';
  END IF;
END
$$;
SELECT 'CREATE DATABASE platform OWNER platform'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'platform')\gexec
SQL
    show_log_tail "$LOG_DIR/postgres-setup.log" 20
    die "postgres: could not create role/database 'platform'"
  fi
}

pg_start() {
  local state bindir pid t0=$SECONDS how="started"
  state=$(pg_state)
  if [[ $state == running ]]; then
    how="already running"
  else
    pg_ensure_installed
    bindir=$(pg_bindir)
    if [[ $state == stopped ]]; then
      require_port_free "$PGPORT" postgres
      [[ -s $PG_DATA/PG_VERSION ]] || pg_initdb "$bindir"
      mkdir -p "$PG_SOCKET_DIR"
      touch "$PG_LOG"
      if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$PG_SOCKET_DIR" "$PG_LOG"; fi
      pg_write_conf
      log "postgres: starting on $BIND_HOST:$PGPORT (log: $PG_LOG)"
      # pg_ctl detaches the postmaster into its own session and waits (bounded) for readiness.
      if ! pg_run "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$PG_START_TIMEOUT" start \
        >>"$LOG_DIR/postgres-ctl.log" 2>&1; then
        show_log_tail "$LOG_DIR/postgres-ctl.log" 10
        show_log_tail "$PG_LOG"
        die "postgres: did not start within ${PG_START_TIMEOUT}s (pg_ctl start failed)"
      fi
    else
      log "postgres: already starting (pid $(pg_pid)); waiting for it"
    fi
    if ! wait_for "$PG_START_TIMEOUT" postgres pg_check_starting; then
      show_log_tail "$PG_LOG"
      die "postgres: did not become ready within ${PG_START_TIMEOUT}s"
    fi
  fi
  bindir=$(pg_bindir)
  pg_ensure_app_role "$bindir"
  if ! pg_app_query_ok; then
    show_log_tail "$PG_LOG"
    die "postgres: 'select 1' as $PG_APP_USER over $BIND_HOST:$PGPORT failed"
  fi
  pid=$(pg_pid)
  echo "$pid" >"$PG_PIDFILE"
  if [[ $how == started ]]; then how="started in $((SECONDS - t0))s"; fi
  report postgres "up ($how) pid=$pid port=$PGPORT url=$DATABASE_URL_LOCAL"
}

pg_stop() {
  local pid bindir
  pid=$(pg_pid)
  if [[ -z $pid ]]; then
    rm -f "$PG_PIDFILE"
    report postgres "stopped (was not running)"
    return 0
  fi
  bindir=$(pg_bindir) || die "postgres: running (pid $pid) but its binaries are missing"
  log "postgres: pg_ctl stop -m fast (pid $pid)"
  if ! pg_run "$bindir/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >>"$LOG_DIR/postgres-ctl.log" 2>&1; then
    show_log_tail "$PG_LOG" 20
    die "postgres: pg_ctl stop failed"
  fi
  rm -f "$PG_PIDFILE"
  report postgres "stopped"
}

# pg_status — prints the line; returns 0 if running.
pg_status() {
  local state
  state=$(pg_state)
  case $state in
    running)
      if pg_app_query_ok; then
        report postgres "running pid=$(pg_pid) port=$(pg_listen_port) url=$DATABASE_URL_LOCAL"
      else
        report postgres "running pid=$(pg_pid) port=$(pg_listen_port) (but 'select 1' as $PG_APP_USER fails)"
        return 1
      fi
      ;;
    starting)
      report postgres "starting pid=$(pg_pid) (not accepting connections yet)"
      return 1
      ;;
    *)
      report postgres "stopped"
      return 1
      ;;
  esac
}

pg_reset() {
  if [[ -d $PG_DIR ]]; then
    log "postgres: deleting $PG_DIR"
    rm -rf "$PG_DIR"
  fi
  rm -f "$PG_PIDFILE" "$PG_LOG" "$LOG_DIR"/postgres-*.log
}
