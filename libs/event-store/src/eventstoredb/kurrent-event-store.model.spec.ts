import { describeEventStoreContract } from '../testing/event-store.contract';
import { KurrentEventStore } from './kurrent-event-store';
import { InMemoryKurrentClient } from './testing/in-memory-kurrent-client';

// The shared contract, run against the adapter on an in-memory MODEL of the KurrentDB client. It
// proves the adapter's own logic (naming, version mapping, idempotency, filters, checkpoints, the
// catch-up seam, purge) against the server behaviour the model encodes; it proves nothing about a
// real server. The real run is kurrent-event-store.int.spec.ts, with EVENTSTOREDB_URL.
describeEventStoreContract(
  'KurrentEventStore on an in-memory model of the client (not a server)',
  async () => {
    const store = new KurrentEventStore(new InMemoryKurrentClient());
    return { store, teardown: () => store.close() };
  },
);
