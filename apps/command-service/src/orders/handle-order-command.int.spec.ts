import { randomUUID } from 'node:crypto';
import { atVersion, orderStreamName, type OrderCommand } from '@platform/contracts';
import { STORAGE_BYTES_METRIC } from '@platform/quotas';
import { AuditFirstAuditedAppend } from '../audited-append/audit-first-audited-append';
import type { AuditedAppend } from '../audited-append/audited-append.port';
import { GroupCommitAuditedAppend } from '../audited-append/group-commit-audited-append';
import { startCommandPostgres, type CommandPostgres } from '../testing/postgres-fixture';
import {
  handleOrderCommand,
  type CommandMetadata,
  type CommandOutcome,
  type OrderCommandPorts,
} from './handle-order-command';
import { ORDERS_METRIC, type OrderLimits } from './order-quota';

// Every order command leaves a record on its tenant's audit chain (contract §8) and CreateOrder is
// held to the plan's monthly quota, on a real PostgreSQL, through each adapter of the AuditedAppend
// port. The EventStoreDB adapter runs here against the PostgreSQL store through the generic
// EventStore port: what is under test is its order (audit first, then append), not EventStoreDB.

type Adapter = (db: CommandPostgres, audit: 'audit works' | 'audit refused') => AuditedAppend;

const adapters: [string, Adapter][] = [
  [
    'PostgreSQL store: group commit',
    (db, audit) => {
      const on = audit === 'audit works' ? db : db.noAudit;
      // gauges read afresh by every group: the storage test records one between two commands
      return new GroupCommitAuditedAppend(on.pool, db.store, on.audit, on.usage, 0);
    },
  ],
  [
    'EventStoreDB path: audit first',
    (db, audit) => {
      const on = audit === 'audit works' ? db : db.noAudit;
      return new AuditFirstAuditedAppend(db.store, on.audit, on.usage);
    },
  ],
];

const JANUARY = '2026-01-20T10:00:00.000Z';
const FEBRUARY = '2026-02-01T00:00:00.000Z';
const PLENTY: OrderLimits = { maxOrdersPerMonth: 1_000, maxStorageBytes: 1024 ** 4 };

const createOrder = (orderId = randomUUID()): OrderCommand => ({
  type: 'CreateOrder',
  data: { orderId, customerId: 'cust-1' },
});
const addItem = (orderId: string, currency = 'EUR'): OrderCommand => ({
  type: 'AddOrderItem',
  data: { orderId, sku: 'SKU-1', quantity: 2, unitPrice: { amount: '9.50', currency } },
});

describe.each(adapters)('handleOrderCommand, audited (%s)', (_name, adapter) => {
  let db: CommandPostgres;
  let audited: AuditedAppend;
  let refusing: AuditedAppend;

  beforeAll(async () => {
    db = await startCommandPostgres();
    audited = adapter(db, 'audit works');
    refusing = adapter(db, 'audit refused');
  });
  afterAll(() => db.close());

  const metaFor = (tenantId: string, now = JANUARY): CommandMetadata => ({
    tenantId,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'user:alice',
    now: () => now,
    newId: randomUUID,
  });

  const run = (
    tenantId: string,
    command: OrderCommand,
    options: {
      via?: AuditedAppend;
      limits?: OrderLimits;
      meta?: CommandMetadata;
      store?: OrderCommandPorts['store'];
    } = {},
  ): Promise<CommandOutcome> =>
    handleOrderCommand(
      { store: options.store ?? db.store, audited: options.via ?? audited },
      command,
      options.meta ?? metaFor(tenantId),
      options.limits ?? PLENTY,
    );

  const chainOf = (tenantId: string) => db.audit.list(tenantId, { limit: 100 });
  const streamOf = (tenantId: string, orderId: string) =>
    db.store.readStream(tenantId, orderStreamName(orderId));

  it('appends the events with their audit record: who, what, on which order, before and after', async () => {
    const tenantId = randomUUID();
    const orderId = randomUUID();
    const createdMeta = metaFor(tenantId);
    const addedMeta = metaFor(tenantId);

    const created = await run(tenantId, createOrder(orderId), { meta: createdMeta });
    const added = await run(tenantId, addItem(orderId), { meta: addedMeta });

    expect(created).toMatchObject({ ok: true, orderId, version: 1 });
    expect(added).toMatchObject({ ok: true, orderId, version: 2 });
    expect(await streamOf(tenantId, orderId)).toHaveLength(2);
    const draft = { status: 'draft', orderId, customerId: 'cust-1', lines: [] };
    expect(await chainOf(tenantId)).toEqual([
      expect.objectContaining({
        tenantId,
        sequence: 1,
        actor: 'user:alice',
        action: 'order.create',
        target: `order/${orderId}`,
        previousState: null,
        newState: draft,
        requestId: createdMeta.causationId,
        correlationId: createdMeta.correlationId,
        occurredAt: JANUARY,
        verified: true,
      }),
      expect.objectContaining({
        sequence: 2,
        action: 'order.add-item',
        target: `order/${orderId}`,
        previousState: draft,
        newState: {
          ...draft,
          currency: 'EUR',
          lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: { amount: '9.50', currency: 'EUR' } }],
        },
        requestId: addedMeta.causationId,
        correlationId: addedMeta.correlationId,
        verified: true,
      }),
    ]);
    expect(await db.audit.verify(tenantId)).toEqual({ valid: true, checked: 2 });
  });

  it('records a command refused by a business rule on the same chain, and changes nothing', async () => {
    const tenantId = randomUUID();
    const orderId = randomUUID();
    await run(tenantId, createOrder(orderId));
    await run(tenantId, addItem(orderId, 'EUR'));
    const [, before] = await chainOf(tenantId);

    const refused = await run(tenantId, addItem(orderId, 'USD'));
    const unknown = randomUUID();
    const missing = await run(tenantId, addItem(unknown));

    expect(refused).toEqual({
      ok: false,
      problem: { kind: 'conflict', detail: expect.stringMatching(/EUR/) },
    });
    expect(missing).toMatchObject({ ok: false, problem: { kind: 'notFound' } });
    expect(await streamOf(tenantId, orderId)).toHaveLength(2);
    const [, , currency, notFound] = await chainOf(tenantId);
    expect(currency).toMatchObject({
      action: 'order.add-item.refused',
      target: `order/${orderId}`,
      previousState: {
        order: before?.newState,
        refusal: { kind: 'conflict', code: 'currency-mismatch', detail: expect.any(String) },
      },
    });
    expect(currency?.newState).toEqual(currency?.previousState);
    expect(notFound).toMatchObject({
      action: 'order.add-item.refused',
      target: `order/${unknown}`,
      previousState: { order: null, refusal: { kind: 'notFound', code: 'order-not-found' } },
      newState: { order: null, refusal: { kind: 'notFound', code: 'order-not-found' } },
    });
    expect(await db.audit.verify(tenantId)).toEqual({ valid: true, checked: 4 });
  });

  it('appends nothing and answers unavailable when the audit record cannot be written', async () => {
    const tenantId = randomUUID();
    const orderId = randomUUID();
    await run(tenantId, createOrder(orderId));
    const streamBefore = await streamOf(tenantId, orderId);
    const newOrder = randomUUID();

    const added = await run(tenantId, addItem(orderId), { via: refusing });
    const created = await run(tenantId, createOrder(newOrder), { via: refusing });
    const refused = await run(tenantId, addItem(orderId, 'USD'), { via: refusing });

    for (const outcome of [added, created, refused]) {
      expect(outcome).toMatchObject({
        ok: false,
        problem: { kind: 'unavailable' },
        cause: expect.objectContaining({ code: '42501' }),
      });
    }
    expect(await streamOf(tenantId, orderId)).toEqual(streamBefore);
    expect(await streamOf(tenantId, newOrder)).toEqual([]);
    expect(await db.usage.usage(tenantId, ORDERS_METRIC, new Date(JANUARY))).toBe(1);
    expect((await chainOf(tenantId)).map((r) => r.action)).toEqual(['order.create']);
  });

  describe('If-Match (ce_ifmatch, ADR 0011)', () => {
    const ifMatch = (tenantId: string, version: number): { meta: CommandMetadata } => ({
      meta: { ...metaFor(tenantId), ifMatch: atVersion(version) },
    });

    it('appends when If-Match names the current version, and refuses a stale one with 412, recorded', async () => {
      const tenantId = randomUUID();
      const orderId = randomUUID();
      await run(tenantId, createOrder(orderId));

      const current = await run(tenantId, addItem(orderId), ifMatch(tenantId, 1));
      const staleMeta = ifMatch(tenantId, 1);
      const stale = await run(tenantId, addItem(orderId), staleMeta);

      expect(current).toMatchObject({ ok: true, version: 2 });
      expect(stale).toEqual({
        ok: false,
        problem: {
          kind: 'versionMismatch',
          detail: 'the order is at version 2 (ETag "2"); If-Match: "1" does not match',
        },
      });
      expect(await streamOf(tenantId, orderId)).toHaveLength(2);
      const chain = await chainOf(tenantId);
      expect(chain.map((r) => r.action)).toEqual([
        'order.create',
        'order.add-item',
        'order.add-item.refused',
      ]);
      const refusal = {
        order: chain[1]?.newState,
        refusal: {
          kind: 'versionMismatch',
          code: 'version-mismatch',
          detail: expect.stringContaining('"1"'),
        },
      };
      expect(chain[2]).toMatchObject({
        actor: 'user:alice',
        target: `order/${orderId}`,
        previousState: refusal,
        newState: refusal,
        requestId: staleMeta.meta.causationId,
        correlationId: staleMeta.meta.correlationId,
      });
      expect(await db.audit.verify(tenantId)).toEqual({ valid: true, checked: 3 });
    });

    it('refuses If-Match: * on a create (a new order never matches), and records it', async () => {
      const tenantId = randomUUID();
      const orderId = randomUUID();

      const refused = await run(tenantId, createOrder(orderId), {
        meta: { ...metaFor(tenantId), ifMatch: { kind: 'any' } },
      });

      expect(refused).toMatchObject({ ok: false, problem: { kind: 'versionMismatch' } });
      expect(await streamOf(tenantId, orderId)).toEqual([]);
      expect(await db.usage.usage(tenantId, ORDERS_METRIC, new Date(JANUARY))).toBe(0);
      expect((await chainOf(tenantId)).map((r) => r.action)).toEqual(['order.create.refused']);
    });

    it('answers 412 when the order changes between the read that matched and the append', async () => {
      const tenantId = randomUUID();
      const orderId = randomUUID();
      await run(tenantId, createOrder(orderId));
      let interfered = false;
      // Another writer's command lands right after this one read the order at version 1.
      const racing: OrderCommandPorts['store'] = {
        readStream: async (tenant, stream) => {
          const events = await db.store.readStream(tenant, stream);
          if (!interfered) {
            interfered = true;
            expect(await run(tenantId, addItem(orderId))).toMatchObject({ ok: true, version: 2 });
          }
          return events;
        },
      };

      const outcome = await run(tenantId, addItem(orderId), { ...ifMatch(tenantId, 1), store: racing });

      expect(interfered).toBe(true);
      expect(outcome).toMatchObject({ ok: false, problem: { kind: 'versionMismatch' } });
      expect(await streamOf(tenantId, orderId)).toHaveLength(2);
      const last = (await chainOf(tenantId)).at(-1);
      expect(last).toMatchObject({
        action: 'order.add-item.refused',
        newState: { refusal: { code: 'version-mismatch', detail: expect.stringMatching(/version 2/) } },
      });
      expect(await db.audit.verify(tenantId)).toMatchObject({ valid: true });
    });
  });

  it("keeps each tenant's records on its own chain", async () => {
    const [tenantA, tenantB] = [randomUUID(), randomUUID()];
    const orderA = randomUUID();
    await run(tenantA, createOrder(orderA));
    await run(tenantA, addItem(orderA));

    expect(await chainOf(tenantB)).toEqual([]);
    const orderB = randomUUID();
    await run(tenantB, createOrder(orderB));

    const chainB = await chainOf(tenantB);
    expect(chainB.map((r) => [r.tenantId, r.target])).toEqual([[tenantB, `order/${orderB}`]]);
    expect(chainB.some((r) => r.target === `order/${orderA}`)).toBe(false);
    expect((await chainOf(tenantA)).map((r) => r.target)).toEqual([`order/${orderA}`, `order/${orderA}`]);
  });

  it("holds CreateOrder to the plan's monthly quota: 429 with Retry-After until the next UTC month", async () => {
    const tenantId = randomUUID();
    const limits = { maxOrdersPerMonth: 2, maxStorageBytes: 1024 ** 4 };
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    await run(tenantId, createOrder(first), { limits });
    await run(tenantId, createOrder(second), { limits });

    const overQuota = await run(tenantId, createOrder(third), { limits });

    const untilFebruary = (Date.parse(FEBRUARY) - Date.parse(JANUARY)) / 1000;
    expect(overQuota).toEqual({
      ok: false,
      problem: {
        kind: 'quotaExceeded',
        detail: expect.stringContaining('2 orders per UTC month'),
        headers: {
          'retry-after': String(untilFebruary),
          'ratelimit-policy': `"orders-per-month";q=2;w=${31 * 24 * 3600}`,
          ratelimit: `"orders-per-month";r=0;t=${untilFebruary}`,
        },
      },
    });
    expect(await streamOf(tenantId, third)).toEqual([]);
    expect(await db.usage.usage(tenantId, ORDERS_METRIC, new Date(JANUARY))).toBe(2);
    const last = (await chainOf(tenantId)).at(-1);
    expect(last).toMatchObject({
      action: 'order.create.refused',
      target: `order/${third}`,
      newState: { order: null, refusal: { kind: 'quotaExceeded', code: 'quota-exceeded' } },
    });
    // Adding items costs nothing; another tenant and the next month have their own counters.
    expect(await run(tenantId, addItem(first), { limits })).toMatchObject({ ok: true });
    expect(await run(randomUUID(), createOrder(), { limits })).toMatchObject({ ok: true });
    const nextMonth = await run(tenantId, createOrder(), { limits, meta: metaFor(tenantId, FEBRUARY) });
    expect(nextMonth).toMatchObject({ ok: true });
  });

  it("refuses every write while the tenant's last measured storage is past its plan's", async () => {
    const [tenantId, other] = [randomUUID(), randomUUID()];
    const limits = { maxOrdersPerMonth: 100, maxStorageBytes: 1_000_000 };
    const orderId = randomUUID();
    await run(tenantId, createOrder(orderId), { limits });
    await db.usage.setGauge(tenantId, STORAGE_BYTES_METRIC, 1_500_000, new Date(JANUARY));
    await db.usage.setGauge(other, STORAGE_BYTES_METRIC, 10, new Date(JANUARY));

    const refused = await run(tenantId, addItem(orderId), { limits });

    expect(refused).toEqual({
      ok: false,
      problem: {
        kind: 'quotaExceeded',
        detail: expect.stringContaining('1.0 MB of storage and 1.4 MB were measured'),
        headers: { 'retry-after': '300' },
      },
    });
    expect(await run(tenantId, createOrder(), { limits })).toMatchObject({ ok: false });
    expect((await streamOf(tenantId, orderId)).map((e) => e.type)).toEqual(['OrderCreated']);
    expect((await chainOf(tenantId)).at(-2)).toMatchObject({
      action: 'order.add-item.refused',
      newState: { refusal: { kind: 'quotaExceeded', code: 'storage-quota-exceeded' } },
    });
    // another tenant within its storage writes; measured back under, the tenant writes again
    expect(await run(other, createOrder(), { limits })).toMatchObject({ ok: true });
    await db.usage.setGauge(tenantId, STORAGE_BYTES_METRIC, 900_000, new Date(JANUARY));
    expect(await run(tenantId, addItem(orderId), { limits })).toMatchObject({ ok: true });
  });

  it('lets exactly the limit through when creates race at the limit, and records every one', async () => {
    const tenantId = randomUUID();
    const limits = { maxOrdersPerMonth: 3, maxStorageBytes: 1024 ** 4 };

    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => run(tenantId, createOrder(), { limits })),
    );

    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok && o.problem.kind === 'quotaExceeded')).toHaveLength(5);
    expect(await db.usage.usage(tenantId, ORDERS_METRIC, new Date(JANUARY))).toBe(3);
    const actions = (await chainOf(tenantId)).map((r) => r.action).sort();
    expect(actions).toEqual([...Array(3).fill('order.create'), ...Array(5).fill('order.create.refused')]);
    expect(await db.audit.verify(tenantId)).toEqual({ valid: true, checked: 8 });
  });
});
