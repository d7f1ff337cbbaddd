import { randomUUID } from 'node:crypto';
import { Pool, type Client } from 'pg';
import type { TenantIsolation, TenantPlan } from '@platform/contracts';
import { testInfra, uniqueSuffix, withTestClient } from '@platform/testing';
import { WebhookEgress } from '@platform/webhooks';
import { RegistryDatabase, type RegistrySchemas } from '../registry/registry-database';
import type { Caller } from '../tenants/caller';
import { TenantCommands, type TenantChange } from '../tenants/tenant-commands';

// For this app's integration specs: the registry's stores in throwaway schemas of the local
// PostgreSQL (tenant storage itself is real: `tenant_<hex>` schemas and databases).

export interface RegistryFixture {
  readonly db: RegistryDatabase;
  /** Where its webhooks may go: `WEBHOOK_ALLOWED_HOSTS` as given to the fixture (none by default). */
  readonly egress: WebhookEgress;
  readonly commands: TenantCommands;
  readonly schemas: Required<RegistrySchemas>;
  /** Drops the schemas and ends the pool. */
  close(): Promise<void>;
}

export async function registryFixture(
  poolSize = 10,
  options: { webhookAllowedHosts?: string } = {},
): Promise<RegistryFixture> {
  const suffix = uniqueSuffix();
  const schemas = {
    registry: `registry_it_${suffix}`,
    eventStore: `es_it_${suffix}`,
    audit: `audit_it_${suffix}`,
    webhooks: `webhooks_it_${suffix}`,
    quotas: `quotas_it_${suffix}`,
    idempotency: `idempotency_it_${suffix}`,
  };
  const pool = new Pool({ connectionString: testInfra.databaseUrl, max: poolSize });
  pool.on('error', () => undefined);
  const egress = new WebhookEgress({ allowedHosts: options.webhookAllowedHosts ?? '' });
  const db = new RegistryDatabase(pool, schemas, undefined, egress);
  await db.migrate();
  return {
    db,
    egress,
    commands: new TenantCommands(db),
    schemas,
    close: async () => {
      await pool.end();
      await asSuperuser(async (client) => {
        for (const schema of Object.values(schemas))
          await client.query(`drop schema if exists "${schema}" cascade`);
      });
    },
  };
}

/** Runs `work` on a fresh connection as the local superuser (the infra's `platform` role). */
export const asSuperuser = <T>(work: (client: Client) => Promise<T>): Promise<T> => withTestClient(work);

export const testCaller = (actor = 'it-admin'): Caller => {
  const requestId = randomUUID();
  return { actor, requestId, correlationId: `corr-${uniqueSuffix()}`, causationId: requestId };
};

export async function createTenant(
  commands: TenantCommands,
  options: {
    slug?: string;
    isolation?: TenantIsolation;
    plan?: TenantPlan;
    tenantId?: string;
    caller?: Caller;
  } = {},
): Promise<TenantChange & { tenantId: string }> {
  const tenantId = options.tenantId ?? randomUUID();
  const change = await commands.execute(
    {
      type: 'CreateTenant',
      data: {
        tenantId,
        slug: options.slug ?? `it-${uniqueSuffix()}`,
        name: 'Integration Co',
        plan: options.plan ?? 'standard',
        isolation: options.isolation ?? 'schema',
        region: 'eu-west-1',
      },
    },
    options.caller ?? testCaller(),
  );
  return { ...change, tenantId };
}
