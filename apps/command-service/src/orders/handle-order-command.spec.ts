import type { AuditEntry } from '@platform/audit';
import { atVersion, type EntityTagCondition, type OrderCommand } from '@platform/contracts';
import { WrongExpectedVersionError, type RecordedEvent } from '@platform/event-store';
import type {
  AuditedAppend,
  AuditedAppendOutcome,
  AuditedAppendRequest,
} from '../audited-append/audited-append.port';
import type { OrderState } from '@platform/orders-domain';
import { StreamCache } from '@platform/command-handling';
import { handleOrderCommand, type CommandMetadata } from './handle-order-command';

// The application service with its ports faked in memory: what it hands to the AuditedAppend port
// and what it answers. The adapters themselves are tested against PostgreSQL (*.int.spec.ts).

const TENANT = '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f';
const ORDER = '3b9d6f1e-8c2a-4e5b-9a7d-1f0e2d3c4b5a';
const NOW = '2026-01-20T10:00:00.000Z';

const meta: CommandMetadata = {
  tenantId: TENANT,
  correlationId: 'corr-1',
  causationId: 'msg-1',
  actor: 'user:alice',
  now: () => NOW,
  newId: (() => {
    let n = 0;
    return () => `id-${++n}`;
  })(),
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

const createOrder: OrderCommand = { type: 'CreateOrder', data: { orderId: ORDER, customerId: 'cust-1' } };
const addItem = (currency: string): OrderCommand => ({
  type: 'AddOrderItem',
  data: { orderId: ORDER, sku: 'SKU-1', quantity: 1, unitPrice: { amount: '1.00', currency } },
});

/** A stored event, caused by an earlier command unless `causationId` says which. */
const recorded = (type: string, data: unknown, streamVersion: number, causationId = 'msg-0'): RecordedEvent =>
  ({
    type,
    data,
    streamVersion,
    globalPosition: 100 + streamVersion,
    metadata: { causationId },
  }) as RecordedEvent;
const created = recorded('OrderCreated', { orderId: ORDER, customerId: 'cust-1' }, 1);

/** An in-memory AuditedAppend; each call's outcome is scripted by `answer`. */
class ScriptedAppend implements AuditedAppend {
  readonly requests: AuditedAppendRequest[] = [];
  readonly refusals: AuditEntry[] = [];
  constructor(
    private readonly answer: (request: AuditedAppendRequest, call: number) => Promise<AuditedAppendOutcome>,
    private readonly refusalFails = false,
    readonly checksVersionFirst = false,
  ) {}

  append(request: AuditedAppendRequest): Promise<AuditedAppendOutcome> {
    this.requests.push(request);
    return this.answer(request, this.requests.length);
  }

  async recordRefusal(tenantId: string, record: AuditEntry): Promise<void> {
    if (this.refusalFails) throw new Error('audit log down');
    expect(tenantId).toBe(TENANT);
    this.refusals.push(record);
  }
}

const appended = async (): Promise<AuditedAppendOutcome> => ({
  ok: true,
  result: { nextExpectedVersion: 1, lastPosition: 42 },
});

const handle = (command: OrderCommand, audited: AuditedAppend, events: RecordedEvent[] = [], max = 10) =>
  handleOrderCommand({ store: { readStream: async () => events }, audited }, command, meta, {
    maxOrdersPerMonth: max,
    maxStorageBytes: 1024 ** 4,
  });

describe('handleOrderCommand', () => {
  describe('a create, on a port that checks the version first', () => {
    const counted = (events: RecordedEvent[]) => {
      const reads = { count: 0 };
      const store = {
        readStream: async () => {
          reads.count += 1;
          return events;
        },
      };
      return { reads, store };
    };
    const ports = (audited: AuditedAppend, store: { readStream: () => Promise<RecordedEvent[]> }) => ({
      store,
      audited,
    });
    const limits = { maxOrdersPerMonth: 10, maxStorageBytes: 1024 ** 4 };

    it('is appended at no-stream without reading the stream', async () => {
      const { reads, store } = counted([]);
      const audited = new ScriptedAppend(appended, false, true);

      const outcome = await handleOrderCommand(ports(audited, store), createOrder, meta, limits);

      expect(outcome).toMatchObject({ ok: true, version: 1 });
      expect(audited.requests[0]?.expectedVersion).toBe('no-stream');
      expect(reads.count).toBe(0);
    });

    it('that was carried out before (a redelivery) conflicts, then is answered as then', async () => {
      const { reads, store } = counted([recorded('OrderCreated', createOrder.data, 1, 'msg-1')]);
      const audited = new ScriptedAppend(
        async () => {
          throw new WrongExpectedVersionError(TENANT, `order-${ORDER}`, 'no-stream', 1);
        },
        false,
        true,
      );

      const outcome = await handleOrderCommand(ports(audited, store), createOrder, meta, limits);

      expect(outcome).toEqual({ ok: true, orderId: ORDER, version: 1, position: 101 });
      expect(audited.requests).toHaveLength(1);
      expect(reads.count).toBe(1);
    });

    it('reads the stream first on a port that records before appending (EventStoreDB)', async () => {
      const { reads, store } = counted([]);
      const audited = new ScriptedAppend(appended, false, false);

      await handleOrderCommand(ports(audited, store), createOrder, meta, limits);

      expect(reads.count).toBe(1);
    });
  });

  it('hands the events, their audit record and the quota unit to the port together', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await handle(createOrder, audited, [], 7);

    expect(outcome).toEqual({ ok: true, orderId: ORDER, version: 1, position: 42 });
    const [request] = audited.requests;
    expect(request).toMatchObject({
      tenantId: TENANT,
      streamName: `order-${ORDER}`,
      expectedVersion: 'no-stream',
      events: [
        {
          type: 'OrderCreated',
          data: { orderId: ORDER, customerId: 'cust-1' },
          metadata: {
            tenantId: TENANT,
            causationId: 'msg-1',
            occurredAt: NOW,
            traceparent: meta.traceparent,
          },
        },
      ],
      record: { action: 'order.create', requestId: 'msg-1', correlationId: 'corr-1', occurredAt: NOW },
      quota: { metric: 'orders', limit: 7, at: new Date(NOW) },
    });
    expect(
      request?.refusedRecord({ kind: 'quotaExceeded', code: 'quota-exceeded', detail: 'd' }),
    ).toMatchObject({
      action: 'order.create.refused',
      newState: { order: null, refusal: { code: 'quota-exceeded' } },
    });
  });

  it('charges no quota for adding an item, and appends after the recorded version', async () => {
    const audited = new ScriptedAppend(appended);

    await handle(addItem('EUR'), audited, [created]);

    expect(audited.requests[0]?.quota).toBeUndefined();
    expect(audited.requests[0]?.expectedVersion).toBe(1);
  });

  it("answers the port's refusal as a problem, with its headers", async () => {
    const audited = new ScriptedAppend(async () => ({
      ok: false,
      refusal: {
        kind: 'quotaExceeded',
        code: 'quota-exceeded',
        detail: 'used up',
        headers: { 'retry-after': '9' },
      },
    }));

    expect(await handle(createOrder, audited)).toEqual({
      ok: false,
      problem: { kind: 'quotaExceeded', detail: 'used up', headers: { 'retry-after': '9' } },
    });
  });

  it('records a business refusal alone, without appending', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await handle(addItem('EUR'), audited);

    expect(outcome).toMatchObject({ ok: false, problem: { kind: 'notFound' } });
    expect(audited.requests).toEqual([]);
    expect(audited.refusals).toEqual([expect.objectContaining({ action: 'order.add-item.refused' })]);
  });

  it('answers unavailable, with the cause, when the change or its record cannot be written', async () => {
    const down = new Error('audit insert refused');
    const failing = new ScriptedAppend(() => Promise.reject(down));
    const refusalUnrecorded = new ScriptedAppend(appended, true);

    const failed = await handle(createOrder, failing);
    const unrecorded = await handle(addItem('EUR'), refusalUnrecorded);

    expect(failed).toEqual({
      ok: false,
      problem: { kind: 'unavailable', detail: expect.any(String) },
      cause: down,
    });
    expect(unrecorded).toMatchObject({ ok: false, problem: { kind: 'unavailable' } });
  });

  it('decides again on a concurrent change, then refuses (and records) after three tries', async () => {
    const conflict = () => Promise.reject(new WrongExpectedVersionError(TENANT, `order-${ORDER}`, 1, 2));
    const flaky = new ScriptedAppend((_request, call) => (call < 3 ? conflict() : appended()));
    const hopeless = new ScriptedAppend(conflict);

    expect(await handle(addItem('EUR'), flaky, [created])).toMatchObject({ ok: true });
    const refused = await handle(addItem('EUR'), hopeless, [created]);

    expect(flaky.requests).toHaveLength(3);
    expect(hopeless.requests).toHaveLength(3);
    expect(refused).toMatchObject({ ok: false, problem: { kind: 'conflict' } });
    expect(hopeless.refusals).toEqual([
      expect.objectContaining({
        action: 'order.add-item.refused',
        newState: expect.objectContaining({
          refusal: expect.objectContaining({ code: 'changed-concurrently' }),
        }),
      }),
    ]);
  });
});

describe('handleOrderCommand with If-Match (ce_ifmatch)', () => {
  const added = recorded(
    'OrderItemAdded',
    { orderId: ORDER, sku: 'SKU-1', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
    2,
  );
  const conditional = (
    ifMatch: EntityTagCondition,
    command: OrderCommand,
    audited: AuditedAppend,
    reads: RecordedEvent[][],
  ) => {
    let read = 0;
    return handleOrderCommand(
      {
        store: { readStream: async () => reads[Math.min(read++, reads.length - 1)] ?? [] },
        audited,
      },
      command,
      { ...meta, ifMatch },
      { maxOrdersPerMonth: 10, maxStorageBytes: 1024 ** 4 },
    );
  };

  it('appends at the version If-Match names, when it is the current one', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await conditional(atVersion(1), addItem('EUR'), audited, [[created]]);

    expect(outcome).toMatchObject({ ok: true });
    expect(audited.requests.map((r) => r.expectedVersion)).toEqual([1]);
  });

  it('refuses a stale version with versionMismatch (412), appends nothing, and records the refusal', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await conditional(atVersion(1), addItem('EUR'), audited, [[created, added]]);

    expect(outcome).toEqual({
      ok: false,
      problem: {
        kind: 'versionMismatch',
        detail: 'the order is at version 2 (ETag "2"); If-Match: "1" does not match',
      },
    });
    expect(audited.requests).toEqual([]);
    expect(audited.refusals).toEqual([
      expect.objectContaining({
        action: 'order.add-item.refused',
        newState: expect.objectContaining({
          refusal: expect.objectContaining({ kind: 'versionMismatch', code: 'version-mismatch' }),
        }),
      }),
    ]);
  });

  it('checks the precondition before the business rules', async () => {
    const audited = new ScriptedAppend(appended);

    // A currency mismatch too, but the stale version is what the requester must learn first.
    const outcome = await conditional(atVersion(1), addItem('USD'), audited, [[created, added]]);

    expect(outcome).toMatchObject({ ok: false, problem: { kind: 'versionMismatch' } });
  });

  it('answers a concurrent change between read and append with 412, without a second append', async () => {
    const conflict = () => Promise.reject(new WrongExpectedVersionError(TENANT, `order-${ORDER}`, 1, 2));
    const audited = new ScriptedAppend(conflict);

    // Read at version 1 (matches), the append finds version 2, the re-read too.
    const outcome = await conditional(atVersion(1), addItem('EUR'), audited, [[created], [created, added]]);

    expect(outcome).toMatchObject({ ok: false, problem: { kind: 'versionMismatch' } });
    expect(audited.requests).toHaveLength(1);
    expect(audited.refusals.map((r) => (r.newState as { refusal: { code: string } }).refusal.code)).toEqual([
      'version-mismatch',
    ]);
  });

  it('takes * as "the order exists": it holds for an order, never for a new one', async () => {
    const audited = new ScriptedAppend(appended);

    const onExisting = await conditional({ kind: 'any' }, addItem('EUR'), audited, [[created]]);
    const onMissing = await conditional({ kind: 'any' }, addItem('EUR'), audited, [[]]);
    const onCreate = await conditional({ kind: 'any' }, createOrder, audited, [[]]);

    expect(onExisting).toMatchObject({ ok: true });
    expect(onMissing).toMatchObject({ ok: false, problem: { kind: 'versionMismatch' } });
    expect(onCreate).toMatchObject({ ok: false, problem: { kind: 'versionMismatch' } });
    expect(audited.requests).toHaveLength(1);
    expect(audited.refusals.map((r) => r.action)).toEqual(['order.add-item.refused', 'order.create.refused']);
  });
});

describe('handleOrderCommand, given a command it has carried out before (same command id)', () => {
  const item = { orderId: ORDER, sku: 'SKU-1', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } };
  // meta.causationId is 'msg-1': the command being handled.
  const createdByIt = recorded('OrderCreated', { orderId: ORDER, customerId: 'cust-1' }, 1, 'msg-1');
  const addedByIt = recorded('OrderItemAdded', item, 2, 'msg-1');
  const addedLater = recorded('OrderItemAdded', { ...item, sku: 'SKU-2' }, 3, 'msg-2');

  it('answers a repeated CreateOrder as the first run did, and appends and records nothing', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await handle(createOrder, audited, [createdByIt, addedLater]);

    expect(outcome).toEqual({ ok: true, orderId: ORDER, version: 1, position: 101 });
    expect(audited.requests).toEqual([]);
    expect(audited.refusals).toEqual([]);
  });

  it('does not add a repeated item a second time, even after later changes', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await handle(addItem('EUR'), audited, [created, addedByIt, addedLater]);

    expect(outcome).toEqual({ ok: true, orderId: ORDER, version: 2, position: 102 });
    expect(audited.requests).toEqual([]);
  });

  it('answers it before checking If-Match: the version it named was the current one then', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await handleOrderCommand(
      { store: { readStream: async () => [created, addedByIt, addedLater] }, audited },
      addItem('EUR'),
      { ...meta, ifMatch: atVersion(1) },
      { maxOrdersPerMonth: 10, maxStorageBytes: 1024 ** 4 },
    );

    expect(outcome).toEqual({ ok: true, orderId: ORDER, version: 2, position: 102 });
    expect(audited.refusals).toEqual([]);
  });

  it('runs a command that left no event (another command id) as usual', async () => {
    const audited = new ScriptedAppend(appended);

    const outcome = await handle(addItem('EUR'), audited, [created, addedLater]);

    expect(outcome).toMatchObject({ ok: true });
    expect(audited.requests).toHaveLength(1);
  });
});

describe('handleOrderCommand with hot orders in memory (ADR 0018)', () => {
  const added = (version: number, causationId = 'msg-0') =>
    recorded(
      'OrderItemAdded',
      { orderId: ORDER, sku: 'SKU-1', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
      version,
      causationId,
    );

  /** A store whose stream is `events` (mutable by the test) and that counts its reads. */
  const countingStore = (events: RecordedEvent[]) => {
    const store = {
      reads: 0,
      readStream: async () => {
        store.reads += 1;
        return [...events];
      },
    };
    return store;
  };
  /** Appends succeed at expected version + 1, unless the stream moved: then a conflict. */
  const appendingTo = (events: RecordedEvent[]) =>
    new ScriptedAppend(async (request) => {
      const expected = request.expectedVersion === 'no-stream' ? 0 : Number(request.expectedVersion);
      if (expected !== events.length)
        throw new WrongExpectedVersionError(TENANT, 'order', expected, events.length);
      events.push(added(events.length + 1, meta.causationId));
      return { ok: true, result: { nextExpectedVersion: events.length, lastPosition: 100 + events.length } };
    });
  const withCache = (
    store: ReturnType<typeof countingStore>,
    audited: AuditedAppend,
    cache: StreamCache<OrderState>,
    causationId: string,
    ifMatch?: EntityTagCondition,
  ) =>
    handleOrderCommand(
      { store, audited, cache },
      addItem('EUR'),
      { ...meta, causationId, ...(ifMatch && { ifMatch }) },
      { maxOrdersPerMonth: 10, maxStorageBytes: 1024 ** 4 },
    );

  it('reads a stream once, then decides from memory and appends at the version it remembers', async () => {
    const events = [created];
    const store = countingStore(events);
    const audited = appendingTo(events);
    const cache = new StreamCache<OrderState>();

    for (let i = 1; i <= 3; i += 1) await withCache(store, audited, cache, `cmd-${i}`);

    expect(store.reads).toBe(1);
    expect(audited.requests.map((r) => r.expectedVersion)).toEqual([1, 2, 3]);
    expect(cache.get(TENANT, `order-${ORDER}`)?.version).toBe(4);
  });

  it('answers a repeated command from memory as its first run answered, appending nothing', async () => {
    const events = [created];
    const store = countingStore(events);
    const audited = appendingTo(events);
    const cache = new StreamCache<OrderState>();
    const first = await withCache(store, audited, cache, 'cmd-1');
    await withCache(store, audited, cache, 'cmd-2');

    const again = await withCache(store, audited, cache, 'cmd-1');

    expect(again).toEqual(first);
    expect(audited.requests).toHaveLength(2);
    expect(store.reads).toBe(1);
  });

  it('re-reads when another writer moved the stream: the stale version fails the append, the retry succeeds', async () => {
    const events = [created];
    const store = countingStore(events);
    const audited = appendingTo(events);
    const cache = new StreamCache<OrderState>();
    await withCache(store, audited, cache, 'cmd-1');
    events.push(added(3, 'elsewhere')); // another instance wrote version 3

    const outcome = await withCache(store, audited, cache, 'cmd-2');

    expect(outcome).toMatchObject({ ok: true, version: 4 });
    expect(audited.requests.map((r) => r.expectedVersion)).toEqual([1, 2, 3]);
    expect(store.reads).toBe(2);
  });

  it('never refuses on a stale entry: an If-Match that the stream satisfies is appended after a re-read', async () => {
    const events = [created];
    const store = countingStore(events);
    const audited = appendingTo(events);
    const cache = new StreamCache<OrderState>();
    await withCache(store, audited, cache, 'cmd-1'); // cached at version 2
    events.push(added(3, 'elsewhere'));

    const outcome = await withCache(store, audited, cache, 'cmd-2', atVersion(3));

    expect(outcome).toMatchObject({ ok: true, version: 4 });
    expect(audited.refusals).toEqual([]);
  });

  it('answers a redelivery that another instance carried out: the stale entry conflicts, the re-read finds it', async () => {
    const events = [created];
    const store = countingStore(events);
    const audited = appendingTo(events);
    const cache = new StreamCache<OrderState>();
    await withCache(store, audited, cache, 'cmd-1');
    events.push(added(3, 'cmd-2')); // cmd-2 ran on another instance before a rebalance

    const outcome = await withCache(store, audited, cache, 'cmd-2');

    expect(outcome).toEqual({ ok: true, orderId: ORDER, version: 3, position: 103 });
    expect(events).toHaveLength(3);
  });
});
