import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError } from '../errors';
import type { ExpectedVersion, NewEvent } from '../event-store.port';
import { idsOf, newEvents, newStreamName, versionsOf } from '../testing/contract/fixtures';
import { TEST_DATABASE_URL, dropSchema, randomTestSchema } from '../testing/postgres-test-schema';
import { PostgresEventStore } from './postgres-event-store';

// PostgreSQL keeps event ids unique across the whole store, so it can refuse a reused id wherever
// it was recorded; EventStoreDB deduplicates per stream only (ADR 0005), hence these tests live here.

describe('idempotent appends on PostgreSQL', () => {
  const schema = randomTestSchema();
  let store: PostgresEventStore;

  beforeAll(async () => {
    store = await PostgresEventStore.create({ connectionString: TEST_DATABASE_URL, schema, poolSize: 12 });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  async function given(count: number): Promise<{ tenantId: string; stream: string; events: NewEvent[] }> {
    const tenantId = randomUUID();
    const stream = newStreamName();
    const events = newEvents(tenantId, count);
    await store.appendToStream(tenantId, stream, events, { expectedVersion: 'no-stream' });
    return { tenantId, stream, events };
  }

  const refusal = (tenantId: string, stream: string, events: NewEvent[], expectedVersion: ExpectedVersion) =>
    store.appendToStream(tenantId, stream, events, { expectedVersion }).then(
      () => undefined,
      (error: unknown) => error,
    );

  it('refuses ids recorded in another stream of the tenant, and writes nothing', async () => {
    const { tenantId, events } = await given(2);
    const other = newStreamName();

    for (const expectedVersion of ['no-stream', 'any'] as const) {
      const error = await refusal(tenantId, other, events, expectedVersion);
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(error).toMatchObject({ tenantId, streamName: other, eventIds: idsOf(events) });
    }
    expect(await store.readStream(tenantId, other)).toEqual([]);
  });

  it('refuses ids recorded by another tenant', async () => {
    const { events } = await given(1);
    const otherTenant = randomUUID();
    const reused = events.map((event) => ({
      ...event,
      metadata: { ...event.metadata, tenantId: otherTenant },
    }));

    expect(await refusal(otherTenant, newStreamName(), reused, 'any')).toBeInstanceOf(DuplicateEventIdError);
  });

  it('refuses the same ids in another order, or claimed at other versions', async () => {
    const { tenantId, stream, events } = await given(2);
    const reversed = [...events].reverse();

    expect(await refusal(tenantId, stream, reversed, 'no-stream')).toBeInstanceOf(DuplicateEventIdError);
    expect(await refusal(tenantId, stream, reversed, 'any')).toBeInstanceOf(DuplicateEventIdError);
    expect(await refusal(tenantId, stream, events, 1)).toBeInstanceOf(DuplicateEventIdError);
    expect(await refusal(tenantId, stream, events, 'stream-exists')).toBeInstanceOf(DuplicateEventIdError);
    expect(await versionsOf(store, tenantId, stream)).toEqual([1, 2]);
  });

  it.each<ExpectedVersion>(['no-stream', 'any'])(
    'answers ten concurrent identical %s appends with one result, and records the events once',
    async (expectedVersion) => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const events = newEvents(tenantId, 3);

      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.appendToStream(tenantId, stream, events, { expectedVersion })),
      );

      expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
      expect(results[0]?.nextExpectedVersion).toBe(3);
      expect(idsOf(await store.readStream(tenantId, stream))).toEqual(idsOf(events));
    },
  );
});
