import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '@platform/audit';
import { inTransaction } from '@platform/postgres-kit';
import { DuplicateEventIdError, WrongExpectedVersionError, type NewEvent } from '@platform/event-store';
import { startCommandPostgres, type CommandPostgres } from '../testing/postgres-fixture';
import type { AuditedAppendRequest } from './audited-append.port';
import { GroupCommitAuditedAppend } from './group-commit-audited-append';

// Group commit (ADR 0018): commands handed over together share one transaction, and each still gets
// its own outcome.

describe('GroupCommitAuditedAppend', () => {
  let db: CommandPostgres;
  let audited: GroupCommitAuditedAppend;
  const at = new Date('2026-01-20T10:00:00.000Z');

  beforeAll(async () => {
    db = await startCommandPostgres();
    audited = new GroupCommitAuditedAppend(db.pool, db.store, db.audit, db.usage);
  });
  afterAll(() => db.close());

  const event = (tenantId: string, eventId = randomUUID()): NewEvent => ({
    eventId,
    type: 'Happened',
    data: { n: 1 },
    schemaVersion: 1,
    metadata: { tenantId, correlationId: 'c', causationId: 'c', actor: 'test', occurredAt: at.toISOString() },
  });
  const entry = (action: string, target: string): AuditEntry => ({
    actor: 'user:alice',
    action,
    target,
    previousState: null,
    newState: { target },
    requestId: 'r',
    correlationId: 'c',
    occurredAt: at,
  });
  const request = (
    tenantId: string,
    stream: string,
    overrides: Partial<AuditedAppendRequest> = {},
  ): AuditedAppendRequest => ({
    tenantId,
    streamName: stream,
    events: [event(tenantId)],
    expectedVersion: 'no-stream',
    record: entry('thing.create', stream),
    refusedRecord: (refusal) => ({
      ...entry('thing.create.refused', stream),
      newState: { code: refusal.code },
    }),
    ...overrides,
  });
  const settled = <T>(promise: Promise<T>): Promise<T | Error> =>
    promise.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  it('commits concurrent commands of several tenants in far fewer transactions than commands', async () => {
    const tenants = [randomUUID(), randomUUID()];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => audited.append(request(tenants[i % 2]!, `thing-${i}`))),
    );

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const { rows } = await db.pool.query<{ transactions: number; events: number }>(
      `select count(distinct transaction_id)::int as transactions, count(*)::int as events
         from "${db.schemas.events}".events where tenant_id = any($1)`,
      [tenants],
    );
    expect(rows[0]?.events).toBe(40);
    expect(rows[0]?.transactions).toBeLessThanOrEqual(4);
    for (const tenant of tenants) {
      expect(await db.audit.verify(tenant)).toEqual({ valid: true, checked: 20 });
    }
  });

  it('gives each command of a group its own outcome: a conflict, a quota refusal, a success', async () => {
    const tenantId = randomUUID();
    await db.store.appendToStream(tenantId, 'taken', [event(tenantId)], { expectedVersion: 'no-stream' });
    await inTransaction(db.pool, (tx) => db.usage.consume(tx, { tenantId, metric: 'things', limit: 1, at }));

    const [conflict, overQuota, fine] = await Promise.all([
      settled(audited.append(request(tenantId, 'taken', { quota: { metric: 'things', limit: 5, at } }))),
      settled(audited.append(request(tenantId, 'over', { quota: { metric: 'things', limit: 1, at } }))),
      settled(audited.append(request(tenantId, 'fine'))),
    ]);

    expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
    expect(overQuota).toMatchObject({ ok: false, refusal: { code: 'quota-exceeded' } });
    expect(fine).toMatchObject({ ok: true, result: { nextExpectedVersion: 1 } });
    // the conflict gave its unit back; the refusal took none
    expect(await db.usage.usage(tenantId, 'things', at)).toBe(1);
    expect(await db.store.readStream(tenantId, 'taken')).toHaveLength(1);
    expect(await db.store.readStream(tenantId, 'over')).toHaveLength(0);
    const chain = await db.audit.list(tenantId, { limit: 10 });
    expect(chain.map((record) => [record.action, record.target]).sort()).toEqual([
      ['thing.create', 'fine'],
      ['thing.create.refused', 'over'],
    ]);
  });

  it('commits the rest of a group when one command fails the whole transaction, and fails that one alone', async () => {
    const tenantId = randomUUID();
    const reused = randomUUID();
    await db.store.appendToStream(tenantId, 'first', [event(tenantId, reused)], {
      expectedVersion: 'no-stream',
    });

    const results = await Promise.all([
      settled(audited.append(request(tenantId, 'a'))),
      // an event id already recorded on another stream: PostgreSQL aborts the transaction
      settled(audited.append(request(tenantId, 'bad', { events: [event(tenantId, reused)] }))),
      settled(audited.append(request(tenantId, 'b'))),
      settled(audited.recordRefusal(tenantId, entry('thing.poke.refused', 'c'))),
    ]);

    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toBeInstanceOf(DuplicateEventIdError);
    expect(results[2]).toMatchObject({ ok: true });
    expect(results[3]).toBeUndefined();
    const chain = await db.audit.list(tenantId, { limit: 10 });
    expect(chain.map((record) => record.target).sort()).toEqual(['a', 'b', 'c']);
    expect(await db.store.readStream(tenantId, 'bad')).toHaveLength(0);
    expect(await db.audit.verify(tenantId)).toEqual({ valid: true, checked: 3 });
  });
  it("trusts a tenant's storage gauge for gaugeTtlMs: an overrun recorded meanwhile waits for the next read", async () => {
    const tenantId = randomUUID();
    const trusting = new GroupCommitAuditedAppend(db.pool, db.store, db.audit, db.usage, 60_000);
    const limited = (stream: string) => request(tenantId, stream, { storageLimitBytes: 1_000 });
    expect(await trusting.append(limited('before'))).toMatchObject({ ok: true });

    await db.usage.setGauge(tenantId, 'storage-bytes', 5_000, at);

    // read before the overrun, and trusted for a minute
    expect(await trusting.append(limited('cached'))).toMatchObject({ ok: true });
    // an instance that reads afresh sees it at once
    const fresh = new GroupCommitAuditedAppend(db.pool, db.store, db.audit, db.usage, 0);
    expect(await fresh.append(limited('read-again'))).toMatchObject({
      ok: false,
      refusal: { code: 'storage-quota-exceeded' },
    });
  });
});
