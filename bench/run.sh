#!/usr/bin/env bash
# The one benchmark command (`npm run bench`): our event store vs @event-driven-io/emmett-postgresql,
# side by side in one run on the same PostgreSQL, plus pgbench as PostgreSQL's own ceiling and raw
# kafkajs as the Kafka side's. Writes bench/results/<ISO timestamp>-<git sha>.md and
# bench/results/latest.json, and prints the table. See bench/README.md.
#
#   bash bench/run.sh                        everything (~5 minutes on 2 cores)
#   BENCH_ONLY=append-1ev,read bash bench/run.sh   only scenarios whose id starts with these
#   BENCH_REPS=5 BENCH_TRIAL_SECONDS=5 ...   more/longer repetitions; BENCH_KEEP=1 keeps the data
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

log() { printf '[bench] %s\n' "$*" >&2; }

# 1. Infrastructure: the project's local PostgreSQL and Kafka (installs and starts what is missing).
bash deploy/local/infra.sh start >&2
# BENCH_TRACING=1: the http-command services export every span to the local Jaeger (ADR 0027)
if [[ ${BENCH_TRACING:-0} == 1 ]]; then bash deploy/local/infra.sh start jaeger >&2; fi
eval "$(bash deploy/local/infra.sh env)"

# 2. pgbench, from the same PostgreSQL major version as the running server (postgresql-contrib on
#    Debian; recent packages ship it in the server package itself).
pg_major=$(cat .local/pg/data/PG_VERSION 2>/dev/null || true)
pgbench_bin=""
find_pgbench() {
  if [[ -n $pg_major && -x /usr/lib/postgresql/$pg_major/bin/pgbench ]]; then
    pgbench_bin=/usr/lib/postgresql/$pg_major/bin/pgbench
  else
    pgbench_bin=$(compgen -G '/usr/lib/postgresql/*/bin/pgbench' | sort -V | tail -n 1 || true)
  fi
}
find_pgbench
if [[ -z $pgbench_bin ]]; then
  log "pgbench not found; installing postgresql-contrib"
  if [[ $EUID -eq 0 ]]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-contrib >&2
  find_pgbench
  [[ -n $pgbench_bin ]] || { log "ERROR: still no pgbench after installing postgresql-contrib"; exit 1; }
fi
export BENCH_PGBENCH=$pgbench_bin

# 3. Build: the libs as the project builds them, then bench/src with the same swc setup.
node scripts/build.mjs >&2
node bench/build.mjs >&2

# 4. Run. --expose-gc lets the harness collect between trials.
# The command quoted beside the figures: `npm run bench`, with the BENCH_* settings given.
settings=$(env | grep -E '^BENCH_(ONLY|REPS|TRIAL_SECONDS|WARMUP_SECONDS|PGBENCH_SECONDS|KEEP|COMMAND_SECONDS|COMMAND_CLIENTS|FULFILMENT_SECONDS|FULFILMENT_CLIENTS|TRACING)=' | sort | tr '\n' ' ' || true)
export BENCH_COMMAND=${BENCH_COMMAND:-"${settings}npm run bench"}
export KAFKAJS_NO_PARTITIONER_WARNING=1
# kafkajs 2.2 sets negative timers on Node >= 23 (harmless, known): keep its warning out of the output.
exec node --expose-gc --disable-warning=TimeoutNegativeWarning dist/bench/src/main.js
