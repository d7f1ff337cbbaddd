import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DuplicateEventIdError } from '../errors';
import type { NewEvent } from '../event-store.port';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { TEST_DATABASE_URL, dropSchema, randomTestSchema } from '../testing/postgres-test-schema';
import { PostgresEventStore } from './postgres-event-store';

describeEventStoreContract('PostgreSQL', async () => {
  const schema = randomTestSchema();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 10 });
  const store = new PostgresEventStore(pool, { schema, readBatchSize: 3, pollIntervalMs: 20 });
  await store.migrate();
  return {
    store,
    teardown: async () => {
      await store.close();
      await pool.end();
      await dropSchema(schema);
    },
  };
});

const newEvent = (tenantId: string, eventId: string = randomUUID()): NewEvent => ({
  eventId,
  type: 'Tested',
  data: {},
  schemaVersion: 1,
  metadata: {
    tenantId,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'user:int-test',
    occurredAt: '2026-01-01T00:00:00.000Z',
  },
});

describe('PostgresEventStore on PostgreSQL', () => {
  const schemas: string[] = [];
  const stores: PostgresEventStore[] = [];
  async function createStore(schema = randomTestSchema()): Promise<PostgresEventStore> {
    if (!schemas.includes(schema)) schemas.push(schema);
    const store = await PostgresEventStore.create({
      connectionString: TEST_DATABASE_URL,
      schema,
      poolSize: 4,
    });
    stores.push(store);
    return store;
  }

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(schemas.map(dropSchema));
  });

  it('migrates when two processes call migrate() at the same time, and again later', async () => {
    const schema = randomTestSchema();
    const [first, second] = [await createStore(schema), await createStore(schema)];

    await expect(Promise.all([first.migrate(), second.migrate()])).resolves.toEqual([undefined, undefined]);

    const tenantId = randomUUID();
    await first.appendToStream(tenantId, 's', [newEvent(tenantId)], { expectedVersion: 'no-stream' });
    await second.migrate();
    expect(await second.readStream(tenantId, 's')).toHaveLength(1);
  });

  it('writes nothing when one event of a batch fails to insert', async () => {
    const store = await createStore();
    await store.migrate();
    const tenantId = randomUUID();
    const existing = newEvent(tenantId);
    await store.appendToStream(tenantId, 'a', [existing], { expectedVersion: 'no-stream' });

    const batch = [newEvent(tenantId), newEvent(tenantId, existing.eventId)];
    await expect(
      store.appendToStream(tenantId, 'b', batch, { expectedVersion: 'no-stream' }),
    ).rejects.toBeInstanceOf(DuplicateEventIdError);

    expect(await store.readStream(tenantId, 'b')).toEqual([]);
    const retry = await store.appendToStream(tenantId, 'b', [newEvent(tenantId)], {
      expectedVersion: 'no-stream',
    });
    expect(retry.nextExpectedVersion).toBe(1);
  });

  it('records the writing transaction of every event, for gap-free global reads later', async () => {
    const schema = randomTestSchema();
    const store = await createStore(schema);
    await store.migrate();
    const tenantId = randomUUID();
    await store.appendToStream(tenantId, 's', [newEvent(tenantId), newEvent(tenantId)], {
      expectedVersion: 'any',
    });

    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      const { rows } = await pool.query<{ transactions: string }>(
        `select count(distinct transaction_id::text) as transactions from "${schema}".events`,
      );
      expect(rows).toEqual([{ transactions: '1' }]);
    } finally {
      await pool.end();
    }
  });

  it("measures a tenant's events and snapshots in bytes, and only its own", async () => {
    const store = await createStore();
    await store.migrate();
    const [tenantId, other] = [randomUUID(), randomUUID()];
    expect(await store.tenantStorageBytes(tenantId)).toBe(0);

    await store.appendToStream(tenantId, 's', [newEvent(tenantId), newEvent(tenantId)], {
      expectedVersion: 'no-stream',
    });
    const events = await store.tenantStorageBytes(tenantId);
    await store.appendToStream(other, 's', [newEvent(other)], { expectedVersion: 'no-stream' });
    await store.snapshotStore().save({
      tenantId,
      streamName: 's',
      aggregateType: 'tested',
      version: 2,
      schemaVersion: 1,
      state: { padding: 'x'.repeat(1_000) },
    });

    expect(events).toBeGreaterThan(0);
    expect(await store.tenantStorageBytes(tenantId)).toBeGreaterThan(events + 1_000);
    expect(await store.tenantStorageBytes(other)).toBeLessThan(events);
  });

  it('answers ping, and closes the pool it created exactly once', async () => {
    const store = await createStore();

    await expect(store.ping()).resolves.toBeUndefined();
    await Promise.all([store.close(), store.close()]);
    await expect(store.ping()).rejects.toThrow();
  });

  it('fails ping when PostgreSQL cannot answer', async () => {
    const store = await PostgresEventStore.create({ connectionString: 'postgres://x:y@127.0.0.1:1/none' });
    try {
      await expect(store.ping()).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
