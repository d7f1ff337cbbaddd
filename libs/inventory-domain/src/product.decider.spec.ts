import type { InventoryCommand, InventoryEvent } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { productDecider } from './product.decider';
import { evolve, initialState, type ProductState } from './product.state';

const spec = specFor(productDecider);
const sku = 'SKU-1';
const order = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const created: InventoryEvent = { type: 'ProductCreated', data: { sku, name: 'Widget', stock: 5 } };
const reserved = (n: number, quantity: number): InventoryEvent => ({
  type: 'StockReserved',
  data: { sku, orderId: order(n), quantity },
});
const reserve = (n: number, quantity: number): InventoryCommand => ({
  type: 'ReserveStock',
  data: { sku, orderId: order(n), quantity },
});

describe('product', () => {
  it('is created once', () => {
    spec
      .given([])
      .when({ type: 'CreateProduct', data: { sku, name: 'Widget', stock: 5 } })
      .then([created]);
    spec
      .given([created])
      .when({ type: 'CreateProduct', data: { sku, name: 'Other', stock: 1 } })
      .thenRejected({ kind: 'conflict', code: 'product-already-exists' });
  });

  it('is restocked, and an unknown one cannot be', () => {
    spec
      .given([created])
      .when({ type: 'RestockProduct', data: { sku, quantity: 3 } })
      .then([{ type: 'ProductRestocked', data: { sku, quantity: 3 } }]);
    spec
      .given([])
      .when({ type: 'RestockProduct', data: { sku, quantity: 3 } })
      .thenRejected({ kind: 'notFound', code: 'product-not-found' });
  });

  it('reserves what is available, all of it or nothing', () => {
    spec
      .given([created])
      .when(reserve(1, 5))
      .then([reserved(1, 5)]);
    spec
      .given([created, reserved(1, 3)])
      .when(reserve(2, 3))
      .then([
        { type: 'StockReservationRejected', data: { sku, orderId: order(2), quantity: 3, available: 2 } },
      ]);
  });

  it('answers a reservation of an unknown sku as out of stock, so that the saga can cancel', () => {
    spec
      .given([])
      .when(reserve(1, 1))
      .then([
        { type: 'StockReservationRejected', data: { sku, orderId: order(1), quantity: 1, available: 0 } },
      ]);
  });

  it('reserves once per order: a repeated reservation changes nothing', () => {
    spec
      .given([created, reserved(1, 2)])
      .when(reserve(1, 2))
      .then([]);
  });

  it('releases and commits what an order holds, and nothing when it holds nothing', () => {
    const release: InventoryCommand = { type: 'ReleaseStock', data: { sku, orderId: order(1) } };
    const commit: InventoryCommand = { type: 'CommitStock', data: { sku, orderId: order(1) } };
    spec
      .given([created, reserved(1, 2)])
      .when(release)
      .then([{ type: 'StockReleased', data: { sku, orderId: order(1), quantity: 2 } }]);
    spec
      .given([created, reserved(1, 2)])
      .when(commit)
      .then([{ type: 'StockCommitted', data: { sku, orderId: order(1), quantity: 2 } }]);
    spec.given([created]).when(release).then([]);
    spec
      .given([
        created,
        reserved(1, 2),
        { type: 'StockReleased', data: { sku, orderId: order(1), quantity: 2 } },
      ])
      .when(commit)
      .then([]);
  });

  it('never oversells: 200 orders against a stock of 50, each decided on the state the last one left', () => {
    let state: ProductState = evolve(initialState(), {
      ...created,
      data: { sku, name: 'Widget', stock: 50 },
    });
    const outcomes: string[] = [];
    for (let n = 0; n < 200; n += 1) {
      const result = productDecider.decide(reserve(n, 1), state);
      if (!result.ok) throw new Error('a reservation is never refused');
      for (const event of result.events) {
        outcomes.push(event.type);
        state = evolve(state, event);
      }
      if (state.status !== 'active') throw new Error('the product exists');
      expect(state.available + state.reserved).toBe(50);
      expect(state.available).toBeGreaterThanOrEqual(0);
    }
    expect(outcomes.filter((type) => type === 'StockReserved')).toHaveLength(50);
    expect(outcomes.filter((type) => type === 'StockReservationRejected')).toHaveLength(150);
    // shipping commits, releasing gives back: on hand falls only by what shipped
    for (const [n, type] of [
      [0, 'CommitStock'],
      [1, 'ReleaseStock'],
    ] as const) {
      const result = productDecider.decide({ type, data: { sku, orderId: order(n) } }, state);
      if (result.ok) for (const event of result.events) state = evolve(state, event);
    }
    expect(state).toMatchObject({ available: 1, reserved: 48 });
  });
});
