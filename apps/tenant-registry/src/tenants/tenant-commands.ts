import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { PLATFORM_TENANT_ID } from '@platform/audit';
import { handleCommand, type AppendOutcome, type Change, type Refusal } from '@platform/command-handling';
import {
  ProblemError,
  tenantStreamName,
  type EntityTagCondition,
  type TenantCommand,
  type TenantEvent,
} from '@platform/contracts';
import { WrongExpectedVersionError, type NewEvent } from '@platform/event-store';
import { tenantDecider, type ExistingTenant, type TenantState } from '@platform/tenants-domain';
import { assertNever } from '../assert-never';
import type { Condition } from '../registry/conditions';
import type { RegistryDatabase } from '../registry/registry-database';
import { SlugTakenError } from '../registry/slug-reservations';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from './caller';
import { conditionsAfter } from './lifecycle-conditions';
import { slugTaken, tenantSubject } from './tenant-refusals';
import { refusedTenantAuditEntry, tenantAuditEntry } from './tenant-audit';
import { loadTenant, TENANT_STREAM_OWNER, toNewEvents, type LoadedTenant } from './tenant-stream';

/** A tenant as a command left it. */
export interface TenantChanged {
  readonly tenant: TenantRecord;
  readonly state: ExistingTenant;
  /** What was appended; none when the command asked for what already holds. */
  readonly events: readonly TenantEvent[];
}

export type TenantChange =
  ({ readonly ok: true } & TenantChanged) | { readonly ok: false; readonly refusal: Refusal };

export interface ExecuteOptions {
  /**
   * Runs in the change's transaction once the record is written (the controller's bookkeeping),
   * with the events being appended.
   */
  readonly within?: (tx: PoolClient, tenant: TenantRecord, events: readonly NewEvent[]) => Promise<void>;
  /** Refines the conditions the events lead to (e.g. what exactly was provisioned). */
  readonly conditions?: (conditions: Condition[], now: string) => Condition[];
  /** Chain of the audit record; the tenant's own by default (its deletion goes to the platform's). */
  readonly auditTenantId?: string;
  /**
   * The request's `If-Match` on the tenant's version (ADR 0011): checked against the stream as
   * loaded, before deciding, and held by the append's expected version.
   */
  readonly ifMatch?: EntityTagCondition;
  /**
   * Record a refusal on the audit chain too (`tenant.<action>.refused`): for commands of API
   * callers. The controller's own refusals (another instance moved the tenant on) are not audited.
   * A refusal of a tenant that does not exist (a creation whose slug is taken) goes to the
   * platform's chain; other commands on unknown tenants are not recorded.
   */
  readonly auditRefusal?: boolean;
}

export interface TenantCommandsOptions {
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Called after each commit with the tenant as it now is (e.g. to update a local directory). */
  readonly onCommitted?: (tenant: TenantRecord) => void;
}

/**
 * The tenant aggregate's application service, on the one command pipeline (`handleCommand`,
 * ADR 0019): load the stream, decide, and commit in ONE PostgreSQL transaction the events
 * (`appendWithin`), the `tenants` read model, the slug reservation on creation, and the audit
 * record (`withAudit`). If any of them cannot be written, none is. Nothing is published from here: the relay publishes every stored event.
 *
 * With `options.ifMatch`, a tenant at another version is refused (`versionMismatch`, 412) on every
 * read: a change that lands between the read and the append fails the append, and the re-read
 * finds a version `If-Match: "<version>"` no longer names.
 */
export class TenantCommands {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly onCommitted: (tenant: TenantRecord) => void;

  constructor(
    private readonly db: RegistryDatabase,
    options: TenantCommandsOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.onCommitted = options.onCommitted ?? (() => undefined);
  }

  load(tenantId: string): Promise<LoadedTenant> {
    return loadTenant(this.db.store, tenantId);
  }

  async execute(command: TenantCommand, caller: Caller, options: ExecuteOptions = {}): Promise<TenantChange> {
    const tenantId = command.data.tenantId;
    const result = await handleCommand<TenantCommand, TenantEvent, TenantState, TenantChanged>({
      command,
      decider: tenantDecider,
      subject: tenantSubject(tenantId),
      ...(options.ifMatch !== undefined && { ifMatch: options.ifMatch }),
      load: async () => {
        const { state, streamVersion } = await this.load(tenantId);
        return { state, version: streamVersion };
      },
      append: (change) => this.append(command, caller, options, change),
      ...(options.auditRefusal && {
        recordRefusal: (refusal: Refusal, state: TenantState) =>
          this.recordRefusal(command, caller, options, state, refusal),
      }),
    });
    switch (result.outcome) {
      case 'accepted':
        return { ok: true, ...result.answer };
      case 'refused':
        return { ok: false, refusal: result.refusal };
      case 'not-written':
        // What the commit threw (a rule of `options.within`, a database error) reaches the caller as is.
        if (result.step === 'append') throw result.cause;
        throw new ProblemError(
          'unavailable',
          'the refusal could not be recorded in the audit log; retry later',
          undefined,
          { 'retry-after': '5' },
        );
      default:
        return assertNever(result);
    }
  }

  /** Commits the change, or answers what already holds when the decision has no event. */
  private async append(
    command: TenantCommand,
    caller: Caller,
    options: ExecuteOptions,
    { before, version, events, after }: Change<TenantState, TenantEvent>,
  ): Promise<AppendOutcome<TenantChanged>> {
    if (after.status === 'none')
      throw new Error(`${command.type} left tenant ${command.data.tenantId} without a state`);
    if (events.length === 0) return { outcome: 'appended', answer: await this.unchanged(after), version };
    try {
      const tenant = await this.commit(
        command,
        caller,
        options,
        { state: before, streamVersion: version },
        events,
        after,
      );
      this.onCommitted(tenant);
      return {
        outcome: 'appended',
        answer: { tenant, state: after, events },
        version: version + events.length,
      };
    } catch (error) {
      if (error instanceof SlugTakenError)
        return { outcome: 'refused', refusal: slugTaken(error.slug), recorded: false };
      if (error instanceof WrongExpectedVersionError) return { outcome: 'conflict' };
      throw error;
    }
  }

  private async commit(
    command: TenantCommand,
    caller: Caller,
    options: ExecuteOptions,
    before: { state: TenantState; streamVersion: number },
    events: readonly TenantEvent[],
    after: ExistingTenant,
  ): Promise<TenantRecord> {
    const tenantId = after.id;
    const occurredAt = this.now().toISOString();
    const newEvents = toNewEvents(events, caller, occurredAt, this.newId);
    const { result } = await this.db.audit.withAudit(
      options.auditTenantId ?? tenantId,
      () => tenantAuditEntry(command, before.state, after, caller, occurredAt),
      async (tx: PoolClient) => {
        if (command.type === 'CreateTenant') await this.db.slugs.reserve(tx, after.slug, tenantId);
        await this.db.store.appendWithin(tx, TENANT_STREAM_OWNER, tenantStreamName(tenantId), newEvents, {
          expectedVersion: before.streamVersion === 0 ? 'no-stream' : before.streamVersion,
        });
        const current = await this.db.tenants.lockConditions(tx, tenantId);
        const lifecycle = events.reduce((list, event) => conditionsAfter(list, event, occurredAt), current);
        const conditions = options.conditions ? options.conditions(lifecycle, occurredAt) : lifecycle;
        const tenant = await this.db.tenants.upsert(tx, after, occurredAt, conditions);
        await options.within?.(tx, tenant, newEvents);
        return tenant;
      },
    );
    return result;
  }

  /**
   * Records the refusal of an API caller's command (`options.auditRefusal`): on the tenant's chain,
   * or the platform's for a creation (the tenant does not exist); not for other commands on a tenant
   * that does not exist.
   */
  private async recordRefusal(
    command: TenantCommand,
    caller: Caller,
    options: ExecuteOptions,
    state: TenantState,
    refusal: Refusal,
  ): Promise<void> {
    const exists = state.status !== 'none';
    if (!exists && command.type !== 'CreateTenant') return;
    const chain = exists ? (options.auditTenantId ?? command.data.tenantId) : PLATFORM_TENANT_ID;
    const entry = refusedTenantAuditEntry(command, state, refusal, caller, this.now().toISOString());
    await this.db.audit.append({ ...entry, tenantId: chain });
  }

  private async unchanged(state: ExistingTenant): Promise<TenantChanged> {
    const tenant = await this.db.tenants.find(state.id);
    if (!tenant) throw new Error(`tenant ${state.id} has a stream but no record`);
    return { tenant, state, events: [] };
  }
}
