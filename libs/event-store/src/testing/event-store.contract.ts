import type { EventStore } from '../event-store.port';
import { describeAppendAndRead } from './contract/append-and-read.contract';
import { describeExpectedVersion } from './contract/expected-version.contract';
import { describeConcurrency } from './contract/concurrency.contract';
import { describeTenantIsolation } from './contract/tenant-isolation.contract';
import { describeInvalidArguments } from './contract/invalid-arguments.contract';
import { describeReadStreamBackwards } from './contract/read-stream-backwards.contract';
import { describeIdempotentAppend } from './contract/idempotent-append.contract';
import { describeReadAll } from './contract/read-all.contract';
import { describeSubscribeToAll } from './contract/subscribe-to-all.contract';
import { describeExportAndPurge } from './contract/export-and-purge.contract';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Closes the store and removes what the factory created (schema, database, ...). */
  teardown(): Promise<void>;
}

/**
 * The behaviour every {@link EventStore} adapter must show. Call it from an adapter's
 * `*.int.spec.ts`; `factory` runs once for the whole suite, and every test uses fresh tenants and
 * stream names, so the store need not be empty (reads of every tenant keep only their own tenants'
 * events). Proofs that depend on one engine (PostgreSQL's out-of-order commits, row-level security)
 * stay in that adapter's own specs.
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
    describeReadStreamBackwards(store);
    describeIdempotentAppend(store);
    describeReadAll(store);
    describeSubscribeToAll(store);
    describeExportAndPurge(store);
  });
}
