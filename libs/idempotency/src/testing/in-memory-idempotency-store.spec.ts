import { idempotencyStoreContract } from './idempotency-store.contract';
import { InMemoryIdempotencyStore, type InMemoryIdempotencyRecord } from './in-memory-idempotency-store';

describe('InMemoryIdempotencyStore', () => {
  idempotencyStoreContract(async (clock) => {
    const records = new Map<string, InMemoryIdempotencyRecord>();
    return {
      first: new InMemoryIdempotencyStore({ ...clock, records }),
      second: new InMemoryIdempotencyStore({ ...clock, records }),
    };
  });
});
