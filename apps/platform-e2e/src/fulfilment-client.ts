import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { eventually } from '@platform/testing';
import { api, type ApiResponse } from './http-client';

/** One event of `GET /v1/orders/{id}/history`. */
export interface HistoryEntry {
  readonly type: string;
  readonly version: number;
  readonly time: string;
  readonly actor: string;
  readonly data: Record<string, unknown>;
}

/** `GET /v1/products/{sku}`. */
export interface Stock {
  readonly sku: string;
  readonly name: string;
  readonly available: number;
  readonly reserved: number;
}

/** Where an order's fulfilment ended: `shipped`, or `cancelled` with its reason. */
export type Outcome = 'shipped' | `cancelled:${string}`;

/**
 * A member of one tenant walking the order-fulfilment flow of contract §5 through the gateway:
 * products, orders, confirm and cancel, and the reads that show where each order went.
 */
export class FulfilmentClient {
  /** The position of this client's last command: its reads of read models wait for it. */
  private position = '0';

  constructor(
    private readonly gateway: string,
    private readonly token: string,
  ) {}

  async command(path: string, body: unknown, expected = 200): Promise<ApiResponse> {
    const response = await api(this.gateway, 'POST', path, { token: this.token, body });
    expect({ path, status: response.status, body: response.body }).toMatchObject({ path, status: expected });
    this.remember(response);
    return response;
  }

  /** Keeps the position of a command's answer, for the reads that follow. */
  private remember(response: ApiResponse): void {
    const { position } = response.body;
    if (typeof position === 'number') this.position = String(position);
  }

  get(path: string): Promise<ApiResponse> {
    return api(this.gateway, 'GET', path, {
      token: this.token,
      headers: { 'x-consistency-token': this.position },
    });
  }

  /** A new product with `stock` units (the gateway may serve a new tenant a moment late). */
  async createProduct(stock: number, sku = `SKU-${randomUUID().slice(0, 8)}`): Promise<string> {
    await eventually(() => this.command('/v1/products', { sku, name: `Product ${sku}`, stock }, 201));
    return sku;
  }

  /** A draft order with one line per `[sku, quantity]`, at 2.50 EUR a unit. */
  async draftOrder(lines: readonly (readonly [string, number])[], customerId = 'c-1'): Promise<string> {
    const created = await this.command('/v1/orders', { customerId }, 201);
    const orderId = String(created.body.orderId);
    for (const [sku, quantity] of lines) {
      await this.command(`/v1/orders/${orderId}/items`, {
        sku,
        quantity,
        unitPrice: { amount: '2.50', currency: 'EUR' },
      });
    }
    return orderId;
  }

  confirm(orderId: string, paymentToken: string): Promise<ApiResponse> {
    return this.command(`/v1/orders/${orderId}/confirm`, { paymentToken }, 202);
  }

  /** The customer's cancel (`reason: customer`), whatever it answers. */
  async cancel(orderId: string): Promise<ApiResponse> {
    const response = await api(this.gateway, 'POST', `/v1/orders/${orderId}/cancel`, {
      token: this.token,
      body: { reason: 'customer' },
    });
    this.remember(response);
    return response;
  }

  async stock(sku: string): Promise<Stock> {
    const response = await this.get(`/v1/products/${sku}`);
    expect(response.status).toBe(200);
    return response.body as unknown as Stock;
  }

  async order(orderId: string): Promise<Record<string, unknown>> {
    const response = await this.get(`/v1/orders/${orderId}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async history(orderId: string): Promise<HistoryEntry[]> {
    const response = await this.get(`/v1/orders/${orderId}/history`);
    expect(response.status).toBe(200);
    return response.body.events as HistoryEntry[];
  }

  /** The order's outcome once its history ends in `OrderShipped` or `OrderCancelled`. */
  async outcome(orderId: string, timeoutMs = 30_000): Promise<Outcome> {
    return eventually(
      async () => {
        const history = await this.history(orderId);
        const terminal = history.filter((e) => e.type === 'OrderShipped' || e.type === 'OrderCancelled');
        expect(terminal).toHaveLength(1);
        const [last] = terminal;
        return last?.type === 'OrderShipped'
          ? 'shipped'
          : (`cancelled:${String(last?.data.reason)}` as const);
      },
      { timeoutMs, intervalMs: 200, what: `order ${orderId} shipped or cancelled` },
    );
  }

  /** Waits until the product's stock reads `expected` (the saga's last commands come after the order's). */
  async stockSettles(sku: string, expected: Omit<Stock, 'sku' | 'name'>, timeoutMs = 30_000): Promise<void> {
    await eventually(async () => expect(await this.stock(sku)).toMatchObject(expected), {
      timeoutMs,
      intervalMs: 200,
      what: `stock of ${sku}`,
    });
  }
}

/**
 * The event types of every payment of a tenant, per order id, read from the event store itself (the
 * contract has no payment route; the store is what was charged, refunded or voided).
 */
export async function paymentEventsByOrder(
  store: Pool,
  tenantId: string,
): Promise<Map<string, readonly string[]>> {
  const { rows } = await store.query<{ order_id: string; types: string[] }>(
    `select substr(stream_name, length('payment-') + 1) as order_id,
            array_agg(event_type order by stream_version) as types
       from event_store.events
      where tenant_id = $1 and stream_name like 'payment-%'
      group by stream_name`,
    [tenantId],
  );
  return new Map(rows.map((row) => [row.order_id, row.types]));
}

/** A product's stock folded from its events in the store, and what each order did to it. */
export interface ProductLedger {
  readonly available: number;
  readonly reserved: number;
  /** Units committed (shipped): no longer on hand. */
  readonly committed: number;
  /** Versions after which `available + reserved + committed` was not the stock ever received, or a count went negative. */
  readonly broken: readonly number[];
  /** Per order id: its `StockReserved`, `StockReleased` and `StockCommitted` events, in order. */
  readonly byOrder: ReadonlyMap<string, readonly string[]>;
}

/**
 * Folds a product's stream (`product-<sku>`) from the event store and checks, after every event,
 * that no unit appeared or vanished: `available + reserved + committed` equals the stock created
 * and restocked, and none of the three is negative.
 */
export async function productLedger(store: Pool, tenantId: string, sku: string): Promise<ProductLedger> {
  const { rows } = await store.query<{ event_type: string; data: Record<string, unknown>; version: string }>(
    `select event_type, data, stream_version as version
       from event_store.events
      where tenant_id = $1 and stream_name = $2
      order by stream_version`,
    [tenantId, `product-${sku}`],
  );
  let [received, available, reserved, committed] = [0, 0, 0, 0];
  const broken: number[] = [];
  const byOrder = new Map<string, string[]>();
  for (const { event_type: type, data, version } of rows) {
    const quantity = Number(data['quantity'] ?? 0);
    if (type === 'ProductCreated') [received, available] = [Number(data['stock']), Number(data['stock'])];
    else if (type === 'ProductRestocked') [received, available] = [received + quantity, available + quantity];
    else if (type === 'StockReserved') [available, reserved] = [available - quantity, reserved + quantity];
    else if (type === 'StockReleased') [available, reserved] = [available + quantity, reserved - quantity];
    else if (type === 'StockCommitted') [reserved, committed] = [reserved - quantity, committed + quantity];
    if (type !== 'ProductCreated' && type !== 'ProductRestocked' && type !== 'StockReservationRejected') {
      const orderId = String(data['orderId']);
      byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), type]);
    }
    if (available < 0 || reserved < 0 || available + reserved + committed !== received) {
      broken.push(Number(version));
    }
  }
  return { available, reserved, committed, broken, byOrder };
}
