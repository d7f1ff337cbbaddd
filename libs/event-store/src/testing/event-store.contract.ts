import type { EventStore } from '../event-store.port';
import { describeAppendAndRead } from './contract/append-and-read.contract';
import { describeExpectedVersion } from './contract/expected-version.contract';
import { describeConcurrency } from './contract/concurrency.contract';
import { describeTenantIsolation } from './contract/tenant-isolation.contract';
import { describeInvalidArguments } from './contract/invalid-arguments.contract';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Closes the store and removes what the factory created (schema, database, ...). */
  teardown(): Promise<void>;
}

/**
 * The behaviour every {@link EventStore} adapter must show. Call it from an adapter's
 * `*.int.spec.ts`; `factory` runs once for the whole suite, and every test uses fresh tenants and
 * stream names, so the store need not be empty.
 *
 * @example
 * ```ts
 * describeEventStoreContract('PostgreSQL', async () => {
 *   const store = await PostgresEventStore.create({ connectionString, schema });
 *   await store.migrate();
 *   return { store, teardown: () => store.close() };
 * });
 * ```
 */
export function describeEventStoreContract(
  adapterName: string,
  factory: () => Promise<EventStoreUnderTest>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let subject: EventStoreUnderTest | undefined;
    const store = (): EventStore => {
      if (subject === undefined) throw new Error('the event store factory has not run');
      return subject.store;
    };

    beforeAll(async () => {
      subject = await factory();
    });
    afterAll(async () => {
      await subject?.teardown();
    });

    describeAppendAndRead(store);
    describeExpectedVersion(store);
    describeConcurrency(store);
    describeTenantIsolation(store);
    describeInvalidArguments(store);
  });
}
