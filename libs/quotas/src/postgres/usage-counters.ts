import type { ClientBase, Pool } from 'pg';
import { isUuid } from '@platform/contracts';
import { monthlyPeriodOf, secondsUntilReset, type UsagePeriod } from '../usage-period';
import { DEFAULT_SCHEMA, METRIC_PATTERN, assertSchemaName, migrationLockKey, schemaDdl } from './schema.sql';
import { migrateUnderLock } from '@platform/postgres-kit';

export interface UsageCountersOptions {
  /** PostgreSQL schema holding the `usage` table; default `quotas`. */
  readonly schema?: string;
}

/** One unit of `metric` for `tenantId`, in the UTC month of `at`, if fewer than `limit` are used. */
export interface ConsumeRequest {
  readonly tenantId: string;
  readonly metric: string;
  /** The plan's quota for the month: an integer >= 0. */
  readonly limit: number;
  /** When the unit is used (the command's time): picks the month. */
  readonly at: Date;
}

export type ConsumeResult =
  | {
      readonly ok: true;
      /** Units used this month, this one included. */
      readonly used: number;
      readonly limit: number;
      readonly period: UsagePeriod;
    }
  | {
      readonly ok: false;
      /** Units used this month (none was taken). */
      readonly used: number;
      readonly limit: number;
      readonly period: UsagePeriod;
      /** Seconds until the next UTC month, when the counter starts again: a `Retry-After`. */
      readonly retryAfterSeconds: number;
    };

/** What {@link UsageCounters.consumeMany} took: the first `granted` of the units asked for. */
export interface ConsumeManyResult {
  readonly granted: number;
  /** Units used this month, those granted included. */
  readonly used: number;
  readonly limit: number;
  readonly period: UsagePeriod;
  /** Seconds until the next UTC month: a `Retry-After` for those refused. */
  readonly retryAfterSeconds: number;
}

/**
 * Usage counters against plan quotas on PostgreSQL: one row per (tenant, UTC month, metric). A unit
 * is taken by ONE conditional upsert (`used < limit`) inside the caller's transaction, so it commits
 * or rolls back with the change it pays for, and concurrent consumers of one counter wait for each
 * other on its row: between them they never take more than the limit.
 *
 * @example
 * const counters = new UsageCounters(pool);
 * await counters.migrate();
 * const taken = await counters.consume(tx, { tenantId, metric: 'orders', limit: 1_000, at: new Date() });
 * if (!taken.ok) return tooMany(taken.retryAfterSeconds); // and roll back / change nothing
 * await counters.usage(tenantId, 'orders', new Date()); // 1
 * await counters.purgeTenant(tenantId); // when the tenant is deleted
 */
export class UsageCounters {
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    options: UsageCountersOptions = {},
  ) {
    this.schema = assertSchemaName(options.schema ?? DEFAULT_SCHEMA);
  }

  /** Creates or updates the schema. Idempotent; concurrent calls from several processes are safe. */
  async migrate(): Promise<void> {
    await migrateUnderLock(this.pool, migrationLockKey(this.schema), schemaDdl(this.schema));
  }

  /**
   * Takes one unit if fewer than `limit` are used this month. Run it on the client of the
   * transaction that makes the change it pays for: the counter's row stays locked until that
   * transaction ends, and the unit is kept only if it commits. Throws a TypeError on an invalid
   * request.
   */
  async consume(tx: ClientBase, request: ConsumeRequest): Promise<ConsumeResult> {
    const { limit } = request;
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new TypeError(`limit must be an integer >= 0; got ${String(limit)}`);
    }
    const period = monthlyPeriodOf(request.at);
    const key = counterKey(request.tenantId, request.metric, period);
    if (limit >= 1) {
      const { rows } = await tx.query<{ used: string }>(
        `insert into "${this.schema}".usage as u (tenant_id, period, metric, used) values ($1, $2, $3, 1)
         on conflict (tenant_id, period, metric)
           do update set used = u.used + 1, updated_at = now() where u.used < $4
         returning used`,
        [...key, limit],
      );
      const [row] = rows;
      if (row !== undefined) return { ok: true, used: Number(row.used), limit, period };
    }
    const used = await this.read(tx, key);
    return { ok: false, used, limit, period, retryAfterSeconds: secondsUntilReset(request.at) };
  }

  /**
   * Takes up to `units` units at once, as many as fit under `limit` this month (a group of commands
   * of one tenant: the first `granted` of them are paid for, the rest are refused). One statement,
   * under the counter's row lock like {@link consume}: concurrent consumers never take more than
   * the limit between them. Give back what a command that then failed did not use with
   * {@link giveBack}, in the same transaction.
   */
  async consumeMany(
    tx: ClientBase,
    request: ConsumeRequest & { readonly units: number },
  ): Promise<ConsumeManyResult> {
    const { limit, units } = request;
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new TypeError(`limit must be an integer >= 0; got ${String(limit)}`);
    }
    if (!Number.isSafeInteger(units) || units < 1) {
      throw new TypeError(`units must be an integer >= 1; got ${String(units)}`);
    }
    const period = monthlyPeriodOf(request.at);
    const key = counterKey(request.tenantId, request.metric, period);
    // taken = least(used + units, greatest(used, limit)) - used: all of them, what is left, or none
    const { rows } = await tx.query<{ used: string; last_taken: string }>(
      `insert into "${this.schema}".usage as u (tenant_id, period, metric, used, last_taken)
       values ($1, $2, $3, least($4::bigint, $5::bigint), least($4::bigint, $5::bigint))
       on conflict (tenant_id, period, metric) do update set
         used = least(u.used + $4::bigint, greatest(u.used, $5::bigint)),
         last_taken = least(u.used + $4::bigint, greatest(u.used, $5::bigint)) - u.used,
         updated_at = now()
       returning used, last_taken`,
      [...key, units, limit],
    );
    const row = rows[0];
    return {
      granted: Number(row?.last_taken ?? 0),
      used: Number(row?.used ?? 0),
      limit,
      period,
      retryAfterSeconds: secondsUntilReset(request.at),
    };
  }

  /** Returns `units` taken by {@link consumeMany} in this transaction that were not used after all. */
  async giveBack(
    tx: ClientBase,
    request: Pick<ConsumeRequest, 'tenantId' | 'metric' | 'at'>,
    units: number,
  ): Promise<void> {
    if (units <= 0) return;
    await tx.query(
      `update "${this.schema}".usage set used = greatest(0, used - $4::bigint), updated_at = now()
        where tenant_id = $1 and period = $2 and metric = $3`,
      [...counterKey(request.tenantId, request.metric, monthlyPeriodOf(request.at)), units],
    );
  }

  /** Units of `metric` the tenant used in the UTC month of `at` (0 when none). */
  async usage(tenantId: string, metric: string, at: Date): Promise<number> {
    return this.read(this.pool, counterKey(tenantId, metric, monthlyPeriodOf(at)));
  }

  /** Records the measured value of one of the tenant's gauges (e.g. `storage-bytes`). */
  async setGauge(tenantId: string, metric: string, value: number, measuredAt: Date): Promise<void> {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`a gauge value must be an integer >= 0; got ${String(value)}`);
    }
    await this.pool.query(
      `insert into "${this.schema}".gauges as g (tenant_id, metric, value, measured_at) values ($1, $2, $3, $4)
       on conflict (tenant_id, metric) do update set value = excluded.value, measured_at = excluded.measured_at`,
      [...gaugeKey(tenantId, metric), value, measuredAt],
    );
  }

  /**
   * Whether the gauge's last measured value is within `limit` (no measure yet: within). On the
   * client of the transaction it guards, or on the pool.
   */
  async checkGauge(
    executor: ClientBase | undefined,
    request: { readonly tenantId: string; readonly metric: string; readonly limit: number },
  ): Promise<GaugeCheck> {
    const { value, measuredAt } = await this.readGauge(executor, request.tenantId, request.metric);
    const limit = request.limit;
    return value <= limit ? { ok: true, value, limit } : { ok: false, value, limit, measuredAt };
  }

  /** A gauge's last recorded value and when it was measured (0, at the epoch, when never). */
  async readGauge(executor: ClientBase | undefined, tenantId: string, metric: string): Promise<GaugeReading> {
    const { rows } = await (executor ?? this.pool).query<{ value: string; measured_at: Date }>(
      `select value, measured_at from "${this.schema}".gauges where tenant_id = $1 and metric = $2`,
      [...gaugeKey(tenantId, metric)],
    );
    const [row] = rows;
    return { value: Number(row?.value ?? 0), measuredAt: row?.measured_at ?? new Date(0) };
  }

  /**
   * Deletes every counter and gauge of a tenant (all months and metrics), e.g. when the tenant is
   * deleted; inside the caller's transaction when `executor` is given. Returns the number removed.
   */
  async purgeTenant(tenantId: string, executor?: ClientBase): Promise<number> {
    const tenant = tenantIdOf(tenantId);
    let removed = 0;
    for (const table of ['usage', 'gauges']) {
      const { rowCount } = await (executor ?? this.pool).query(
        `delete from "${this.schema}".${table} where tenant_id = $1`,
        [tenant],
      );
      removed += rowCount ?? 0;
    }
    return removed;
  }

  private async read(executor: ClientBase | Pool, key: readonly string[]): Promise<number> {
    const { rows } = await executor.query<{ used: string }>(
      `select used from "${this.schema}".usage where tenant_id = $1 and period = $2 and metric = $3`,
      [...key],
    );
    return Number(rows[0]?.used ?? 0);
  }
}

/** A gauge as last recorded ({@link UsageCounters.readGauge}). */
export interface GaugeReading {
  readonly value: number;
  readonly measuredAt: Date;
}

/** The result of {@link UsageCounters.checkGauge}. */
export type GaugeCheck =
  | { readonly ok: true; readonly value: number; readonly limit: number }
  | { readonly ok: false; readonly value: number; readonly limit: number; readonly measuredAt: Date };

/** A gauge's primary key as query parameters; throws a TypeError on a bad tenant or metric. */
function gaugeKey(tenantId: unknown, metric: unknown): [string, string] {
  if (typeof metric !== 'string' || !METRIC_PATTERN.test(metric)) {
    throw new TypeError(`metric must match ${String(METRIC_PATTERN)}; got ${JSON.stringify(metric)}`);
  }
  return [tenantIdOf(tenantId), metric];
}

/** The counter's primary key as query parameters; throws a TypeError on a bad tenant or metric. */
function counterKey(tenantId: unknown, metric: unknown, period: UsagePeriod): [string, string, string] {
  if (typeof metric !== 'string' || !METRIC_PATTERN.test(metric)) {
    throw new TypeError(`metric must match ${String(METRIC_PATTERN)}; got ${JSON.stringify(metric)}`);
  }
  return [tenantIdOf(tenantId), period.start, metric];
}

function tenantIdOf(tenantId: unknown): string {
  if (!isUuid(tenantId)) throw new TypeError(`tenantId must be a UUID; got ${JSON.stringify(tenantId)}`);
  return tenantId.toLowerCase();
}
