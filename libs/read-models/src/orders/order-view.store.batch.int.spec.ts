import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import type { OrderEvent, TenantIsolation } from '@platform/contracts';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from '../data-source';
import { deprovisionTenantStorage, provisionTenantStorage } from '../provisioning';
import { SeenPositions } from '../seen-positions';
import { TenantDataSources } from '../tenant-data-sources';
import { OrderViewStore, type OrderEventToApply } from './order-view.store';

// The batch path of the order read model (applyBatch), on a real PostgreSQL, in every isolation mode.

const url = testInfra.databaseUrl;
const modes: TenantIsolation[] = ['shared', 'schema', 'dedicated'];

let nextPosition = 1_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
const created = (orderId: string, customerId = 'c-1'): OrderEvent => ({
  type: 'OrderCreated',
  data: { orderId, customerId },
});
const added = (orderId: string, sku: string, amount = '2.50'): OrderEvent => ({
  type: 'OrderItemAdded',
  data: { orderId, sku, quantity: 2, unitPrice: { amount, currency: 'EUR' } },
});
/** An event of the batch: a fresh id, the given aggregate version, the next global position. */
const at = (event: OrderEvent, version: number, eventId = randomUUID()): OrderEventToApply => ({
  eventId,
  event,
  occurredAt: new Date(Date.UTC(2026, 10, 22, 10, 0, version)).toISOString(),
  version,
  position: nextPosition++,
});

describe.each(modes)('order read model batches, isolation %s, on real PostgreSQL', (isolation) => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const sources = new TenantDataSources(createReadModelDataSource(url, 4), url);
  const positions = new SeenPositions(sources.main);
  const store = new OrderViewStore(sources, () => isolation, positions);

  beforeAll(async () => {
    await sources.main.initialize();
    await positions.migrate();
    await Promise.all([
      provisionTenantStorage(url, tenantA, isolation),
      provisionTenantStorage(url, tenantB, isolation),
    ]);
  }, 30_000);

  afterAll(async () => {
    await sources.close();
    for (const tenant of [tenantA, tenantB]) await deprovisionTenantStorage(url, tenant, isolation);
  }, 30_000);

  it('applies interleaved orders once per event id, with duplicates within and across batches', async () => {
    const [o1, o2] = [randomUUID(), randomUUID()];
    const first = [at(created(o1), 1), at(created(o2), 1), at(added(o1, 'A'), 2), at(added(o2, 'X'), 2)];
    const again = first[2] as OrderEventToApply;
    first.push({ ...again, position: nextPosition++ }, at(added(o1, 'B', '1.25'), 3));

    expect(await store.applyBatch(tenantA, first)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'duplicate',
      'applied',
    ]);
    const second = [first[3] as OrderEventToApply, at(added(o2, 'Y'), 3), first[5] as OrderEventToApply];
    expect(await store.applyBatch(tenantA, second)).toEqual(['duplicate', 'applied', 'duplicate']);

    expect(await store.findOrder(tenantA, o1)).toMatchObject({
      version: 3,
      itemCount: 2,
      totalAmount: '7.50',
      items: [expect.objectContaining({ sku: 'A' }), expect.objectContaining({ sku: 'B' })],
      lastPosition: first[5]?.position,
      updatedAt: first[5]?.occurredAt,
    });
    expect(await store.findOrder(tenantA, o2)).toMatchObject({
      version: 3,
      itemCount: 2,
      totalAmount: '10.00',
      items: [expect.objectContaining({ sku: 'X' }), expect.objectContaining({ sku: 'Y' })],
    });
  });

  it('writes the same row as the one-event path', async () => {
    const [viaBatch, viaOne] = [randomUUID(), randomUUID()];
    const history = (orderId: string) => [
      at(created(orderId), 1),
      at(added(orderId, 'A', '19.99'), 2),
      at(added(orderId, 'B', '0.01'), 3),
    ];
    await store.applyBatch(tenantA, history(viaBatch));
    for (const e of history(viaOne))
      await store.apply(tenantA, e.eventId, e.event, { ...e, position: e.position ?? 0 });

    const [batchRow, oneRow] = await Promise.all([
      store.findOrder(tenantA, viaBatch),
      store.findOrder(tenantA, viaOne),
    ]);
    const { id: _a, lastPosition: _pa, ...batchRest } = batchRow ?? {};
    const { id: _b, lastPosition: _pb, ...oneRest } = oneRow ?? {};
    expect(batchRest).toEqual(oneRest);
    expect(batchRest).toMatchObject({ totalAmount: '40.00', version: 3 });
  });

  it("never touches a tenant's row with another tenant's events for the same order id", async () => {
    const orderId = randomUUID();
    const createdId = randomUUID();
    await store.applyBatch(tenantA, [at(created(orderId, 'customer-of-a'), 1, createdId)]);
    const before = await store.findOrder(tenantA, orderId);

    // B: an item for A's order (B has no such order), then B's own order with A's ids
    expect(
      await store.applyBatch(tenantB, [
        at(added(orderId, 'FROM-B'), 2),
        at(created(orderId, 'customer-of-b'), 1, createdId),
        at(added(orderId, 'B-1', '1.00'), 2),
      ]),
    ).toEqual(['skipped', 'applied', 'applied']);

    expect(await store.findOrder(tenantA, orderId)).toEqual(before);
    expect(await store.findOrder(tenantB, orderId)).toMatchObject({
      customerId: 'customer-of-b',
      items: [expect.objectContaining({ sku: 'B-1' })],
    });
  });

  it('records every position of the batch as seen, for its tenant only, once the change is readable', async () => {
    const orderId = randomUUID();
    const batch = [at(created(orderId), 1), at(added(randomUUID(), 'NO-ORDER'), 2)];
    const duplicate = { ...(batch[0] as OrderEventToApply), position: nextPosition++ };
    await store.applyBatch(tenantA, batch);
    await store.applyBatch(tenantA, [duplicate]);

    for (const { position } of [...batch, duplicate])
      expect(await positions.seen(tenantA, position as number)).toBe(true);
    expect(await positions.seen(tenantB, batch[0]?.position as number)).toBe(false);
    expect(await store.findOrder(tenantA, orderId)).toBeDefined();
  });

  it('commits nothing of a failing batch: no row, no processed id, no seen position', async () => {
    const orderId = randomUUID();
    const good = at(created(orderId), 1);
    const bad = at(created('not-a-uuid'), 1);

    await expect(store.applyBatch(tenantA, [good, bad])).rejects.toThrow();

    expect(await positions.seen(tenantA, good.position as number)).toBe(false);
    expect(await store.findOrder(tenantA, orderId)).toBeUndefined();
    expect(await store.applyBatch(tenantA, [good])).toEqual(['applied']);
  });

  it('applies each event once when the same batch is applied twice at once (a redelivery)', async () => {
    const orderId = randomUUID();
    const batch = [at(created(orderId), 1), ...[2, 3, 4, 5].map((v) => at(added(orderId, `S${v}`), v))];

    const [one, two] = await Promise.all([
      store.applyBatch(tenantA, batch),
      store.applyBatch(tenantA, batch),
    ]);

    expect([...one, ...two].filter((o) => o === 'applied')).toHaveLength(batch.length);
    expect(await store.findOrder(tenantA, orderId)).toMatchObject({ version: 5, itemCount: 4 });
  });

  it('applies a batch in one transaction of a few statements, whatever its size', async () => {
    const orders = Array.from({ length: 20 }, () => randomUUID());
    const batch = [
      ...orders.map((id) => at(created(id), 1)),
      ...orders.map((id) => at(added(id, 'A'), 2)),
      ...orders.map((id) => at(added(id, 'B'), 3)),
    ];
    const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      await store.applyBatch(tenantA, batch);
      const statements = query.mock.calls.map(([sql]) => sql.trim().split(/\s+/).slice(0, 2).join(' '));
      expect(statements.filter((s) => s === 'START TRANSACTION')).toHaveLength(1);
      // begin, rebuild lock (ADR 0033), role/scope, processed ids, select for update, upsert, summary
      // rows, commit (+ seen positions)
      expect(statements.length).toBeLessThanOrEqual(9);
    } finally {
      query.mockRestore();
    }
    for (const id of orders) expect((await store.findOrder(tenantA, id))?.itemCount).toBe(2);
  });
});
