/** A complete tenant manifest, for the README and the CLI's help; a test proves that it parses. */
export const MANIFEST_EXAMPLE = `apiVersion: tenantflow/v1
kind: Tenant
metadata:
  slug: acme
spec:
  name: Acme Inc
  plan: standard
  isolation: schema
  region: eu-west-1
  status: active
`;
