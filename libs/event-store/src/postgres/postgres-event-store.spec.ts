import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore } from './postgres-event-store';

// The pool points at a closed port: were an argument check to let a call through, the call would fail
// with a connection error rather than the TypeError expected here. No connection is ever opened.
describe('PostgresEventStore argument checks', () => {
  const pool = new Pool({ connectionString: 'postgres://nobody:nothing@127.0.0.1:1/none', max: 1 });
  const store = new PostgresEventStore(pool, { schema: 'es_unit' });
  const tenantId = randomUUID();

  afterAll(async () => {
    await pool.end();
  });

  it('refuses a non-UUID tenant before touching the database', async () => {
    await expect(store.appendToStream('tenant-a', 's', [], { expectedVersion: 'any' })).rejects.toThrow(
      TypeError,
    );
    await expect(store.readStream('tenant-a', 's')).rejects.toThrow(TypeError);
    expect(pool.totalCount).toBe(0);
  });

  it('refuses an invalid expected version, stream name or read range before touching the database', async () => {
    await expect(store.appendToStream(tenantId, 's', [], { expectedVersion: 0 })).rejects.toThrow(TypeError);
    await expect(store.appendToStream(tenantId, '', [], { expectedVersion: 'any' })).rejects.toThrow(
      TypeError,
    );
    await expect(store.readStream(tenantId, 's', { fromVersion: 0 })).rejects.toThrow(TypeError);
    expect(pool.totalCount).toBe(0);
  });

  it('refuses invalid global reads, subscriptions, exports, purges and snapshots before touching the database', async () => {
    const handler = async (): Promise<void> => undefined;
    expect(() => store.readAll({ tenantId: 'tenant-a' })).toThrow(TypeError);
    expect(() => store.readAll({ from: '42' })).toThrow(TypeError);
    expect(() => store.readAll({ types: [] })).toThrow(TypeError);
    expect(() => store.subscribeToAll({ filter: { since: 'soon' }, handler })).toThrow(TypeError);
    expect(() => store.subscribeToAll({ fromCheckpoint: 'x', handler })).toThrow(TypeError);
    expect(() => store.exportTenant('tenant-a')).toThrow(TypeError);
    await expect(store.purgeTenant('tenant-a')).rejects.toThrow(TypeError);
    await expect(
      store.snapshotStore().load({ tenantId: 'tenant-a', streamName: 's', aggregateType: 'order' }),
    ).rejects.toThrow(TypeError);
    await expect(store.readStream(tenantId, 's', { direction: 'up' as 'forwards' })).rejects.toThrow(
      TypeError,
    );
    expect(pool.totalCount).toBe(0);
  });

  it('refuses invalid polling options', () => {
    expect(() => new PostgresEventStore(pool, { readBatchSize: 0 })).toThrow(TypeError);
    expect(() => new PostgresEventStore(pool, { pollIntervalMs: 1.5 })).toThrow(TypeError);
  });

  it('refuses an unsafe schema name', () => {
    expect(() => new PostgresEventStore(pool, { schema: 'public; drop' })).toThrow(TypeError);
  });

  it('leaves a pool it did not create open on close', async () => {
    await store.close();
    expect(pool.ended).toBe(false);
  });
});
