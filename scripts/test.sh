#!/usr/bin/env bash
# The one test command (`npm test`; `.ci/run` calls it). On a fresh machine it installs what it
# needs, starts the real local PostgreSQL and Kafka, then runs every tier:
# lint + typecheck + format, unit, integration (real PostgreSQL/Kafka), end-to-end (all services),
# and the fault suite (on a Kafka and a PostgreSQL of its own, which it kills and restarts).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

lock_before=$(sha256sum < package-lock.json)
bash scripts/bootstrap.sh
export PATH="$PWD/node_modules/.bin:$PATH" NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
bash deploy/local/infra.sh start
eval "$(bash deploy/local/infra.sh env)"
# spans are exported only where a test asks for it (the Jaeger e2e); trace context is always propagated
export OTEL_TRACES_EXPORTER=${OTEL_TRACES_EXPORTER:-none}
# the traces e2e needs the local Jaeger: built once into .local/go (kept between runs), never twice
bash deploy/local/infra.sh build-jaeger
rm -rf .local/test-results && mkdir -p .local/test-results

step() { current_step="$*"; echo; echo "== $* =="; }

# The summary runs however the script ends, so that a failed step still ends the log with the
# counts and the name and message of every failed test (the last lines are what CI shows).
finish() {
  local rc=$? failed_in=${current_step:-set-up}
  trap - EXIT
  step "summary"
  if [ -z "${EVENTSTOREDB_URL:-}" ]; then
    echo "EventStoreDB contract suite: NOT RUN (EVENTSTOREDB_URL is not set; it is not counted as passed)"
  fi
  node scripts/test-summary.mjs .local/test-results || { [ "$rc" -ne 0 ] || rc=1; }
  [ "$rc" -eq 0 ] || echo "FAILED (exit $rc) in: $failed_in"
  echo "wall time: $(( $(date +%s) - started )) s"
  exit "$rc"
}
trap finish EXIT
step "runtime: node $(node --version)"
# set-up leaves no trace: installing must not rewrite the tracked lock file (issue 11)
if [ "$(sha256sum < package-lock.json)" != "$lock_before" ]; then
  echo "package-lock.json was rewritten by the set-up: commit a complete lock file (npm install --package-lock-only)"
  exit 1
fi
step "lint (typed ESLint, module boundaries)"; nx run-many -t lint --output-style=stream
step "typecheck"; tsc -p tsconfig.json --noEmit
step "format"; prettier --check . --log-level=warn
step "unit tests"; nx run-many -t test --output-style=stream --skip-nx-cache
step "integration tests (real PostgreSQL and Kafka)"; nx run-many -t int --parallel=1 --output-style=stream
step "build"; node scripts/build.mjs
# schemathesis (PyPI) for the contract fuzzing e2e spec, pinned, into .local/schemathesis (ADR 0029)
step "schemathesis install"; bash tools/schemathesis/install.sh
step "end-to-end tests (six services, two gateways, two command services)"; nx run-many -t e2e --parallel=1 --output-style=stream
step "fault suite (services killed, the broker lost, PostgreSQL restarted)"; nx run-many -t faults --parallel=1 --output-style=stream

