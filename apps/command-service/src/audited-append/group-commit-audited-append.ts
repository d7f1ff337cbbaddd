import type { ClientBase, Pool, PoolClient } from 'pg';
import type { AuditEntry, AuditLog, NewAuditRecord } from '@platform/audit';
import { WrongExpectedVersionError, type PostgresEventStore } from '@platform/event-store';
import { counter, histogram } from '@platform/observability';
import { inTransaction } from '@platform/postgres-kit';
import {
  monthlyPeriodOf,
  STORAGE_BYTES_METRIC,
  type GaugeReading,
  type UsageCounters,
} from '@platform/quotas';
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

/** A group's commands that take a unit of one counter (tenant, metric, month, limit). */
interface ChargedGroup {
  readonly tenantId: string;
  readonly quota: NonNullable<AuditedAppendRequest['quota']>;
  readonly jobs: { readonly job: Job; readonly request: AuditedAppendRequest }[];
}

/** Tenants whose storage gauge is kept at once (the map is emptied when full: a bounded cache). */
const MAX_CACHED_GAUGES = 10_000;

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
  readonly checksVersionFirst = true;
  private queue: Job[] = [];
  private inFlight = 0;
  /** Each tenant's last read storage gauge, and when it was read (`gaugeTtlMs`). */
  private readonly gauges = new Map<string, { readonly gauge: GaugeReading; readonly readAt: number }>();

  /**
   * @param gaugeTtlMs how long a tenant's storage gauge, once read, is trusted: the registry
   *   measures storage every few minutes, so a read per command (as before) bought nothing but a
   *   statement; an overrun is enforced at most this long after it is recorded.
   */
  constructor(
    private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly audit: AuditLog,
    private readonly usage: UsageCounters,
    private readonly gaugeTtlMs = 2_000,
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

  /**
   * The group's statements, in one transaction; the outcome of each job once it commits. Quota
   * units are taken per tenant and counter at once (`consumeMany`): the first commands that fit are
   * paid for, the others refused; then every change of the group is appended in one statement
   * (`appendManyWithin`), and the units of those that conflicted are given back.
   */
  private async write(tx: PoolClient, group: readonly Job[]): Promise<Map<Job, JobOutcome>> {
    const outcomes = new Map<Job, JobOutcome>();
    const storage = new Map<string, Refusal | null>();
    const toAppend: { readonly job: Job; readonly request: AuditedAppendRequest }[] = [];
    const charged = new Map<string, ChargedGroup>();
    for (const job of group) {
      if (job.kind === 'refusal') {
        outcomes.set(job, { ok: true });
        continue;
      }
      const { request } = job;
      const overStorage = await this.storageRefusal(tx, request, storage);
      if (overStorage) outcomes.set(job, await this.refusedOrConflict(request, overStorage));
      else if (request.quota) {
        const { quota } = request;
        const key = `${request.tenantId}|${quota.metric}|${monthlyPeriodOf(quota.at).start}|${quota.limit}`;
        const counter = charged.get(key) ?? { tenantId: request.tenantId, quota, jobs: [] };
        counter.jobs.push({ job, request });
        charged.set(key, counter);
      } else toAppend.push({ job, request });
    }
    // Quota counters are locked in tenant order, as in every group: two groups in flight never wait
    // on each other's counters in a cycle (which PostgreSQL would break only after deadlock_timeout).
    const counters = [...charged.values()].sort((a, b) =>
      a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0,
    );
    const paidBy = new Map<Job, ChargedGroup>();
    for (const counter of counters) {
      const taken = await this.usage.consumeMany(tx, {
        tenantId: counter.tenantId,
        ...counter.quota,
        units: counter.jobs.length,
      });
      for (const [index, entry] of counter.jobs.entries()) {
        if (index < taken.granted) {
          toAppend.push(entry);
          paidBy.set(entry.job, counter);
        } else {
          const refusal = quotaExceeded(counter.quota.metric, { ok: false, ...taken });
          outcomes.set(entry.job, await this.refusedOrConflict(entry.request, refusal));
        }
      }
    }
    const appended = await this.store.appendManyWithin(
      tx,
      toAppend.map(({ request }) => ({
        tenantId: request.tenantId,
        streamName: request.streamName,
        events: request.events,
        expectedVersion: request.expectedVersion,
      })),
    );
    const unused = new Map<ChargedGroup, number>();
    appended.forEach((outcome, index) => {
      const { job } = toAppend[index]!;
      // a version conflict: nothing of it is kept, it gets no record, and its unit is given back
      outcomes.set(job, outcome.ok ? { ok: true, result: outcome.result } : { error: outcome.error });
      const counter = paidBy.get(job);
      if (!outcome.ok && counter) unused.set(counter, (unused.get(counter) ?? 0) + 1);
    });
    for (const [counter, units] of unused) {
      await this.usage.giveBack(tx, { tenantId: counter.tenantId, ...counter.quota }, units);
    }
    const records: NewAuditRecord[] = [];
    for (const job of group) {
      if (job.kind === 'refusal') {
        records.push({ ...job.record, tenantId: job.tenantId });
        continue;
      }
      const outcome = outcomes.get(job);
      if (outcome === undefined || 'error' in outcome) continue;
      const { request } = job;
      records.push({
        ...('refusal' in outcome ? request.refusedRecord(outcome.refusal) : request.record),
        tenantId: request.tenantId,
      });
    }
    await this.audit.appendAll(records, tx);
    return outcomes;
  }

  /**
   * A refusal of a command appended at `no-stream` whose stream exists after all is a conflict (the
   * pipeline then reads the stream, and may find the command carried out already): the version is
   * checked before anything else, as `checksVersionFirst` says. Read only when refusing.
   */
  private async refusedOrConflict(
    request: AuditedAppendRequest,
    refusal: Refusal,
  ): Promise<AuditedAppendOutcome | { error: unknown }> {
    if (request.expectedVersion !== 'no-stream') return { ok: false, refusal };
    const { tenantId, streamName } = request;
    // outside the group's transaction: what is committed is what a conflict is about
    const events = await this.store.readStream(tenantId, streamName);
    if (events.length === 0) return { ok: false, refusal };
    return { error: new WrongExpectedVersionError(tenantId, streamName, 'no-stream', events.length) };
  }

  /**
   * The tenant's last measured storage against its plan: read at most once per tenant and group,
   * and reused for `gaugeTtlMs` across groups.
   */
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
    const gauge = await this.storageGauge(tx, tenantId);
    const refusal =
      gauge.value <= storageLimitBytes
        ? null
        : storageQuotaExceeded({ ok: false, limit: storageLimitBytes, ...gauge });
    checked.set(key, refusal);
    return refusal;
  }

  private async storageGauge(tx: ClientBase, tenantId: string): Promise<GaugeReading> {
    const now = Date.now();
    const cached = this.gauges.get(tenantId);
    if (cached && now - cached.readAt < this.gaugeTtlMs) return cached.gauge;
    const gauge = await this.usage.readGauge(tx, tenantId, STORAGE_BYTES_METRIC);
    if (this.gaugeTtlMs > 0) {
      if (this.gauges.size >= MAX_CACHED_GAUGES) this.gauges.clear();
      this.gauges.set(tenantId, { gauge, readAt: now });
    }
    return gauge;
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
