import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventStoreModule } from './event-store.module';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { TEST_DATABASE_URL, dropSchema, randomTestSchema } from './testing/postgres-test-schema';

const DATABASE_CONFIG = Symbol('DATABASE_CONFIG');

interface DatabaseConfig {
  url: string;
  schema: string;
}

describe('EventStoreModule', () => {
  const schema = randomTestSchema();

  afterAll(async () => {
    await dropSchema(schema);
  });

  it('provides a migrated store globally and closes it on application shutdown', async () => {
    @Module({
      providers: [{ provide: DATABASE_CONFIG, useValue: { url: TEST_DATABASE_URL, schema } }],
      exports: [DATABASE_CONFIG],
    })
    class ConfigModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        EventStoreModule.forRootAsync({
          imports: [ConfigModule],
          inject: [DATABASE_CONFIG],
          useFactory: (config: DatabaseConfig) => ({ connectionString: config.url, schema: config.schema }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const store = app.get<EventStore>(EVENT_STORE);

    const tenantId = randomUUID();
    const event = {
      eventId: randomUUID(),
      type: 'Tested',
      data: { ok: true },
      schemaVersion: 1,
      metadata: {
        tenantId,
        correlationId: 'c',
        causationId: 'c',
        actor: 'a',
        occurredAt: '2026-01-01T00:00:00Z',
      },
    };
    await store.appendToStream(tenantId, 's', [event], { expectedVersion: 'no-stream' });
    expect(await store.readStream(tenantId, 's')).toHaveLength(1);

    await app.close();
    await expect(store.ping()).rejects.toThrow();
  });
});
