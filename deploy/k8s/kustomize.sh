#!/usr/bin/env bash
# kustomize, built once from its Go module into the git-ignored .local/go/bin (beside Jaeger's
# binary, sharing its module and build caches), then reused: `kubectl` is not needed to render the
# manifests, and no cluster is needed to test them (tools/k8s).
#
#   bash deploy/k8s/kustomize.sh ensure                        # build it if missing (about 1 min cold)
#   bash deploy/k8s/kustomize.sh build deploy/k8s/overlays/dev # any kustomize command
#   bash deploy/k8s/kustomize.sh path                          # print the binary's path (after ensure)
#
# KUSTOMIZE_VERSION picks another version the Go module proxy serves (the binary is rebuilt when its
# stamp names another version); KUSTOMIZE_BIN uses a binary of yours instead (nothing is built).
# Needs Go >= 1.24 on PATH or at /usr/local/go only for the first build.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KUSTOMIZE_MODULE=sigs.k8s.io/kustomize/kustomize/v5
KUSTOMIZE_VERSION=${KUSTOMIZE_VERSION:-v5.8.1}
GO_DIR=$ROOT/.local/go
BIN=${KUSTOMIZE_BIN:-$GO_DIR/bin/kustomize}
STAMP=$GO_DIR/bin/kustomize.version
BUILD_LOG=$ROOT/.local/logs/kustomize-build.log

die() {
  echo "kustomize.sh: $*" >&2
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
  [[ -x $BIN ]] && { [[ -n ${KUSTOMIZE_BIN:-} ]] || [[ -f $STAMP && $(cat "$STAMP") == "$KUSTOMIZE_VERSION" ]]; }
}

ensure() {
  up_to_date && return 0
  [[ -z ${KUSTOMIZE_BIN:-} ]] || die "KUSTOMIZE_BIN=$KUSTOMIZE_BIN is not an executable"
  mkdir -p "$GO_DIR/bin" "$(dirname "$BUILD_LOG")"
  # One build at a time: parallel test runs wait for the first one's binary.
  exec 9>"$GO_DIR/kustomize.lock"
  flock 9
  up_to_date && return 0
  local go t0=$SECONDS
  go=$(go_bin) || die "Go not found (needed once, to build kustomize): install Go >= 1.24 at /usr/local/go or put it on PATH"
  echo "kustomize.sh: building $KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION with $("$go" version | cut -d' ' -f3) (log: $BUILD_LOG)" >&2
  if ! env CGO_ENABLED=0 GOBIN="$GO_DIR/bin.tmp" GOPATH="$GO_DIR/path" GOMODCACHE="$GO_DIR/mod" \
    GOCACHE="$GO_DIR/cache" GOFLAGS="-modcacherw -buildvcs=false" \
    "$go" install -trimpath "$KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION" >>"$BUILD_LOG" 2>&1; then
    tail -n 20 "$BUILD_LOG" >&2
    die "go install $KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION failed"
  fi
  mv "$GO_DIR/bin.tmp/kustomize" "$BIN"
  rmdir "$GO_DIR/bin.tmp" 2>/dev/null || true
  echo "$KUSTOMIZE_VERSION" >"$STAMP"
  echo "kustomize.sh: built $BIN in $((SECONDS - t0))s" >&2
}

case ${1:-} in
  ensure) ensure ;;
  path)
    up_to_date || die "not built yet: run 'bash deploy/k8s/kustomize.sh ensure'"
    echo "$BIN"
    ;;
  '' | -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" ;;
  *)
    ensure
    exec "$BIN" "$@"
    ;;
esac
