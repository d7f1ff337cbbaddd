import type { InventoryEvent } from '@platform/contracts';
import { projectProducts, type ProductEventAt } from './product-projection';

const ORDER = '3b9d6f1e-8c2a-4e5b-9a7d-1f0e2d3c4b5a';
const T0 = '2026-01-20T10:00:00.000Z';
let position = 100;
const at = (event: InventoryEvent, version: number): ProductEventAt => ({
  event,
  occurredAt: T0,
  version,
  position: ++position,
});
const created = at({ type: 'ProductCreated', data: { sku: 'A', name: 'Widget', stock: 5 } }, 1);

describe('product projection', () => {
  it('given a created product, when stock moves, then available and reserved follow and the version is the stream`s', () => {
    const { changed, outcomes } = projectProducts(new Map(), [
      created,
      at({ type: 'ProductRestocked', data: { sku: 'A', quantity: 3 } }, 2),
      at({ type: 'StockReserved', data: { sku: 'A', orderId: ORDER, quantity: 2 } }, 3),
      at(
        { type: 'StockReservationRejected', data: { sku: 'A', orderId: ORDER, quantity: 9, available: 6 } },
        4,
      ),
      at({ type: 'StockCommitted', data: { sku: 'A', orderId: ORDER, quantity: 1 } }, 5),
      at({ type: 'StockReleased', data: { sku: 'A', orderId: ORDER, quantity: 1 } }, 6),
    ]);
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied']);
    expect(changed).toEqual([
      {
        sku: 'A',
        name: 'Widget',
        available: 7,
        reserved: 0,
        updatedAt: T0,
        version: 6,
        lastPosition: position,
      },
    ]);
  });

  it('ignores a redelivered event and skips events of a product it never saw created', () => {
    const first = projectProducts(new Map(), [created]);
    const row = first.changed[0]!;
    const again = projectProducts(new Map([['A', row]]), [created]);
    expect(again).toEqual({ changed: [], outcomes: ['applied'] });
    const orphan = projectProducts(new Map(), [
      at(
        { type: 'StockReservationRejected', data: { sku: 'B', orderId: ORDER, quantity: 1, available: 0 } },
        1,
      ),
    ]);
    expect(orphan).toEqual({ changed: [], outcomes: ['skipped'] });
  });
});
