import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import type { TenantIsolation } from '@platform/contracts';
import { deprovisionTenantStorage, provisionTenantStorage } from '@platform/read-models';
// The registry is an app, not a lib: the bench drives its controller as the service does.
import { RegistryDatabase } from '../../../apps/tenant-registry/src/registry/registry-database';
import { TenantController } from '../../../apps/tenant-registry/src/reconcile/tenant-controller';
import { ownerReportedStorage } from '../../../apps/tenant-registry/src/reconcile/tenant-storage.port';
import { TenantCommands } from '../../../apps/tenant-registry/src/tenants/tenant-commands';
import type { BenchConfig } from '../config';
import { alternate, progress, toRow, type Row } from '../harness';
import { median, now } from '../stats';

/** The bench never deletes through the controller: nothing asks owners to purge. */
const noPurgeRequests = {
  topic: (base: string) => base,
  source: '/bench',
  publish: () => Promise.reject(new Error('the provisioning bench publishes nothing')),
};

/** Tenants provisioned per repetition and mode (the repetition's figure is their median). */
const TENANTS_PER_TRIAL = 5;
const MODES: readonly TenantIsolation[] = ['shared', 'schema', 'dedicated'];

/**
 * Tenant provisioning, draft to active, per isolation mode: ours is the whole control-plane path
 * (the CreateTenant command with its event, record, slug and audit record, then the controller:
 * lock, storage, ActivateTenant with its own event and audit record); the peer is the read-model
 * storage alone (`provisionTenantStorage`: schema or database and the TypeORM migrations), i.e.
 * what the bookkeeping is added to. Figures: milliseconds per tenant.
 */
export async function provisioningScenarios(
  config: BenchConfig,
  isSelected: (id: string) => boolean,
): Promise<Row[]> {
  const modes = MODES.filter((mode) => isSelected(`provision-${mode}`));
  if (modes.length === 0) return [];
  const suffix = config.runId.replace(/[^a-z0-9]/g, '');
  const schemas = {
    registry: `bench_registry_${suffix}`,
    eventStore: `bench_registry_es_${suffix}`,
    audit: `bench_registry_audit_${suffix}`,
    webhooks: `bench_registry_wh_${suffix}`,
    quotas: `bench_registry_quotas_${suffix}`,
    idempotency: `bench_registry_idem_${suffix}`,
  };
  const pool = new Pool({ connectionString: config.databaseUrl, max: 6 });
  const locks = new Pool({ connectionString: config.databaseUrl, max: 2 });
  const db = new RegistryDatabase(pool, schemas);
  await db.migrate();
  const commands = new TenantCommands(db);
  const controller = new TenantController(
    {
      db,
      commands,
      // The owner's part (ADR 0031) in this process: the storage provisioned and its report recorded
      // as the projection and the registry's consumer do, without the Kafka hop between them.
      storage: ownerReportedStorage(db.storageOwners, noPurgeRequests, ['projection-service']),
      announcer: { announce: async () => undefined },
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
      newId: randomUUID,
    },
    { intervalMs: 60_000, concurrency: 1, lockPool: locks },
  );
  const provisioned: { tenantId: string; isolation: TenantIsolation }[] = [];
  const caller = {
    actor: 'user:bench',
    requestId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
  };

  const throughControlPlane = async (isolation: TenantIsolation): Promise<number> => {
    const tenantId = randomUUID();
    const started = now();
    const created = await commands.execute(
      {
        type: 'CreateTenant',
        data: {
          tenantId,
          slug: `bench-${suffix}-${tenantId.slice(0, 8)}`,
          name: 'Bench Co',
          plan: 'standard',
          isolation,
          region: 'eu-west-1',
        },
      },
      caller,
    );
    if (!created.ok) throw new Error(`CreateTenant refused: ${created.refusal.detail}`);
    const { migrationsRun } = await provisionTenantStorage(config.databaseUrl, tenantId, isolation);
    await db.storageOwners.recordProvisioned(
      tenantId,
      'projection-service',
      `${migrationsRun.length} migrations`,
      new Date().toISOString(),
    );
    const outcome = await controller.reconcileTenant(tenantId);
    const elapsed = now() - started;
    provisioned.push({ tenantId, isolation });
    const tenant = await db.tenants.find(tenantId);
    if (outcome !== 'done' || tenant?.status !== 'active') {
      throw new Error(`tenant ${tenantId} not active after the controller (${outcome}, ${tenant?.status})`);
    }
    return elapsed;
  };
  const storageAlone = async (isolation: TenantIsolation): Promise<number> => {
    const tenantId = randomUUID();
    const started = now();
    await provisionTenantStorage(config.databaseUrl, tenantId, isolation);
    const elapsed = now() - started;
    provisioned.push({ tenantId, isolation });
    return elapsed;
  };

  const rows: Row[] = [];
  try {
    for (const isolation of modes) {
      progress(`provisioning, ${isolation}: ${TENANTS_PER_TRIAL} tenants per repetition`);
      const results = await alternate(
        config,
        [
          { side: 'ours', subject: throughControlPlane },
          { side: 'peer', subject: storageAlone },
        ],
        async (provision) => {
          const times: number[] = [];
          for (let i = 0; i < TENANTS_PER_TRIAL; i += 1) times.push(await provision(isolation));
          return { value: median(times) };
        },
      );
      rows.push(
        toRow(
          {
            id: `provision-${isolation}`,
            scenario: `tenant provisioning, draft to active, ${isolation} isolation (median of ${TENANTS_PER_TRIAL} per repetition)`,
            unit: 'ms/tenant',
            better: 'lower',
            peerLabel: 'read-model storage alone (provisionTenantStorage, no registry bookkeeping)',
          },
          results,
        ),
      );
    }
  } finally {
    for (const { tenantId, isolation } of provisioned) {
      await deprovisionTenantStorage(config.databaseUrl, tenantId, isolation).catch(() => undefined);
    }
    for (const schema of Object.values(schemas)) {
      await pool.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    }
    await Promise.all([pool.end(), locks.end()]);
  }
  return rows;
}
