import type { ClientBase, Pool, PoolClient } from 'pg';
import type { AuditEntry, AuditLog, NewAuditRecord } from '@platform/audit';
import { WrongExpectedVersionError, type PostgresEventStore } from '@platform/event-store';
import { counter, histogram } from '@platform/observability';
import { inTransaction } from '@platform/postgres-kit';
import { STORAGE_BYTES_METRIC, type UsageCounters } from '@platform/quotas';
import type { Refusal } from '@platform/command-handling';
import type { AuditedAppend, AuditedAppendOutcome, AuditedAppendRequest } from './audited-append.port';
import { quotaExceeded, storageQuotaExceeded } from './quota-refusals';

/** A command's change waiting for the next group, or a refusal's record alone. */
type Job =
  | {
      readonly kind: 'append';
      readonly request: AuditedAppendRequest;
      readonly settle: (outcome: AuditedAppendOutcome | { error: unknown }) => void;
    }
  | {
      readonly kind: 'refusal';
      readonly tenantId: string;
      readonly record: AuditEntry;
      readonly settle: (outcome: { ok: true } | { error: unknown }) => void;
    };

type JobOutcome = AuditedAppendOutcome | { ok: true } | { error: unknown };

const groupSize = histogram(
  'command_group_commit_size',
  'Commands committed per PostgreSQL transaction',
  [],
  [1, 2, 4, 8, 16, 32, 64, 128, 256],
);
const groupRetries = counter(
  'command_group_commit_isolated_total',
  'Groups that failed as a whole and were committed again one command at a time',
);

/** The most commands one transaction carries. */
export const MAX_GROUP = 256;

/**
 * Transactions in flight at once: while one waits for its commit (the disk), the next one's
 * statements run. Deadlock-free between them: one instance never has one stream in two groups
 * (one key's commands are handled one after the other), quota rows are taken before chain locks,
 * and chain locks in tenant-id order.
 */
const MAX_IN_FLIGHT = 2;

/**
 * {@link AuditedAppend} on the PostgreSQL event store with group commit (ADR 0018): the changes
 * handed over while a transaction is in flight go together into the next one, each with its quota
 * unit, its events and its audit record, so a busy service commits (and waits for the disk) once per
 * group instead of once per command, and each tenant's chain is locked once per group. Each command
 * still gets its own outcome: its own version conflict (`WrongExpectedVersionError`, nothing of it
 * kept), its own quota refusal (its refused record kept). A group that fails as a whole (a lost
 * connection, a deadlock with another instance) is committed again one command at a time, so one
 * command's failure is its own. Records, events and quota units of a command commit together or not
 * at all, as with one transaction per command (ADR 0009).
 */
export class GroupCommitAuditedAppend implements AuditedAppend {
  private queue: Job[] = [];
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly audit: AuditLog,
    private readonly usage: UsageCounters,
  ) {}

  append(request: AuditedAppendRequest): Promise<AuditedAppendOutcome> {
    return new Promise((resolve, reject) => {
      this.enqueue({
        kind: 'append',
        request,
        settle: (outcome) => ('error' in outcome ? reject(asError(outcome.error)) : resolve(outcome)),
      });
    });
  }

  recordRefusal(tenantId: string, record: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue({
        kind: 'refusal',
        tenantId,
        record,
        settle: (outcome) => ('error' in outcome ? reject(asError(outcome.error)) : resolve()),
      });
    });
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (this.inFlight >= MAX_IN_FLIGHT) return;
    this.inFlight += 1;
    // the jobs handed over in this turn of the event loop join the same group
    setImmediate(() => void this.drain());
  }

  /** One of at most {@link MAX_IN_FLIGHT} committers: takes what is queued, group after group. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      groupSize.observe(group.length);
      await this.commitGroup(group);
    }
    this.inFlight -= 1;
  }

  private async commitGroup(group: readonly Job[]): Promise<void> {
    let outcomes: Map<Job, JobOutcome>;
    try {
      outcomes = await inTransaction(this.pool, (tx) => this.write(tx, group));
    } catch (error) {
      if (group.length === 1) {
        group[0]?.settle({ error });
        return;
      }
      groupRetries.inc();
      for (const job of group) await this.commitGroup([job]);
      return;
    }
    for (const job of group) {
      const outcome = outcomes.get(job) ?? { error: new Error('no outcome') };
      (job.settle as (outcome: JobOutcome) => void)(outcome);
    }
  }

  /** The group's statements, in one transaction; the outcome of each job once it commits. */
  private async write(tx: PoolClient, group: readonly Job[]): Promise<Map<Job, JobOutcome>> {
    const outcomes = new Map<Job, JobOutcome>();
    const records: NewAuditRecord[] = [];
    const storage = new Map<string, Refusal | null>();
    for (const job of group) {
      if (job.kind === 'refusal') {
        records.push({ ...job.record, tenantId: job.tenantId });
        outcomes.set(job, { ok: true });
        continue;
      }
      const { request } = job;
      const outcome = await this.appendOne(tx, request, storage);
      outcomes.set(job, outcome);
      if ('error' in outcome) continue; // a version conflict: nothing of it is kept, no record
      records.push({
        ...(outcome.ok ? request.record : request.refusedRecord(outcome.refusal)),
        tenantId: request.tenantId,
      });
    }
    await this.audit.appendAll(records, tx);
    return outcomes;
  }

  /**
   * One command's admission and append. With a quota unit, both run under a savepoint: a version
   * conflict gives the unit back. A conflict is this command's outcome, not the group's failure
   * (the store's append reports it without aborting the transaction).
   */
  private async appendOne(
    tx: PoolClient,
    request: AuditedAppendRequest,
    storage: Map<string, Refusal | null>,
  ): Promise<AuditedAppendOutcome | { error: unknown }> {
    const { tenantId, streamName, events, expectedVersion, quota } = request;
    const overStorage = await this.storageRefusal(tx, request, storage);
    if (overStorage) return { ok: false, refusal: overStorage };
    if (quota) await tx.query('savepoint quota_unit');
    try {
      if (quota) {
        const taken = await this.usage.consume(tx, { tenantId, ...quota });
        if (!taken.ok) {
          await tx.query('release savepoint quota_unit');
          return { ok: false, refusal: quotaExceeded(quota.metric, taken) };
        }
      }
      const result = await this.store.appendWithin(tx, tenantId, streamName, events, { expectedVersion });
      if (quota) await tx.query('release savepoint quota_unit');
      return { ok: true, result };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (quota) await tx.query('rollback to savepoint quota_unit');
      return { error };
    }
  }

  /** The tenant's last measured storage against its plan, read once per tenant and group. */
  private async storageRefusal(
    tx: ClientBase,
    request: AuditedAppendRequest,
    checked: Map<string, Refusal | null>,
  ): Promise<Refusal | null> {
    const { tenantId, storageLimitBytes } = request;
    if (storageLimitBytes === undefined) return null;
    const key = `${tenantId}:${storageLimitBytes}`;
    const known = checked.get(key);
    if (known !== undefined) return known;
    const gauge = await this.usage.checkGauge(tx, {
      tenantId,
      metric: STORAGE_BYTES_METRIC,
      limit: storageLimitBytes,
    });
    const refusal = gauge.ok ? null : storageQuotaExceeded(gauge);
    checked.set(key, refusal);
    return refusal;
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
