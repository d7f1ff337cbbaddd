import { randomUUID } from 'node:crypto';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { NewEvent } from '../event-store.port';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { toKurrentConnectionString } from './kurrent-client';
import { KurrentEventStore } from './kurrent-event-store';
import { toKurrentStreamName } from './stream-names';

// Needs a real EventStoreDB/KurrentDB node, e.g. the docker-compose one:
//   EVENTSTOREDB_URL='esdb://localhost:2113?tls=false'
// Without EVENTSTOREDB_URL, jest.config.cjs leaves this file out of the run and says so.
const connectionString = process.env.EVENTSTOREDB_URL ?? '';
if (connectionString === '') throw new Error('EVENTSTOREDB_URL must be set to run this file');

describeEventStoreContract('EventStoreDB', async () => {
  const store = KurrentEventStore.create({ connectionString });
  await store.ping();
  return { store, teardown: () => store.close() };
});

const newEvent = (tenantId: string): NewEvent => ({
  eventId: randomUUID(),
  type: 'Tested',
  data: { ok: true },
  schemaVersion: 3,
  metadata: {
    tenantId,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'user:int-test',
    occurredAt: '2026-01-01T00:00:00.000Z',
  },
});

describe('KurrentEventStore on EventStoreDB', () => {
  const store = KurrentEventStore.create({ connectionString });
  const client = KurrentDBClient.connectionString(toKurrentConnectionString(connectionString));

  afterAll(async () => {
    await store.close();
    await client.dispose();
  });

  it("writes a tenant's stream as t_<tenant>.<stream>, with the metadata KurrentDB's projections read", async () => {
    const tenantId = randomUUID();
    const event = newEvent(tenantId);
    await store.appendToStream(tenantId, 'order-1', [event], { expectedVersion: 'no-stream' });

    const read = [];
    for await (const resolved of client.readStream(toKurrentStreamName(tenantId, 'order-1')))
      read.push(resolved);

    expect(read.map((r) => [r.event?.id, r.event?.revision, r.event?.type])).toEqual([
      [event.eventId, 0n, 'Tested'],
    ]);
    expect(read[0]?.event?.metadata).toMatchObject({
      tenantId,
      schemaVersion: 3,
      $correlationId: event.metadata.correlationId,
      $causationId: event.metadata.causationId,
    });
  });

  it('answers ping, and fails it when nothing listens', async () => {
    await expect(store.ping()).resolves.toBeUndefined();

    const nowhere = KurrentEventStore.create(
      { connectionString: 'kurrentdb://127.0.0.1:1?tls=false' },
      { pingTimeoutMs: 10_000 },
    );
    try {
      await expect(nowhere.ping()).rejects.toThrow();
    } finally {
      await nowhere.close();
    }
  });
});
