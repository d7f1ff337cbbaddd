# shellcheck shell=bash
# Common helpers for deploy/local/infra.sh. Sourced, never executed on its own.
#
# Conventions: progress and errors go to stderr, prefixed "[infra]"; the one-line-per-component
# results (start/status) and `env` output go to stdout.

# ---------------------------------------------------------------------------------------------
# Paths and settings (overridable from the environment)
# ---------------------------------------------------------------------------------------------
INFRA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$INFRA_DIR/../.." && pwd)
LOCAL_DIR=$(realpath -m "${LOCAL_DIR:-$REPO_ROOT/.local}")
LOG_DIR=$LOCAL_DIR/logs
RUN_DIR=$LOCAL_DIR/run

PGPORT=${PGPORT:-5432}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}

# The addresses everything binds to and clients use. Never "localhost": Node may resolve it to ::1.
BIND_HOST=127.0.0.1

# ---------------------------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------------------------
log() { printf '[infra] %s\n' "$*" >&2; }
warn() { printf '[infra] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}
# One result line per component, on stdout.
report() { printf '[infra] %-9s %s\n' "$1" "$2"; }

# show_log_tail FILE [LINES] [OFFSET] — print the end of a log file to stderr, for failure
# reports. With OFFSET (the file's size when the process was launched), only what was written
# since then is shown.
show_log_tail() {
  local file=$1 lines=${2:-40} offset=${3:-0}
  if ((offset > 0)) && (($(file_size "$file") <= offset)); then
    printf '[infra] (nothing new in %s since launch)\n' "$file" >&2
  elif [[ -s $file ]]; then
    printf '[infra] ----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -c "+$((offset + 1))" "$file" | tail -n "$lines" >&2 || true
    printf '[infra] ----- end of %s -----\n' "$file" >&2
  else
    printf '[infra] (%s is empty or missing)\n' "$file" >&2
  fi
}

# ---------------------------------------------------------------------------------------------
# Processes and ports
# ---------------------------------------------------------------------------------------------

# pid_alive PID — true if PID exists and is not a zombie (a detached daemon whose parent died may
# linger as a zombie where PID 1 does not reap; kill -0 alone would call it alive).
pid_alive() {
  local pid=${1:-} stat state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || [[ -d /proc/$pid ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  state=${state%% *}
  [[ $state != Z && $state != X ]]
}

# pid_cmdline PID — the process's argv joined by spaces (empty if gone).
pid_cmdline() {
  local -a args=()
  [[ -r /proc/$1/cmdline ]] || return 0
  mapfile -d '' args <"/proc/$1/cmdline" 2>/dev/null || return 0
  printf '%s' "${args[*]}"
}

# read_pidfile FILE — the pid in FILE, or nothing.
read_pidfile() {
  [[ -f $1 ]] || return 0
  local pid
  pid=$(head -n 1 "$1" 2>/dev/null | tr -dc '0-9')
  printf '%s' "$pid"
}

# pids_with_cmdline NEEDLE — live pids whose command line contains NEEDLE (pure bash: no grep
# process that could match itself).
pids_with_cmdline() {
  local needle=$1 dir pid cmd
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    cmd=$(pid_cmdline "$pid")
    [[ -n $cmd && $cmd == *"$needle"* ]] && pid_alive "$pid" && printf '%s\n' "$pid"
  done
  return 0
}

# port_open PORT [HOST] — true if something accepts TCP connections there.
port_open() {
  local port=$1 host=${2:-$BIND_HOST}
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# port_owner PORT — best-effort description of who listens on PORT.
port_owner() {
  local out=""
  if command -v ss >/dev/null 2>&1; then
    out=$(ss -Hltnp "sport = :$1" 2>/dev/null | sed -n '1s/.*users:(\(.*\))/\1/p') || true
  fi
  printf '%s' "${out:-unknown process}"
}

# require_port_free PORT COMPONENT — die clearly if some other process already holds PORT.
require_port_free() {
  if port_open "$1"; then
    die "$2: port $1 on $BIND_HOST is already in use by another process ($(port_owner "$1")). Stop it, or pick another port (see deploy/local/README.md)."
  fi
}

# http_status HOST PORT PATH — prints the HTTP status code (no curl needed).
http_status() {
  local line code
  # shellcheck disable=SC2016 # expanded by the inner bash
  line=$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n" "$2" "$0" "$1" >&3
    IFS= read -r l <&3 && printf "%s" "$l"' "$1" "$2" "$3" 2>/dev/null) || return 1
  code=$(printf '%s' "$line" | awk '{print $2}')
  printf '%s' "$code"
}

# file_size FILE — byte size, 0 if missing.
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# wait_for TIMEOUT_S WHAT CHECK [ARGS...] — poll CHECK every 0.5 s. CHECK returns 0 = ready,
# 1 = not yet, 2 = gave up for good (e.g. the process died). Returns 0 if ready, 1 otherwise,
# with WAIT_FAILURE set to a phrase saying why.
WAIT_FAILURE=""
wait_for() {
  local timeout=$1 what=$2 rc deadline
  shift 2
  deadline=$((SECONDS + timeout))
  while :; do
    if "$@"; then return 0; else rc=$?; fi
    if ((rc == 2)); then
      WAIT_FAILURE="the process exited during startup"
      log "$what: $WAIT_FAILURE"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      WAIT_FAILURE="not healthy within ${timeout}s"
      log "$what: $WAIT_FAILURE"
      return 1
    fi
    sleep 0.5
  done
}

# stop_pid PID NAME TIMEOUT_S — SIGTERM, wait for exit, SIGKILL (with a warning) after TIMEOUT_S.
stop_pid() {
  local pid=$1 name=$2 timeout=$3 deadline
  pid_alive "$pid" || return 0
  log "$name: sending SIGTERM to pid $pid, waiting up to ${timeout}s for it to exit"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      warn "$name: pid $pid still running after ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.3
  done
}

# launch_detached PIDFILE LOGFILE CMD [ARGS...] — start CMD in its own session (immune to the
# caller's terminal, Ctrl-C and SIGHUP), stdin from /dev/null, output appended to LOGFILE. The
# process writes its own pid (bash `exec`s into CMD, so the pid is CMD's). The lock fd (9) is
# closed so the daemon does not keep holding the infra lock.
# shellcheck disable=SC2034 # read by the component scripts
LAUNCH_LOG_OFFSET=0
launch_detached() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2034 # read by the component scripts
  LAUNCH_LOG_OFFSET=$(file_size "$logfile")
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'echo "$$" >"$0"; exec nohup "$@"' "$pidfile" "$@" \
    </dev/null >>"$logfile" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "could not launch $1 (no pid file $pidfile)"
}

# ---------------------------------------------------------------------------------------------
# Privileges, packages, locking
# ---------------------------------------------------------------------------------------------
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    die "root is needed to run: $* (run as root, or install it yourself)"
  fi
}

APT_UPDATED=0
# apt_install PACKAGE... — non-interactive apt-get install (apt-get update once per run first).
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these yourself: $*"
  mkdir -p "$LOG_DIR"
  local apt_log=$LOG_DIR/apt.log
  if ((APT_UPDATED == 0)); then
    log "apt-get update (log: $apt_log)"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update >>"$apt_log" 2>&1; then
      show_log_tail "$apt_log" 20
      die "apt-get update failed"
    fi
    APT_UPDATED=1
  fi
  log "apt-get install -y $* (log: $apt_log)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >>"$apt_log" 2>&1; then
    show_log_tail "$apt_log" 30
    die "apt-get install $* failed"
  fi
}

# with_lock — serialise start/stop/reset so two concurrent callers never both launch a daemon.
# Holds fd 9 until the script exits; launched daemons close fd 9 (see launch_detached).
with_lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/infra.lock"
  if ! flock -w 600 9; then
    die "another deploy/local/infra.sh is still running (lock $RUN_DIR/infra.lock held for 10 min)"
  fi
}

ensure_dirs() {
  mkdir -p "$LOCAL_DIR" "$LOG_DIR" "$RUN_DIR"
}
