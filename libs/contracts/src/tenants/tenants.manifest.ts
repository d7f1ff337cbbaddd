import { z } from 'zod';
import { SLUG_PATTERN } from '../ids';
import { TENANT_ISOLATIONS, TENANT_PLANS } from './tenants.events';

export const TENANT_MANIFEST_API_VERSION = 'tenantflow/v1';

/** The statuses a manifest may ask for; the rest of the lifecycle is driven by the registry. */
export const TENANT_MANIFEST_STATUSES = ['active', 'suspended'] as const;

/** A region name as in `ALLOWED_REGIONS`, e.g. `eu-west-1`. */
export const REGION_PATTERN = /^[a-z0-9-]{1,64}$/;

/** The desired tenant. `status` may be left out: a manifest then asks for an active tenant. */
export const tenantManifestSpecSchema = z.strictObject({
  name: z.string().min(1).max(200),
  plan: z.enum(TENANT_PLANS),
  isolation: z.enum(TENANT_ISOLATIONS),
  region: z.string().regex(REGION_PATTERN, 'lower-case letters, digits and "-", e.g. "eu-west-1"'),
  status: z.enum(TENANT_MANIFEST_STATUSES).default('active'),
});

/**
 * A declarative tenant manifest (`PUT /v1/tenants/{slug}/manifest`, YAML or JSON), version
 * `tenantflow/v1`. Unknown fields are refused, so a typo is an error rather than ignored.
 */
export const tenantManifestSchema = z.strictObject({
  apiVersion: z.literal(TENANT_MANIFEST_API_VERSION),
  kind: z.literal('Tenant'),
  metadata: z.strictObject({
    slug: z
      .string()
      .regex(SLUG_PATTERN, 'lower-case letters, digits and "-", 3 to 63, starting with a letter'),
  }),
  spec: tenantManifestSpecSchema,
});

export type TenantManifestStatus = (typeof TENANT_MANIFEST_STATUSES)[number];
export type TenantManifestSpec = z.infer<typeof tenantManifestSpecSchema>;
export type TenantManifest = z.infer<typeof tenantManifestSchema>;
