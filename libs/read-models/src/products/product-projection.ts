import type { InventoryEvent } from '@platform/contracts';

/** The product read model as plain data: what `GET /v1/products/{sku}` answers, and its version. */
export interface ProductRow {
  readonly sku: string;
  readonly name: string;
  readonly available: number;
  readonly reserved: number;
  readonly updatedAt: string;
  /** The product stream's version after its last event: the `ETag` that `If-Match` names. */
  readonly version: number;
  readonly lastPosition: number;
}

/** An inventory event and what its envelope says about it. */
export interface ProductEventAt {
  readonly event: InventoryEvent;
  readonly occurredAt: string;
  /** The stream version after the event (`ce_sequence`). */
  readonly version: number;
  /** Global position (`ce_position`); 0 when the event carries none. */
  readonly position: number;
}

/**
 * Pure projection: the product row after one event. `undefined` for an event of a product the read
 * model has not seen created (a reservation of an unknown sku is rejected in a stream of its own);
 * the row unchanged for an event at or below its version (a redelivery). Every other event moves the
 * version, a rejected reservation too: the row's version is the stream's.
 */
export function projectProduct(row: ProductRow | undefined, at: ProductEventAt): ProductRow | undefined {
  if (row && at.version <= row.version) return row;
  const { event } = at;
  if (event.type === 'ProductCreated') {
    if (row) return row;
    const { sku, name, stock } = event.data;
    return { sku, name, available: stock, reserved: 0, ...moved(at) };
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'ProductRestocked':
      return { ...row, available: row.available + event.data.quantity, ...moved(at, row) };
    case 'StockReserved':
      return {
        ...row,
        available: row.available - event.data.quantity,
        reserved: row.reserved + event.data.quantity,
        ...moved(at, row),
      };
    case 'StockReservationRejected':
      return { ...row, ...moved(at, row) };
    case 'StockReleased':
      return {
        ...row,
        available: row.available + event.data.quantity,
        reserved: row.reserved - event.data.quantity,
        ...moved(at, row),
      };
    case 'StockCommitted':
      return { ...row, reserved: row.reserved - event.data.quantity, ...moved(at, row) };
  }
}

const moved = (at: ProductEventAt, row?: ProductRow) => ({
  updatedAt: at.occurredAt,
  version: at.version,
  lastPosition: Math.max(row?.lastPosition ?? 0, at.position),
});

/** What {@link projectProducts} computed: the changed rows (one per sku) and an outcome per event. */
export interface ProjectedProducts {
  readonly changed: readonly ProductRow[];
  readonly outcomes: readonly ('applied' | 'skipped')[];
}

/** Pure projection of many events: each sku's events folded in input order from its `current` row. */
export function projectProducts(
  current: ReadonlyMap<string, ProductRow>,
  events: readonly ProductEventAt[],
): ProjectedProducts {
  const rows = new Map(current);
  const changed = new Set<string>();
  const outcomes = events.map((at) => {
    const sku = at.event.data.sku;
    const before = rows.get(sku);
    const after = projectProduct(before, at);
    if (!after) return 'skipped' as const;
    if (after !== before) {
      rows.set(sku, after);
      changed.add(sku);
    }
    return 'applied' as const;
  });
  return { changed: [...changed].map((sku) => rows.get(sku) as ProductRow), outcomes };
}
