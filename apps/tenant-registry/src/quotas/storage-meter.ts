import { PLANS, type TenantIsolation } from '@platform/contracts';
import type { Logger } from '@platform/observability';
import { STORAGE_BYTES_METRIC } from '@platform/quotas';
import { setCondition, type ConditionUpdate } from '../registry/conditions';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';

const MIB = 1024 * 1024;

export interface StorageMeterDeps {
  readonly db: RegistryDatabase;
  /** Bytes of the tenant's read models (`tenantStorageBytes` of `@platform/read-models`). */
  readonly readModelBytes: (tenantId: string, isolation: TenantIsolation) => Promise<number>;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Measures every live tenant's storage (its events and snapshots, and its read models: schema,
 * database or rows) every `intervalMs`, records it as the tenant's `storage-bytes` gauge, which the
 * command service checks against the plan's `maxStorageMb` before each write, and shows it in the
 * tenant's `StorageWithinQuota` condition. A measure is a few catalogue and aggregate queries per
 * tenant; between two measures a tenant may grow past its quota (the quota is checked against the
 * last measure).
 */
export class StorageMeter {
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: StorageMeterDeps,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /**
   * Stops measuring: no tenant is measured after this. A measure in flight is waited for
   * `graceMs` at most; past that it is left to fail as the pools close (its gauge is only a reading,
   * taken again at the next start), so that a slow measure never holds up a shutdown.
   */
  async stop(graceMs = 2_000): Promise<void> {
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const outcome = await Promise.race([this.running, late]);
    clearTimeout(timer);
    if (outcome === 'late')
      this.deps.logger.warn({ graceMs }, 'storage meter: a measure in flight was left at shutdown');
  }

  /** One pass over the live tenants; a tenant that fails to measure is logged and skipped. */
  async measureAll(): Promise<number> {
    let measured = 0;
    for (const tenant of await this.deps.db.tenants.all()) {
      if (tenant.status !== 'active' && tenant.status !== 'suspended') continue;
      if (this.stopping.signal.aborted) break;
      try {
        await this.measure(tenant);
        measured += 1;
      } catch (error) {
        this.deps.logger.warn(
          { err: error, tenantId: tenant.id },
          'storage meter: could not measure a tenant',
        );
      }
    }
    return measured;
  }

  /** Measures one tenant, records the gauge, and its condition when the verdict changes. */
  async measure(tenant: TenantRecord): Promise<number> {
    const { db, readModelBytes } = this.deps;
    const bytes =
      (await db.store.tenantStorageBytes(tenant.id)) + (await readModelBytes(tenant.id, tenant.isolation));
    const now = this.deps.now();
    await db.usage.setGauge(tenant.id, STORAGE_BYTES_METRIC, bytes, now);
    const limitMb = PLANS[tenant.plan].quotas.maxStorageMb;
    const update: ConditionUpdate = {
      type: 'StorageWithinQuota',
      status: bytes <= limitMb * MIB ? 'True' : 'False',
      reason: bytes <= limitMb * MIB ? 'WithinQuota' : 'QuotaExceeded',
      message: `${(bytes / MIB).toFixed(1)} MB of ${limitMb} MB (${tenant.plan} plan)`,
    };
    const current = tenant.conditions.find((condition) => condition.type === 'StorageWithinQuota');
    // rewritten only when the verdict changes, so that a steady tenant's record does not churn
    if (current?.status !== update.status) {
      await db.tenants.setConditions(tenant.id, setCondition(tenant.conditions, update, now.toISOString()));
    }
    return bytes;
  }

  private async loop(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        await this.measureAll();
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'storage meter pass failed');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
