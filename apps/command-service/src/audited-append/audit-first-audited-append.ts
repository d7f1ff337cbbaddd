import type { PoolClient } from 'pg';
import type { AuditEntry, AuditLog } from '@platform/audit';
import { WrongExpectedVersionError, type EventStore } from '@platform/event-store';
import type { Logger } from '@platform/observability';
import type { UsageCounters } from '@platform/quotas';
import type { Refusal } from '@platform/command-handling';
import type { AuditedAppend, AuditedAppendOutcome, AuditedAppendRequest } from './audited-append.port';
import { admit } from './admission';

/**
 * {@link AuditedAppend} for a store that cannot join a PostgreSQL transaction (EventStoreDB): the
 * quota unit and the audit record commit first, in one PostgreSQL transaction, and the events are
 * appended only then. No record, no events; but a record may stand for events that were never
 * appended: when the append fails, a second record says so, on a best-effort basis (ADR 0009).
 */
export class AuditFirstAuditedAppend implements AuditedAppend {
  /** The record and the quota unit come before the append: nothing is decided on a presumed state. */
  readonly checksVersionFirst = false;
  constructor(
    private readonly store: EventStore,
    private readonly audit: AuditLog,
    private readonly usage: UsageCounters,
    private readonly logger?: Logger,
  ) {}

  async append(request: AuditedAppendRequest): Promise<AuditedAppendOutcome> {
    const { tenantId, streamName, events, expectedVersion } = request;
    const { result: admitted } = await this.audit.withAudit(
      tenantId,
      (outcome: { ok: true } | { ok: false; refusal: Refusal }) =>
        outcome.ok ? request.record : request.refusedRecord(outcome.refusal),
      (tx: PoolClient) => admit(tx, this.usage, request),
    );
    if (!admitted.ok) return admitted;
    try {
      return {
        ok: true,
        result: await this.store.appendToStream(tenantId, streamName, events, { expectedVersion }),
      };
    } catch (error) {
      await this.recordFailure(request, error);
      throw error;
    }
  }

  async recordRefusal(tenantId: string, record: AuditEntry): Promise<void> {
    await this.audit.append({ ...record, tenantId });
  }

  /** The record that voids the one written before the append (the quota unit stays taken). */
  private async recordFailure(request: AuditedAppendRequest, error: unknown): Promise<void> {
    try {
      await this.audit.append({ ...request.refusedRecord(appendFailed(error)), tenantId: request.tenantId });
    } catch (auditError) {
      this.logger?.error(
        { err: auditError, tenantId: request.tenantId, stream: request.streamName },
        'the append failed after its audit record, and the record saying so could not be written',
      );
    }
  }
}

function appendFailed(error: unknown): Refusal {
  return error instanceof WrongExpectedVersionError
    ? {
        kind: 'conflict',
        code: 'changed-concurrently',
        detail: 'the stream changed concurrently; nothing was appended',
      }
    : { kind: 'unavailable', code: 'append-failed', detail: 'the event store did not take the events' };
}
