# shellcheck shell=bash
# Apache Kafka 3.9.1, one KRaft node (broker+controller), from Maven Central jars.
# Sourced by infra.sh after lib.sh (which sets LOCAL_DIR, LOG_DIR, RUN_DIR, BIND_HOST and ports).
# shellcheck disable=SC2153 # KAFKA_PORT etc. come from lib.sh

KAFKA_SRC_DIR=$INFRA_DIR/kafka
KAFKA_POM=$KAFKA_SRC_DIR/pom.xml
KAFKA_HOME=$LOCAL_DIR/kafka
# The jars may be shared with another LOCAL_DIR (a test's private broker uses the main one's).
KAFKA_LIBS=${KAFKA_LIBS:-$KAFKA_HOME/libs}
KAFKA_DATA=$KAFKA_HOME/data
KAFKA_CONF_DIR=$KAFKA_HOME/config
KAFKA_PROPS=$KAFKA_CONF_DIR/server.properties
KAFKA_CLUSTER_ID_FILE=$KAFKA_HOME/cluster-id
KAFKA_LOG=$LOG_DIR/kafka.log
KAFKA_OUT=$LOG_DIR/kafka.out.log
KAFKA_PIDFILE=$RUN_DIR/kafka.pid
KAFKA_LOG_OFFSET_FILE=$RUN_DIR/kafka.log-offset
M2_REPO=${M2_REPO:-$LOCAL_DIR/m2}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-60}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}
KAFKA_BROKERS_LOCAL=$BIND_HOST:$KAFKA_PORT

java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java
  fi
}

kafka_ensure_tools() {
  if ! java_bin >/dev/null; then
    log "kafka: java not found; installing a JRE"
    apt_install default-jre-headless
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    log "kafka: mvn not found; installing maven"
    apt_install maven
  fi
}

# The jars are copied once; the stamp ties them to the pom's content.
kafka_libs_stamp() { sha256sum "$KAFKA_POM" | cut -d' ' -f1; }

kafka_ensure_libs() {
  local stamp tmp build_log=$LOG_DIR/kafka-libs.log t0=$SECONDS
  stamp=$(kafka_libs_stamp)
  if [[ -f $KAFKA_LIBS/.stamp && $(cat "$KAFKA_LIBS/.stamp") == "$stamp" ]]; then
    return 0
  fi
  kafka_ensure_tools
  tmp=$KAFKA_LIBS.tmp
  rm -rf "$tmp"
  mkdir -p "$KAFKA_HOME" "$M2_REPO"
  log "kafka: resolving the broker's jars with Maven into $KAFKA_LIBS (log: $build_log)"
  if ! (cd "$KAFKA_SRC_DIR" && mvn -B -q -f "$KAFKA_POM" -Dmaven.repo.local="$M2_REPO" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" 9>&-) \
    >>"$build_log" 2>&1; then
    show_log_tail "$build_log" 30
    die "kafka: mvn dependency:copy-dependencies failed"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "kafka: no kafka_2.13 jar in $tmp"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  echo "$stamp" >"$KAFKA_LIBS/.stamp"
  log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars ready in $((SECONDS - t0))s"
}

# sed replacement text: escape \, & and the | delimiter.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

kafka_render_config() {
  mkdir -p "$KAFKA_CONF_DIR"
  sed -e "s|@KAFKA_PORT@|$(sed_escape "$KAFKA_PORT")|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$(sed_escape "$KAFKA_CONTROLLER_PORT")|g" \
    -e "s|@KAFKA_DATA_DIR@|$(sed_escape "$KAFKA_DATA")|g" \
    "$KAFKA_SRC_DIR/server.properties.tmpl" >"$KAFKA_PROPS.tmp"
  mv "$KAFKA_PROPS.tmp" "$KAFKA_PROPS"
}

kafka_java() {
  local java
  java=$(java_bin)
  "$java" -Dlog4j.configuration="file:$KAFKA_SRC_DIR/log4j.properties" \
    -Dkafka.logs.dir="$LOG_DIR" -cp "$KAFKA_LIBS/*" "$@"
}

# Format the KRaft storage once (meta.properties marks it formatted).
kafka_format_storage() {
  local cluster_id fmt_log=$LOG_DIR/kafka-format.log
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  if [[ -s $KAFKA_CLUSTER_ID_FILE ]]; then
    cluster_id=$(cat "$KAFKA_CLUSTER_ID_FILE")
  else
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$fmt_log" 9>&- | tail -n 1 | tr -d '[:space:]')
    [[ $cluster_id =~ ^[A-Za-z0-9_-]{22}$ ]] || {
      show_log_tail "$fmt_log" 20
      die "kafka: StorageTool random-uuid gave no cluster id"
    }
    echo "$cluster_id" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  mkdir -p "$KAFKA_DATA"
  log "kafka: formatting storage $KAFKA_DATA (cluster id $cluster_id)"
  if ! kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" \
    --ignore-formatted >>"$fmt_log" 2>&1 9>&-; then
    show_log_tail "$fmt_log" 30
    die "kafka: storage format failed"
  fi
}

# kafka_pid — pid of our broker: the pid file if it names a live kafka.Kafka with our config,
# else any such process (pid file lost), so a second broker is never started next to it.
kafka_pid() {
  local pid needle="kafka.Kafka $KAFKA_PROPS"
  pid=$(read_pidfile "$KAFKA_PIDFILE")
  if [[ -n $pid ]] && pid_alive "$pid" && [[ $(pid_cmdline "$pid") == *"$needle"* ]]; then
    printf '%s' "$pid"
    return 0
  fi
  local -a pids=()
  mapfile -t pids < <(pids_with_cmdline "$needle")
  pid=${pids[0]:-}
  if [[ -n $pid ]]; then
    echo "$pid" >"$KAFKA_PIDFILE"
    printf '%s' "$pid"
  fi
}

# Ready: the process is alive, the log (since this launch) says "Kafka Server started", and the
# port accepts connections. Returns 2 if the process is gone.
kafka_check_ready() {
  local pid offset
  pid=$(read_pidfile "$KAFKA_PIDFILE")
  pid_alive "$pid" || return 2
  offset=$(cat "$KAFKA_LOG_OFFSET_FILE" 2>/dev/null || echo 0)
  # A log rolled over since launch is smaller than the offset: then read it whole.
  (($(file_size "$KAFKA_LOG") >= offset)) || offset=0
  # (grep reads a process substitution, not a pipe: with pipefail, `tail | grep -q` fails when
  # grep exits early and tail gets SIGPIPE on a large log)
  grep -qF 'Kafka Server started' < <(tail -c "+$((offset + 1))" "$KAFKA_LOG" 2>/dev/null) || return 1
  port_open "$KAFKA_PORT"
}

# kafka_state — prints running | starting | stopped. The log-offset file exists from launch until
# start has seen the broker ready; while it exists, "running" also needs the log line.
kafka_state() {
  local pid
  pid=$(kafka_pid)
  if [[ -z $pid ]]; then
    echo stopped
  elif [[ ! -f $KAFKA_LOG_OFFSET_FILE ]] && port_open "$KAFKA_PORT"; then
    echo running
  elif [[ -f $KAFKA_LOG_OFFSET_FILE ]] && kafka_check_ready; then
    echo running
  else
    echo starting
  fi
}

kafka_launch() {
  local -a heap=()
  read -r -a heap <<<"$KAFKA_HEAP_OPTS"
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  file_size "$KAFKA_LOG" >"$KAFKA_LOG_OFFSET_FILE"
  log "kafka: starting broker on $BIND_HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT, log: $KAFKA_LOG)"
  launch_detached "$KAFKA_PIDFILE" "$KAFKA_OUT" \
    "$(java_bin)" "${heap[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_SRC_DIR/log4j.properties" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS"
}

# kafka_fail MESSAGE — show what the broker logged since launch; if this run launched it, stop it
# (a broker some earlier run started is left alone: it may be serving others); die.
kafka_fail() {
  local pid
  show_log_tail "$KAFKA_OUT" 15 "$LAUNCH_LOG_OFFSET"
  show_log_tail "$KAFKA_LOG" 40 "$(cat "$KAFKA_LOG_OFFSET_FILE" 2>/dev/null || echo 0)"
  pid=$(kafka_pid)
  if [[ -n $pid && $KAFKA_LAUNCHED == 1 ]]; then
    stop_pid "$pid" kafka 20
    rm -f "$KAFKA_PIDFILE"
  elif [[ -n $pid ]]; then
    log "kafka: leaving pid $pid running (not started by this run); 'infra.sh stop' stops it"
  fi
  die "$1"
}

KAFKA_LAUNCHED=0
kafka_start() {
  local state t0=$SECONDS how="started"
  state=$(kafka_state)
  case $state in
    running)
      how="already running"
      rm -f "$KAFKA_LOG_OFFSET_FILE"
      ;;
    starting)
      log "kafka: already starting (pid $(kafka_pid)); waiting for it"
      ;;
    stopped)
      rm -f "$KAFKA_PIDFILE"
      require_port_free "$KAFKA_PORT" kafka
      require_port_free "$KAFKA_CONTROLLER_PORT" "kafka controller"
      kafka_ensure_libs
      java_bin >/dev/null || kafka_ensure_tools
      kafka_render_config
      kafka_format_storage
      kafka_launch
      KAFKA_LAUNCHED=1
      ;;
  esac
  if [[ $state != running ]]; then
    if ! wait_for "$KAFKA_START_TIMEOUT" kafka kafka_check_ready; then
      kafka_fail "kafka: broker did not come up: $WAIT_FAILURE (log tails above)"
    fi
    # Seen ready: from now on "running" means alive + port open (the log may roll over later).
    rm -f "$KAFKA_LOG_OFFSET_FILE"
    how="started in $((SECONDS - t0))s"
  fi
  report kafka "up ($how) pid=$(kafka_pid) port=$KAFKA_PORT brokers=$KAFKA_BROKERS_LOCAL"
}

kafka_stop() {
  local pid stopped=0
  while pid=$(kafka_pid) && [[ -n $pid ]]; do
    # SIGTERM = controlled shutdown; the broker flushes and closes its logs cleanly.
    stop_pid "$pid" kafka "$KAFKA_STOP_TIMEOUT"
    rm -f "$KAFKA_PIDFILE"
    stopped=1
  done
  rm -f "$KAFKA_PIDFILE" "$KAFKA_LOG_OFFSET_FILE"
  if ((stopped)); then report kafka "stopped"; else report kafka "stopped (was not running)"; fi
}

kafka_status() {
  local state
  state=$(kafka_state)
  case $state in
    running) report kafka "running pid=$(kafka_pid) port=$KAFKA_PORT brokers=$KAFKA_BROKERS_LOCAL" ;;
    starting)
      report kafka "starting pid=$(kafka_pid) (not ready yet)"
      return 1
      ;;
    *)
      report kafka "stopped"
      return 1
      ;;
  esac
}

kafka_reset() {
  local path
  for path in "$KAFKA_DATA" "$KAFKA_CONF_DIR" "$KAFKA_CLUSTER_ID_FILE"; do
    if [[ -e $path ]]; then
      log "kafka: deleting $path"
      rm -rf "$path"
    fi
  done
  rm -f "$KAFKA_PIDFILE" "$KAFKA_LOG_OFFSET_FILE" "$KAFKA_LOG"* "$KAFKA_OUT" "$LOG_DIR/kafka-format.log"
}
