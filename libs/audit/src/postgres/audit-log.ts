import { type ClientBase, Pool, type PoolClient } from 'pg';
import {
  type AuditEntry,
  type AuditRecord,
  type ChainVerification,
  GENESIS_HASH,
  type JsonValue,
  type NewAuditRecord,
  PLATFORM_TENANT_ID,
  type VerifiedAuditRecord,
} from '../audit-record';
import { toAuditRecordContent, toTenantId } from '../guards';
import { type AuditRecordContent, type ChainHead, sealRecord, serializeStates } from '../hashing';
import { ChainVerifier, markVerified } from '../verify';
import { RECORD_COLUMNS, type RecordRow, toAuditRecord, toInsertValues, toSafeInteger } from './row-mapping';
import {
  DEFAULT_SCHEMA,
  PURGE_ACTION,
  PURGE_MARKER_SETTING,
  assertSchemaName,
  migrationLockKey,
  schemaDdl,
} from './schema.sql';
import { inTransaction, migrateUnderLock } from '@platform/postgres-kit';

export interface AuditLogOptions {
  /** PostgreSQL schema holding the log's table; default `audit`. */
  schema?: string;
  /** Time of records that carry no `occurredAt`; default the system clock. */
  clock?: () => Date;
}

export interface AuditLogConfig extends AuditLogOptions {
  connectionString: string;
  /** Maximum number of pooled connections; default 10. */
  poolSize?: number;
}

export interface ListAuditOptions {
  /** Lists records with a greater sequence; default 0 (from the first). */
  afterSequence?: number;
  /** 1 to {@link MAX_LIST_LIMIT}. */
  limit: number;
}

/** Who purges a tenant's chain, and what else was purged with the tenant (events, read models …). */
export interface PurgeTenantContext {
  actor: string;
  requestId: string;
  correlationId: string;
  occurredAt?: Date | string;
  purged?: JsonValue;
}

/** Outcome of {@link AuditLog.withAudit}: the change's result and the record that audits it. */
export interface Audited<T> {
  result: T;
  record: AuditRecord;
}

export const MAX_LIST_LIMIT = 1000;
/** Records per insert statement of {@link AuditLog.appendAll}: 12 parameters each, far below 65,535. */
const MAX_RECORDS_PER_INSERT = 1000;
const RECORD_COLUMN_COUNT = 12;
const VERIFY_BATCH = 1000;

interface HeadRow {
  head_sequence: string;
  head_hash: string;
}

/**
 * Append-only, hash-chained audit log on PostgreSQL: one chain per tenant, records numbered 1, 2, 3 …
 * without gaps, each carrying the hash of the one before (contract §8). Appends to one tenant's chain
 * are serialised by an advisory lock on that chain; chains of different tenants do not wait for each
 * other. Every read and write takes a tenant id; no call crosses tenants.
 *
 * A change whose audit record cannot be written must not happen. For a change in this same database,
 * {@link withAudit} gives that for free: change and record commit or roll back together. For a change
 * held elsewhere (e.g. events in EventStoreDB), the pattern is to audit first and confirm after:
 * append a record whose `newState` says `{ status: 'pending', … }`, make the change only if that
 * append succeeded, then append a confirming (or failing) record for the same target. Not built here.
 *
 * @example
 * const audit = await AuditLog.create({ connectionString: process.env.DATABASE_URL! });
 * await audit.migrate();
 * const { result: tenant } = await audit.withAudit(
 *   tenantId,
 *   ({ before, after }) => ({
 *     actor: 'user:alice', action: 'tenant.suspend', target: `tenant/${tenantId}`,
 *     previousState: before, newState: after, requestId, correlationId,
 *   }),
 *   (tx: PoolClient) => suspendTenantRow(tx, tenantId), // returns { before, after }
 * );
 * const page = await audit.list(tenantId, { limit: 50 }); // oldest first, each with `verified`
 * const { valid, firstInvalidSequence } = await audit.verify(tenantId);
 */
export class AuditLog {
  private readonly schema: string;
  private readonly clock: () => Date;
  private ownsPool = false;
  private ending: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    options: AuditLogOptions = {},
  ) {
    this.schema = assertSchemaName(options.schema ?? DEFAULT_SCHEMA);
    this.clock = options.clock ?? (() => new Date());
  }

  /** A log on its own pool, which {@link close} ends. Call {@link migrate} before use. */
  static async create(config: AuditLogConfig): Promise<AuditLog> {
    const pool = new Pool({ connectionString: config.connectionString, max: config.poolSize ?? 10 });
    // Without a listener, an idle connection that fails would crash the process.
    pool.on('error', () => undefined);
    const log = new AuditLog(pool, { schema: config.schema ?? DEFAULT_SCHEMA, clock: config.clock });
    log.ownsPool = true;
    return log;
  }

  /** Creates or updates the schema. Idempotent; concurrent calls from several processes are safe. */
  async migrate(): Promise<void> {
    await migrateUnderLock(this.pool, migrationLockKey(this.schema), schemaDdl(this.schema));
  }

  /**
   * Appends a record to the end of its tenant's chain and returns it sealed (sequence, hashes).
   * Without `executor`, in a transaction of its own. With `executor`, inside the caller's open
   * transaction: the chain stays locked until that transaction ends, and the record is kept only if
   * it commits. Outside a transaction, a concurrent append may make this one fail; it never forks
   * the chain (the table checks every insert). Throws a TypeError on an invalid record.
   *
   * @example
   * await audit.append({
   *   tenantId, actor: 'service:command', action: 'command.orders.CreateOrder',
   *   target: `order/${orderId}`, previousState: null, newState: { status: 'created' },
   *   requestId, correlationId, occurredAt: metadata.occurredAt,
   * });
   */
  async append(record: NewAuditRecord, executor?: ClientBase): Promise<AuditRecord> {
    const content = toAuditRecordContent(record, this.clock);
    if (executor !== undefined) return this.appendIn(executor, content);
    return this.inTransaction((client) => this.appendIn(client, content));
  }

  /**
   * Appends several records inside the caller's open transaction (`executor`), each at the end of its
   * tenant's chain, in the order given: one lock per chain (taken in tenant-id order, so two callers
   * never wait on each other in a cycle), one multi-row insert. The chains stay locked until that
   * transaction ends; the records are kept only if it commits. This is how a group of commands
   * committed together records them without a round trip per record (ADR 0018).
   *
   * @example
   * await inTransaction(pool, async (tx) => {
   *   // ... the changes of several commands ...
   *   await audit.appendAll([recordOfA, recordOfB], tx);
   * });
   */
  async appendAll(records: readonly NewAuditRecord[], executor: ClientBase): Promise<AuditRecord[]> {
    if (records.length === 0) return [];
    const contents = records.map((record) => toAuditRecordContent(record, this.clock));
    const heads = new Map<string, ChainHead | null>();
    for (const tenant of [...new Set(contents.map((content) => content.tenantId))].sort()) {
      heads.set(tenant, await this.lockChainHead(executor, tenant));
    }
    const states = contents.map(serializeStates);
    const sealed = contents.map((content, i) => {
      const record = sealRecord(heads.get(content.tenantId) ?? null, content, states[i]);
      heads.set(content.tenantId, { sequence: record.sequence, hash: record.hash });
      return record;
    });
    for (let start = 0; start < sealed.length; start += MAX_RECORDS_PER_INSERT) {
      const chunk = sealed.slice(start, start + MAX_RECORDS_PER_INSERT);
      const width = RECORD_COLUMN_COUNT;
      const rows = chunk.map(
        (_, i) => `(${Array.from({ length: width }, (__, c) => `$${i * width + c + 1}`).join(', ')})`,
      );
      await executor.query(
        `insert into "${this.schema}".records (${RECORD_COLUMNS}) values ${rows.join(', ')}`,
        chunk.flatMap((record, i) => toInsertValues(record, states[start + i])),
      );
    }
    return sealed;
  }

  /**
   * Runs `change` and appends the record `buildRecord` makes of its result, in ONE transaction: if the
   * change throws, nothing is recorded; if the record cannot be built or written, the change is
   * rolled back and the error rethrown. `change` gets the transaction's client and must neither
   * commit nor roll back. The chain is locked only for the append, at the end, so changes of one
   * tenant run concurrently and their records are ordered by commit.
   *
   * TypeScript infers `T` from the arguments left to right: annotate `tx` (`(tx: PoolClient) => …`)
   * or pass `T` explicitly, otherwise `buildRecord` sees `unknown`.
   *
   * @example
   * const { result, record } = await audit.withAudit(
   *   tenantId,
   *   (plan) => ({
   *     actor, action: 'tenant.update-plan', target: `tenant/${tenantId}`,
   *     previousState: { plan: plan.old }, newState: { plan: plan.new }, requestId, correlationId,
   *   }),
   *   async (tx: PoolClient) => {
   *     const { rows } = await tx.query<{ old: string }>(
   *       'update tenants t set plan = $2 from tenants o where t.id = $1 and o.id = t.id returning o.plan as old',
   *       [tenantId, 'enterprise'],
   *     );
   *     return { old: rows[0]?.old ?? null, new: 'enterprise' };
   *   },
   * );
   */
  async withAudit<T>(
    tenantId: string,
    buildRecord: (result: T) => AuditEntry | Promise<AuditEntry>,
    change: (tx: PoolClient) => Promise<T>,
  ): Promise<Audited<T>> {
    const tenant = toTenantId(tenantId);
    return this.inTransaction(async (client) => {
      const result = await change(client);
      const entry = await buildRecord(result);
      const record = await this.appendIn(
        client,
        toAuditRecordContent({ ...entry, tenantId: tenant }, this.clock),
      );
      return { result, record };
    });
  }

  /**
   * A tenant's records, oldest first, each with `verified`: its own hash matches its content and it
   * links to the record before it. Use {@link verify} for the whole chain.
   *
   * @example
   * const next = await audit.list(tenantId, { afterSequence: page.at(-1)?.sequence ?? 0, limit: 100 });
   */
  async list(tenantId: string, options: ListAuditOptions): Promise<VerifiedAuditRecord[]> {
    const tenant = toTenantId(tenantId);
    const after = options.afterSequence ?? 0;
    if (!Number.isSafeInteger(after) || after < 0)
      throw new TypeError('afterSequence must be an integer >= 0');
    if (!Number.isSafeInteger(options.limit) || options.limit < 1 || options.limit > MAX_LIST_LIMIT) {
      throw new TypeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
    }
    // From the record at `afterSequence` (when there is one), to check the first listed record's link.
    const { rows } = await this.pool.query<RecordRow>(
      `select ${RECORD_COLUMNS} from "${this.schema}".records
        where tenant_id = $1 and sequence >= $2 order by sequence limit $3`,
      [tenant, Math.max(after, 1), after === 0 ? options.limit : options.limit + 1],
    );
    const records = rows.map(toAuditRecord);
    if (after === 0) return markVerified(tenant, records, null);
    const [first] = records;
    if (first?.sequence === after) return markVerified(tenant, records.slice(1), first);
    return markVerified(tenant, records.slice(0, options.limit), 'missing');
  }

  /**
   * Recomputes every hash and link of a tenant's chain, from one consistent snapshot, and reports the
   * first record that fails. A chain cut at its end still verifies: compare the head with a copy
   * kept elsewhere (an export, the platform chain) to see that.
   *
   * @example
   * const result = await audit.verify(tenantId);
   * // { valid: false, checked: 7, firstInvalidSequence: 7, reason: 'hash-mismatch', detail: '…' }
   */
  async verify(tenantId: string): Promise<ChainVerification> {
    const tenant = toTenantId(tenantId);
    const verifier = new ChainVerifier(tenant);
    await this.inTransaction(async (client) => {
      let after = 0;
      for (;;) {
        const { rows } = await client.query<RecordRow>(
          `select ${RECORD_COLUMNS} from "${this.schema}".records
            where tenant_id = $1 and sequence > $2 order by sequence limit $3`,
          [tenant, after, VERIFY_BATCH],
        );
        const records = rows.map(toAuditRecord);
        const last = records.at(-1);
        if (!verifier.push(records) || last === undefined || records.length < VERIFY_BATCH) return;
        after = last.sequence;
      }
    }, 'begin isolation level repeatable read read only');
    return verifier.result();
  }

  /**
   * The only way to delete audit records, for a tenant being deleted: removes the tenant's whole
   * chain, in the same transaction as it appends an `audit.purge` record targeting `tenant/<id>` to the
   * platform chain ({@link PLATFORM_TENANT_ID}). That record's `previousState` holds the purged chain's
   * length and head hash, and `context.purged` (what else the caller purged). The table refuses any
   * other DELETE. Returns the platform record.
   *
   * @example
   * await audit.purgeTenant(tenantId, {
   *   actor: 'service:tenant-controller', requestId, correlationId,
   *   purged: { events: 1520, readModelSchema: `tenant_${slug}`, deadLetters: 3 },
   * });
   */
  async purgeTenant(tenantId: string, context: PurgeTenantContext): Promise<AuditRecord> {
    const tenant = toTenantId(tenantId);
    if (tenant === PLATFORM_TENANT_ID) throw new TypeError('the platform chain cannot be purged');
    const s = `"${this.schema}"`;
    return this.inTransaction(async (client) => {
      const head = await this.lockChainHead(client, tenant);
      const { rows } = await client.query<{ count: string }>(
        `select count(*) as count from ${s}.records where tenant_id = $1`,
        [tenant],
      );
      const purgeRecord = toAuditRecordContent(
        {
          tenantId: PLATFORM_TENANT_ID,
          actor: context.actor,
          action: PURGE_ACTION,
          target: `tenant/${tenant}`,
          previousState: {
            auditChain: {
              records: toSafeInteger(rows[0]?.count ?? 0, 'count'),
              lastSequence: head?.sequence ?? 0,
              lastHash: head?.hash ?? GENESIS_HASH,
            },
            purged: context.purged ?? null,
          },
          newState: null,
          requestId: context.requestId,
          correlationId: context.correlationId,
          occurredAt: context.occurredAt,
        },
        this.clock,
      );
      const record = await this.appendIn(client, purgeRecord);
      await client.query('select set_config($1, $2, true)', [PURGE_MARKER_SETTING, String(record.sequence)]);
      await client.query(`delete from ${s}.records where tenant_id = $1`, [tenant]);
      await client.query('select set_config($1, $2, true)', [PURGE_MARKER_SETTING, '']);
      return record;
    });
  }

  /** Ends the pool if {@link create} made it; a pool passed to the constructor stays open. */
  async close(): Promise<void> {
    if (!this.ownsPool) return;
    this.ending ??= this.pool.end();
    await this.ending;
  }

  private async appendIn(client: ClientBase, content: AuditRecordContent): Promise<AuditRecord> {
    const states = serializeStates(content);
    const head = await this.lockChainHead(client, content.tenantId);
    const record = sealRecord(head, content, states);
    await client.query(
      `insert into "${this.schema}".records (${RECORD_COLUMNS})
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      toInsertValues(record, states),
    );
    return record;
  }

  private async lockChainHead(client: ClientBase, tenantId: string): Promise<ChainHead | null> {
    const { rows } = await client.query<HeadRow>(
      `select head_sequence, head_hash from "${this.schema}".lock_chain_head($1)`,
      [tenantId],
    );
    const [row] = rows;
    return row === undefined
      ? null
      : { sequence: toSafeInteger(row.head_sequence, 'sequence'), hash: row.head_hash };
  }

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>, begin = 'begin'): Promise<T> {
    return inTransaction(this.pool, work, { begin });
  }
}
