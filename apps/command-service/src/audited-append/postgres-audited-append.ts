import type { PoolClient } from 'pg';
import type { AuditEntry, AuditLog } from '@platform/audit';
import type { PostgresEventStore } from '@platform/event-store';
import type { UsageCounters } from '@platform/quotas';
import type { AuditedAppend, AuditedAppendOutcome, AuditedAppendRequest } from './audited-append.port';
import { admit } from './admission';

/**
 * {@link AuditedAppend} on the PostgreSQL event store: the quota unit, the events (`appendWithin`)
 * and the audit record (`withAudit`) commit in ONE transaction, or none of them does. A quota used
 * up rolls nothing forward but the refusal's own record.
 */
export class PostgresAuditedAppend implements AuditedAppend {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly audit: AuditLog,
    private readonly usage: UsageCounters,
  ) {}

  async append(request: AuditedAppendRequest): Promise<AuditedAppendOutcome> {
    const { tenantId, streamName, events, expectedVersion } = request;
    const { result } = await this.audit.withAudit(
      tenantId,
      (outcome: AuditedAppendOutcome) =>
        outcome.ok ? request.record : request.refusedRecord(outcome.refusal),
      async (tx: PoolClient): Promise<AuditedAppendOutcome> => {
        const admitted = await admit(tx, this.usage, request);
        if (!admitted.ok) return admitted;
        const appended = await this.store.appendWithin(tx, tenantId, streamName, events, { expectedVersion });
        return { ok: true, result: appended };
      },
    );
    return result;
  }

  async recordRefusal(tenantId: string, record: AuditEntry): Promise<void> {
    await this.audit.append({ ...record, tenantId });
  }
}
