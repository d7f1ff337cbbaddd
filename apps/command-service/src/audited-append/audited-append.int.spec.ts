import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '@platform/audit';
import { WrongExpectedVersionError, type NewEvent } from '@platform/event-store';
import { startCommandPostgres, type CommandPostgres } from '../testing/postgres-fixture';
import { AuditFirstAuditedAppend } from './audit-first-audited-append';
import type { AuditedAppend, AuditedAppendRequest } from './audited-append.port';
import { GroupCommitAuditedAppend } from './group-commit-audited-append';

// Where the two adapters differ (ADR 0009): what is left behind when the append itself fails.
// Both specs move the stream under the request (a wrong expected version) after the quota check.

describe('AuditedAppend adapters when the append fails', () => {
  let db: CommandPostgres;
  const at = new Date('2026-01-20T10:00:00.000Z');

  beforeAll(async () => {
    db = await startCommandPostgres();
  });
  afterAll(() => db.close());

  const event = (tenantId: string): NewEvent => ({
    eventId: randomUUID(),
    type: 'Happened',
    data: { n: 1 },
    schemaVersion: 1,
    metadata: { tenantId, correlationId: 'c', causationId: 'c', actor: 'test', occurredAt: at.toISOString() },
  });
  const entry = (action: string): AuditEntry => ({
    actor: 'user:alice',
    action,
    target: 'thing/1',
    previousState: null,
    newState: { n: 1 },
    requestId: 'r',
    correlationId: 'c',
    occurredAt: at,
  });

  /** A request to create `thing-1` when it exists already, costing a unit of `things`. */
  async function staleRequest(tenantId: string): Promise<AuditedAppendRequest> {
    await db.store.appendToStream(tenantId, 'thing-1', [event(tenantId)], { expectedVersion: 'no-stream' });
    return {
      tenantId,
      streamName: 'thing-1',
      events: [event(tenantId)],
      expectedVersion: 'no-stream',
      record: entry('thing.create'),
      refusedRecord: (refusal) => ({ ...entry('thing.create.refused'), newState: { code: refusal.code } }),
      quota: { metric: 'things', limit: 10, at },
    };
  }

  async function attempt(adapter: AuditedAppend, request: AuditedAppendRequest): Promise<unknown> {
    return adapter.append(request).then(
      () => 'appended',
      (error: unknown) => error,
    );
  }

  it('PostgreSQL: rolls back the quota unit and the record with the events', async () => {
    const tenantId = randomUUID();
    const request = await staleRequest(tenantId);

    const error = await attempt(new GroupCommitAuditedAppend(db.pool, db.store, db.audit, db.usage), request);

    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(await db.store.readStream(tenantId, 'thing-1')).toHaveLength(1);
    expect(await db.audit.list(tenantId, { limit: 10 })).toEqual([]);
    expect(await db.usage.usage(tenantId, 'things', at)).toBe(0);
  });

  it('EventStoreDB path: keeps the record written first, and adds one saying the append failed', async () => {
    const tenantId = randomUUID();
    const request = await staleRequest(tenantId);

    const error = await attempt(new AuditFirstAuditedAppend(db.store, db.audit, db.usage), request);

    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(await db.store.readStream(tenantId, 'thing-1')).toHaveLength(1);
    const chain = await db.audit.list(tenantId, { limit: 10 });
    expect(chain.map((r) => [r.action, r.newState])).toEqual([
      ['thing.create', { n: 1 }],
      ['thing.create.refused', { code: 'changed-concurrently' }],
    ]);
    // The unit stays taken: the weaker guarantee of this path (ADR 0009).
    expect(await db.usage.usage(tenantId, 'things', at)).toBe(1);
  });
});
