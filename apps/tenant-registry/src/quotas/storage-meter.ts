import { PLANS, type TenantIsolation } from '@platform/contracts';
import type { Logger } from '@platform/observability';
import { STORAGE_BYTES_METRIC } from '@platform/quotas';
import { setCondition, type ConditionUpdate } from '../registry/conditions';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';

const MIB = 1024 * 1024;

export interface StorageMeterDeps {
  readonly db: RegistryDatabase;
  /** The tenants' read models (`ReadModelStorageMeter` of `@platform/read-models`), closed at stop. */
  readonly readModels: {
    bytes(tenantId: string, isolation: TenantIsolation): Promise<number>;
    close(): Promise<void>;
  };
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Measures every live tenant's storage (its events and snapshots, and its read models: schema,
 * database or rows) once every `intervalMs`, records it as the tenant's `storage-bytes` gauge, which
 * the command service checks against the plan's `maxStorageMb` before each write, and shows it in
 * the tenant's `StorageWithinQuota` condition. A measure is a few catalogue and aggregate queries per
 * tenant; between two measures a tenant may grow past its quota (the quota is checked against the
 * last measure).
 *
 * The measures of a pass are spread evenly over the interval (one tenant every `intervalMs / n`),
 * never run back to back: a registry that starts with a thousand tenants would otherwise scan all of
 * their rows at once, on the same cores and the same PostgreSQL as the requests.
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
    await this.deps.readModels.close();
  }

  /** One pass over the live tenants; a tenant that fails to measure is logged and skipped. */
  async measureAll(): Promise<number> {
    let measured = 0;
    for (const tenant of await this.liveTenants()) {
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
    const { db, readModels } = this.deps;
    const bytes =
      (await db.store.tenantStorageBytes(tenant.id)) + (await readModels.bytes(tenant.id, tenant.isolation));
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

  /** Tenants the meter measures: the live ones (active or suspended). */
  private async liveTenants(): Promise<TenantRecord[]> {
    return (await this.deps.db.tenants.all()).filter(
      (tenant) => tenant.status === 'active' || tenant.status === 'suspended',
    );
  }

  /** Passes until stopped, each measuring every live tenant once, spread over `intervalMs`. */
  private async loop(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      let tenants: TenantRecord[] = [];
      try {
        tenants = await this.liveTenants();
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'storage meter: could not list the tenants');
      }
      if (tenants.length === 0) await this.pause(this.intervalMs);
      const spacing = this.intervalMs / Math.max(tenants.length, 1);
      for (const tenant of tenants) {
        if (signal.aborted) return;
        try {
          await this.measure(tenant);
        } catch (error) {
          this.deps.logger.warn(
            { err: error, tenantId: tenant.id },
            'storage meter: could not measure a tenant',
          );
        }
        await this.pause(spacing);
      }
    }
  }

  /** Waits `ms`, or less when the meter is stopped. */
  private pause(ms: number): Promise<void> {
    const { signal } = this.stopping;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }
}
