#!/usr/bin/env bash
# Contract fuzzing (ADR 0029): schemathesis against a running gateway, every operation of its
# /openapi.json, with a real token. Fails on a 5xx, an undocumented status or media type, or a body
# that does not match the document.
#
#   tools/schemathesis/run.sh http://localhost:8080 <tenant-id>
#
# The token (SCHEMATHESIS_TOKEN, else signed by scripts/dev-token.mjs with JWT_SECRET) is a
# platform-admin, tenant-admin and member of the tenant, so every operation can succeed.
# SCHEMATHESIS_MAX_EXAMPLES (default 25) bounds the cases per operation; reports go to
# .local/test-results/schemathesis (JUnit) unless SCHEMATHESIS_REPORT_DIR says otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
url=${1:?usage: run.sh <gateway-url> <tenant-id>}
tenant=${2:?usage: run.sh <gateway-url> <tenant-id>}
bash "$root/tools/schemathesis/install.sh"
token=${SCHEMATHESIS_TOKEN:-$(node "$root/scripts/dev-token.mjs" --tenant "$tenant" --roles platform-admin,tenant-admin,member --sub schemathesis)}
reports=${SCHEMATHESIS_REPORT_DIR:-$root/.local/test-results/schemathesis}
mkdir -p "$reports"
# POST /v1/tenants/import takes a gzip'd archive, which schemathesis has no serializer for: it is
# left out here and covered by apps/platform-e2e/src/tenant-archive.e2e.spec.ts and openapi.e2e.
# Run from the venv's directory: schemathesis keeps a cache in the working directory.
cd "$root/.local/schemathesis"
# X-Consistency-Token is pinned to 0 (always reached): a position the tenant's read models never
# saw waits out CONSISTENCY_WAIT_MS and answers 504 by contract (ADR 0012), which
# not_a_server_error would count; consistency-token.e2e.spec.ts covers the header itself.
exec "$root/.local/schemathesis/bin/schemathesis" run "$url/openapi.json" \
  --url "$url" \
  --header "Authorization: Bearer $token" \
  --header "X-Tenant-ID: $tenant" \
  --header "X-Consistency-Token: 0" \
  --exclude-operation-id postV1TenantsImport \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" \
  --workers 1 \
  --seed "${SCHEMATHESIS_SEED:-29}" \
  --request-timeout 15 \
  --continue-on-failure \
  --generation-database none \
  --report junit --report-dir "$reports" \
  --warnings off
