#!/usr/bin/env bash
# Installs schemathesis (pinned in requirements.txt, from PyPI) into .local/schemathesis.
# Idempotent: does nothing when the venv already holds the pinned version.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=$root/.local/schemathesis
requirements=$root/tools/schemathesis/requirements.txt
stamp=$venv/.requirements
if [ -x "$venv/bin/schemathesis" ] && cmp -s "$requirements" "$stamp"; then exit 0; fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  # Debian splits venv out of python3 (root or passwordless sudo, as for PostgreSQL and the JRE)
  # shellcheck source=../../deploy/local/lib.sh
  source "$root/deploy/local/lib.sh"
  apt_install python3 python3-venv
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
