import { z } from 'zod';
import { databaseEnv, httpEnv, instanceEnv, jwtEnv, jwtRules, kafkaEnv } from '@platform/service-kit';
import { parseAllowedHosts } from '@platform/webhooks';

export const configSchema = z
  .object({
    ...kafkaEnv,
    ...databaseEnv,
    ...jwtEnv,
    ...instanceEnv,
    ...httpEnv(8085),
    /** Partitions of the topics this registry's event relay creates when it leads (as the command service). */
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
    /** Regions a tenant may be placed in; the first is the default. */
    ALLOWED_REGIONS: z
      .string()
      .regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, 'must be a comma-separated list of region names')
      .default('eu-west-1,us-east-1')
      .transform((value) => value.split(',')),
    /** How often the tenant controller looks for work (drafts to provision, tenants to purge), in ms. */
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1_000),
    /**
     * Services that own per-tenant storage (comma-separated service names, ADR 0031): a tenant is
     * activated once each reported its storage provisioned on `tenants.storage`, and deleted once
     * each reported it purged. Empty: nobody to wait for.
     */
    TENANT_STORAGE_OWNERS: z
      .string()
      .regex(
        /^([a-z][a-z0-9-]{1,62}(,[a-z][a-z0-9-]{1,62})*)?$/,
        'must be a comma-separated list of service names',
      )
      .default('projection-service,saga-service')
      .transform((value) => (value === '' ? [] : value.split(','))),
    /** How often every live tenant's storage is measured against its plan's quota, in ms. */
    STORAGE_METER_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
    /**
     * Hosts (`host` or `host:port`, comma-separated) webhooks may reach over plain http and at any
     * address, private and loopback ones included; every other webhook needs https and a public
     * address. Empty by default: name only receivers you run.
     */
    WEBHOOK_ALLOWED_HOSTS: z
      .string()
      .default('')
      .superRefine((value, ctx) => {
        try {
          parseAllowedHosts(value);
        } catch (error) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of host or host:port: ${(error as Error).message}`,
          });
        }
      }),
  })
  .superRefine(jwtRules);

export type TenantRegistryConfig = z.infer<typeof configSchema>;
