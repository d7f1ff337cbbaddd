#!/usr/bin/env bash
# promtool (Prometheus's rule checker), built once from its Go module into the git-ignored
# .local/go/bin (beside kustomize and Jaeger, sharing their module and build caches), then reused:
# the alert rules are checked with the real parser (tools/observability) without a Prometheus.
#
#   bash deploy/observability/promtool.sh ensure                    # build it if missing (minutes cold)
#   bash deploy/observability/promtool.sh check rules deploy/observability/prometheus/alerts.yml
#   bash deploy/observability/promtool.sh path                      # print the binary's path (after ensure)
#
# PROMTOOL_VERSION picks another version of github.com/prometheus/prometheus the Go module proxy
# serves (v0.316.0 is Prometheus 3.x); PROMTOOL_BIN uses a binary of yours instead (nothing is built).
# Needs Go >= 1.25 on PATH or at /usr/local/go only for the first build.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROMTOOL_PACKAGE=github.com/prometheus/prometheus/cmd/promtool
PROMTOOL_VERSION=${PROMTOOL_VERSION:-v0.316.0}
GO_DIR=$ROOT/.local/go
BIN=${PROMTOOL_BIN:-$GO_DIR/bin/promtool}
STAMP=$GO_DIR/bin/promtool.version
BUILD_LOG=$ROOT/.local/logs/promtool-build.log

die() {
  echo "promtool.sh: $*" >&2
  exit 1
}

go_bin() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    echo /usr/local/go/bin/go
  else
    return 1
  fi
}

up_to_date() {
  [[ -x $BIN ]] && { [[ -n ${PROMTOOL_BIN:-} ]] || [[ -f $STAMP && $(cat "$STAMP") == "$PROMTOOL_VERSION" ]]; }
}

ensure() {
  up_to_date && return 0
  [[ -z ${PROMTOOL_BIN:-} ]] || die "PROMTOOL_BIN=$PROMTOOL_BIN is not an executable"
  mkdir -p "$GO_DIR/bin" "$(dirname "$BUILD_LOG")"
  # One build at a time: parallel test runs wait for the first one's binary.
  exec 9>"$GO_DIR/promtool.lock"
  flock 9
  up_to_date && return 0
  local go t0=$SECONDS
  go=$(go_bin) || die "Go not found (needed once, to build promtool): install Go at /usr/local/go or put it on PATH"
  echo "promtool.sh: building $PROMTOOL_PACKAGE@$PROMTOOL_VERSION with $("$go" version | cut -d' ' -f3) (log: $BUILD_LOG)" >&2
  if ! env CGO_ENABLED=0 GOBIN="$GO_DIR/bin.promtool" GOPATH="$GO_DIR/path" GOMODCACHE="$GO_DIR/mod" \
    GOCACHE="$GO_DIR/cache" GOFLAGS="-modcacherw -buildvcs=false" \
    nice "$go" install -trimpath "$PROMTOOL_PACKAGE@$PROMTOOL_VERSION" >>"$BUILD_LOG" 2>&1; then
    tail -n 20 "$BUILD_LOG" >&2
    die "go install $PROMTOOL_PACKAGE@$PROMTOOL_VERSION failed"
  fi
  mv "$GO_DIR/bin.promtool/promtool" "$BIN"
  rmdir "$GO_DIR/bin.promtool" 2>/dev/null || true
  echo "$PROMTOOL_VERSION" >"$STAMP"
  echo "promtool.sh: built $BIN in $((SECONDS - t0))s" >&2
}

case ${1:-} in
  ensure) ensure ;;
  path)
    up_to_date || die "not built yet: run 'bash deploy/observability/promtool.sh ensure'"
    echo "$BIN"
    ;;
  '' | -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}" ;;
  *)
    ensure
    exec "$BIN" "$@"
    ;;
esac
