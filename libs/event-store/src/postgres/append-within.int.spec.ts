import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testInfra } from '@platform/testing';
import { PostgresEventStore } from './postgres-event-store';

describe('PostgresEventStore.appendWithin (a caller-owned transaction)', () => {
  const schema = `es_within_${randomUUID().slice(0, 8)}`;
  const pool = new Pool({ connectionString: testInfra.databaseUrl, max: 3 });
  const store = new PostgresEventStore(pool, { schema });
  const tenantId = randomUUID();
  const event = () => ({
    eventId: randomUUID(),
    type: 'Happened',
    data: { n: 1 },
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: 'c',
      causationId: 'c',
      actor: 'test',
      occurredAt: new Date().toISOString(),
    },
  });

  beforeAll(() => store.migrate());
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  async function inTransaction(
    work: (client: import('pg').PoolClient) => Promise<void>,
    commit: boolean,
  ): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    } finally {
      client.release();
    }
  }

  it('commits the events with the caller’s transaction', async () => {
    await inTransaction(async (tx) => {
      const result = await store.appendWithin(tx, tenantId, 'thing-1', [event()], {
        expectedVersion: 'no-stream',
      });
      expect(result.nextExpectedVersion).toBe(1);
    }, true);
    expect(await store.readStream(tenantId, 'thing-1')).toHaveLength(1);
  });

  it('leaves nothing behind when the caller rolls back', async () => {
    await inTransaction(async (tx) => {
      await store.appendWithin(tx, tenantId, 'thing-2', [event()], { expectedVersion: 'no-stream' });
    }, false);
    expect(await store.readStream(tenantId, 'thing-2')).toEqual([]);
  });

  it('still checks the expected version', async () => {
    await expect(
      inTransaction(async (tx) => {
        await store.appendWithin(tx, tenantId, 'thing-1', [event()], { expectedVersion: 'no-stream' });
      }, true),
    ).rejects.toThrow(/expected/i);
  });
});
