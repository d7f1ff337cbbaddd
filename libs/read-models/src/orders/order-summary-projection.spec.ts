import type { OrderEvent } from '@platform/contracts';
import { projectOrders, type OrderEventAt, type OrderRow } from './order-projection';
import { hourOf, summaryDeltas, type SummaryDeltas } from './order-summary-projection';

const order1 = '0b6f1d2e-8d1c-4a0e-b6a4-6f0f5b3c2d1a';
const order2 = '7c1e2f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6';

const created = (orderId: string): OrderEvent => ({
  type: 'OrderCreated',
  data: { orderId, customerId: 'c-1' },
});
const item = (
  orderId: string,
  sku: string,
  quantity: number,
  amount: string,
  currency = 'EUR',
): OrderEvent => ({
  type: 'OrderItemAdded',
  data: { orderId, sku, quantity, unitPrice: { amount, currency } },
});

const confirmed = (orderId: string): OrderEvent => ({
  type: 'OrderConfirmed',
  data: {
    orderId,
    customerId: 'c-1',
    skus: [],
    total: { amount: '0.00', currency: 'EUR' },
    paymentToken: 'tok_visa',
  },
});
const cancelled = (orderId: string, reason: 'customer' | 'payment-declined'): OrderEvent => ({
  type: 'OrderCancelled',
  data: { orderId, reason, from: 'draft' },
});

/** Each event at the given instant, versions counted per order. */
function at(events: readonly [OrderEvent, string][], versions = new Map<string, number>()): OrderEventAt[] {
  return events.map(([event, occurredAt], i) => {
    const version = (versions.get(event.data.orderId) ?? 0) + 1;
    versions.set(event.data.orderId, version);
    return { event, meta: { occurredAt, version, position: i + 1 } };
  });
}

/**
 * Given the events the read model has applied, when new ones are applied (through the same pure
 * order projection the store uses), then the summary rows change by what `summaryDeltas` says.
 */
function given(past: readonly [OrderEvent, string][]) {
  const versions = new Map<string, number>();
  const rows = new Map<string, OrderRow>(
    projectOrders(new Map(), at(past, versions)).changed.map((row) => [row.id, row]),
  );
  return {
    when: (next: readonly [OrderEvent, string][]) => ({
      then: (expected: SummaryDeltas) => {
        const { changed } = projectOrders(rows, at(next, new Map(versions)));
        expect(summaryDeltas(rows, changed)).toEqual(expected);
      },
    }),
  };
}

const T10 = '2026-12-03T10:00:00.000Z';
const T11 = '2026-12-03T11:00:00.000Z';

describe('hourOf', () => {
  it('truncates an instant to its UTC hour', () => {
    expect(hourOf('2026-12-03T10:59:59.999Z')).toBe(T10);
    expect(hourOf('2026-12-03T11:00:00.000+01:00')).toBe(T10);
    expect(hourOf(T11)).toBe(T11);
  });
});

describe('summaryDeltas', () => {
  it('given nothing, when an order is created, then one order without a currency in its creation hour', () => {
    given([])
      .when([[created(order1), '2026-12-03T10:42:00.000Z']])
      .then({ totals: [{ hour: T10, currency: null, orders: 1, revenue: '0.00' }], skus: [] });
  });

  it('given an empty order, when its first line is added, then the order moves to that currency with its revenue', () => {
    given([[created(order1), '2026-12-03T10:42:00.000Z']])
      .when([[item(order1, 'SKU-1', 3, '2.50'), '2026-12-03T10:43:00.000Z']])
      .then({
        totals: [
          { hour: T10, currency: null, orders: -1, revenue: '0.00' },
          { hour: T10, currency: 'EUR', orders: 1, revenue: '7.50' },
        ],
        skus: [{ hour: T10, sku: 'SKU-1', currency: 'EUR', quantity: 3, revenue: '7.50' }],
      });
  });

  it('given an order with a line, when a line is added in a later hour, then it counts in the creation hour', () => {
    given([
      [created(order1), '2026-12-03T10:59:00.000Z'],
      [item(order1, 'SKU-1', 1, '10.00'), '2026-12-03T10:59:30.000Z'],
    ])
      .when([[item(order1, 'SKU-1', 2, '10.00'), '2026-12-03T11:05:00.000Z']])
      .then({
        totals: [{ hour: T10, currency: 'EUR', orders: 0, revenue: '20.00' }],
        skus: [{ hour: T10, sku: 'SKU-1', currency: 'EUR', quantity: 2, revenue: '20.00' }],
      });
  });

  it('given nothing, when two orders of two hours and currencies are built in one batch, then rows per hour, currency and sku, summed in decimals', () => {
    given([])
      .when([
        [created(order1), '2026-12-03T10:00:00.000Z'],
        [created(order2), '2026-12-03T11:30:00.000Z'],
        [item(order1, 'B', 1, '0.1'), '2026-12-03T11:31:00.000Z'],
        [item(order1, 'B', 2, '0.2'), '2026-12-03T11:31:00.000Z'],
        [item(order2, 'A', 1, '19.99', 'USD'), '2026-12-03T11:32:00.000Z'],
      ])
      .then({
        totals: [
          { hour: T10, currency: 'EUR', orders: 1, revenue: '0.50' },
          { hour: T11, currency: 'USD', orders: 1, revenue: '19.99' },
        ],
        skus: [
          { hour: T10, sku: 'B', currency: 'EUR', quantity: 3, revenue: '0.50' },
          { hour: T11, sku: 'A', currency: 'USD', quantity: 1, revenue: '19.99' },
        ],
      });
  });

  it('given an order with lines, when it is cancelled, then it leaves the order count, the revenue and the skus', () => {
    given([
      [created(order1), T10],
      [item(order1, 'SKU-1', 2, '10.00'), T10],
      [item(order1, 'SKU-2', 1, '0.50'), T10],
      [confirmed(order1), T10],
    ])
      .when([[cancelled(order1, 'payment-declined'), T11]])
      .then({
        totals: [{ hour: T10, currency: 'EUR', orders: -1, revenue: '-20.50' }],
        skus: [
          { hour: T10, sku: 'SKU-1', currency: 'EUR', quantity: -2, revenue: '-20.00' },
          { hour: T10, sku: 'SKU-2', currency: 'EUR', quantity: -1, revenue: '-0.50' },
        ],
      });
  });

  it('given a draft, when it is created and cancelled in one batch, then the summary does not change', () => {
    given([])
      .when([
        [created(order2), T10],
        [item(order2, 'SKU-1', 1, '1.00'), T10],
        [cancelled(order2, 'customer'), T10],
      ])
      .then({ totals: [], skus: [] });
  });

  it('given an order on its way, when it is reserved, paid and shipped, then the summary does not change', () => {
    given([
      [created(order1), T10],
      [item(order1, 'SKU-1', 1, '1.00'), T10],
    ])
      .when([
        [confirmed(order1), T10],
        [{ type: 'OrderReserved', data: { orderId: order1 } }, T10],
        [{ type: 'OrderPaid', data: { orderId: order1 } }, T11],
        [{ type: 'OrderShipped', data: { orderId: order1 } }, T11],
      ])
      .then({ totals: [], skus: [] });
  });

  it('given an order, when its events are redelivered, then nothing changes', () => {
    const past: [OrderEvent, string][] = [
      [created(order1), T10],
      [item(order1, 'SKU-1', 1, '1.00'), T10],
    ];
    const rows = new Map(projectOrders(new Map(), at(past)).changed.map((row) => [row.id, row]));
    const again = projectOrders(rows, at(past));
    expect(summaryDeltas(rows, again.changed)).toEqual({ totals: [], skus: [] });
  });
});
