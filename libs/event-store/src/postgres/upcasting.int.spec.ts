import { randomUUID } from 'node:crypto';
import type { GlobalEvent, NewEvent } from '../event-store.port';
import { toNdjson } from '../export/ndjson';
import { collect, newEvent, newStreamName } from '../testing/contract/fixtures';
import {
  TEST_DATABASE_URL,
  dropSchema,
  randomTestSchema,
  withTestClient,
} from '../testing/postgres-test-schema';
import { createUpcasterRegistry } from '../upcasting/upcaster-registry';
import { PostgresEventStore } from './postgres-event-store';

const upcasters = createUpcasterRegistry([
  {
    type: 'Priced',
    fromSchemaVersion: 1,
    upcast: (data) => ({ ...(data as { total: number }), currency: 'EUR' }),
  },
  {
    type: 'Priced',
    fromSchemaVersion: 2,
    upcast: (data) => {
      const { total, currency } = data as { total: number; currency: string };
      return { amount: { value: total, currency } };
    },
  },
]);

const priced = (tenantId: string, schemaVersion: number, data: unknown): NewEvent => ({
  ...newEvent(tenantId, data),
  type: 'Priced',
  schemaVersion,
});

describe('upcasting on PostgreSQL reads', () => {
  const schema = randomTestSchema();
  let store: PostgresEventStore;
  const tenantId = randomUUID();
  const stream = newStreamName();
  const current = { schemaVersion: 3, data: { amount: { value: 7, currency: 'EUR' } } };

  beforeAll(async () => {
    store = await PostgresEventStore.create({ connectionString: TEST_DATABASE_URL, schema, upcasters });
    await store.migrate();
    await store.appendToStream(
      tenantId,
      stream,
      [
        priced(tenantId, 1, { total: 7 }),
        priced(tenantId, 2, { total: 7, currency: 'EUR' }),
        priced(tenantId, 3, current.data),
      ],
      { expectedVersion: 'no-stream' },
    );
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  const shapes = (events: { schemaVersion: number; data: unknown }[]) =>
    events.map(({ schemaVersion, data }) => ({ schemaVersion, data }));

  it('returns the current shape and schema version from readStream, readAll, export and subscriptions', async () => {
    const everyV3 = [current, current, current];

    expect(shapes(await store.readStream(tenantId, stream))).toEqual(everyV3);
    expect(shapes(await store.readStream(tenantId, stream, { direction: 'backwards' }))).toEqual(everyV3);
    expect(shapes(await collect(() => store.readAll({ tenantId })))).toEqual(everyV3);
    const lines = await collect(() => toNdjson(store.exportTenant(tenantId)));
    expect(shapes(lines.map((line) => JSON.parse(line) as GlobalEvent))).toEqual(everyV3);

    const delivered: GlobalEvent[] = [];
    const subscription = store.subscribeToAll({
      filter: { tenantId },
      handler: async (e) => void delivered.push(e),
    });
    await subscription.caughtUp;
    await subscription.stop();
    expect(shapes(delivered)).toEqual(everyV3);
  });

  it('leaves the stored events as they were written', async () => {
    const stored = await withTestClient(
      async (client) =>
        (
          await client.query<{ schema_version: number; data: unknown }>(
            `select schema_version, data from "${schema}".events where tenant_id = $1 order by stream_version`,
            [tenantId],
          )
        ).rows,
    );

    expect(stored.map((row) => row.schema_version)).toEqual([1, 2, 3]);
    expect(stored[0]?.data).toEqual({ total: 7 });
  });
});
