import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { inTransaction } from '@platform/postgres-kit';
import { WrongExpectedVersionError } from '../errors';
import type { NewEvent } from '../event-store.port';
import { dropSchema, randomTestSchema, TEST_DATABASE_URL } from '../testing/postgres-test-schema';
import { PostgresEventStore } from './postgres-event-store';

// Several appends in one statement (the command service's group commit, ADR 0018).

describe('PostgresEventStore.appendManyWithin', () => {
  const schema = randomTestSchema();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  const store = new PostgresEventStore(pool, { schema });
  beforeAll(() => store.migrate());
  afterAll(async () => {
    await store.close();
    await pool.end();
    await dropSchema(schema);
  });

  const event = (tenantId: string, n: number): NewEvent => ({
    eventId: randomUUID(),
    type: 'Happened',
    data: { n },
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: 'c',
      causationId: `cmd-${n}`,
      actor: 'test',
      occurredAt: '2026-01-01T00:00:00.000Z',
    },
  });

  it('appends to several streams of several tenants, each with its own outcome, a conflict refusing only its own', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await store.appendToStream(a, 'order-1', [event(a, 1)], { expectedVersion: 'no-stream' });

    const outcomes = await inTransaction(pool, (tx) =>
      store.appendManyWithin(tx, [
        { tenantId: a, streamName: 'order-1', events: [event(a, 2), event(a, 3)], expectedVersion: 1 },
        { tenantId: b, streamName: 'order-1', events: [event(b, 1)], expectedVersion: 'no-stream' },
        { tenantId: a, streamName: 'order-2', events: [event(a, 4)], expectedVersion: 5 },
        { tenantId: a, streamName: 'order-3', events: [event(a, 5)], expectedVersion: 'any' },
      ]),
    );

    expect(outcomes.map((outcome) => (outcome.ok ? outcome.result.nextExpectedVersion : 'refused'))).toEqual([
      3,
      1,
      'refused',
      1,
    ]);
    const refused = outcomes[2];
    expect(refused?.ok === false && refused.error).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream(a, 'order-1')).map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
    expect((await store.readStream(b, 'order-1')).map((e) => (e.data as { n: number }).n)).toEqual([1]);
    expect(await store.readStream(a, 'order-2')).toEqual([]);
    const last = outcomes[0];
    const [, , third] = await store.readStream(a, 'order-1');
    expect(last?.ok && last.result.lastPosition).toBe(third?.globalPosition);
  });

  it('keeps nothing when the transaction rolls back', async () => {
    const tenant = randomUUID();
    await expect(
      inTransaction(pool, async (tx) => {
        await store.appendManyWithin(tx, [
          { tenantId: tenant, streamName: 's', events: [event(tenant, 1)], expectedVersion: 'no-stream' },
        ]);
        throw new Error('the rest of the group failed');
      }),
    ).rejects.toThrow('the rest of the group failed');
    expect(await store.readStream(tenant, 's')).toEqual([]);
  });
});
