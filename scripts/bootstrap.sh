#!/usr/bin/env bash
# Installs the project's own toolchain when missing: npm dependencies, among them the Node 24
# runtime (the npm package `node`, which npm scripts put first on PATH). Idempotent and quick when
# everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "[bootstrap] npm not found: installing Debian's nodejs and npm (only to fetch the project's Node 24)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ ! -x node_modules/.bin/node ]; then
  # `npm ci`: exactly the locked tree, and the lock file is never rewritten (it lists every
  # platform's optional binaries, e.g. @swc/core-darwin-*, so that a set-up leaves git status clean).
  echo "[bootstrap] installing npm dependencies (npm ci from package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

runtime=$(node_modules/.bin/node --version)
case "$runtime" in
  v24.*) ;;
  *) echo "[bootstrap] expected Node 24 from node_modules/.bin/node, got $runtime" >&2; exit 1 ;;
esac
