import type { CommandResult, RetryingClient } from './retrying-client';

/** One command the driver sent, and what became of it. */
export interface SentCommand {
  readonly kind: 'create' | 'add-item';
  readonly tenantId: string;
  /** The order (for a create: the one the gateway answered with, once accepted). */
  readonly orderId: string | undefined;
  /** Unique per item command: the sku names the command in the event store and the read model. */
  readonly sku: string | undefined;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly result: CommandResult;
}

export interface LoadTenant {
  readonly tenantId: string;
  readonly client: RetryingClient;
}

/** Items per order before a worker starts a new one (orders take at most 100 lines). */
const ITEMS_PER_ORDER = 40;

/**
 * Drives the write path from `workers` concurrent loops until stopped: each creates an order
 * (`POST /v1/orders`), adds items to it (`POST /v1/orders/{id}/items`, each with a unique sku), and
 * starts a new order every {@link ITEMS_PER_ORDER} items. Records every command and its fate.
 */
export class LoadDriver {
  readonly sent: SentCommand[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly tenants: readonly LoadTenant[],
    private readonly workers: number,
    private readonly pauseMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.workers }, (_, worker) => this.loop(worker));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** The first command sent at or after `since` that was accepted, by answer time. */
  firstAcceptedSentAfter(since: number): SentCommand | undefined {
    let first: SentCommand | undefined;
    for (const command of this.sent) {
      if (command.sentAt < since || command.result.outcome !== 'accepted') continue;
      if (first === undefined || command.answeredAt < first.answeredAt) first = command;
    }
    return first;
  }

  private async loop(worker: number): Promise<void> {
    const tenant = this.tenants[worker % this.tenants.length];
    if (tenant === undefined) return;
    let orderId: string | undefined;
    let items = 0;
    let n = 0;
    while (this.running) {
      n += 1;
      const sentAt = Date.now();
      if (orderId === undefined || items >= ITEMS_PER_ORDER) {
        const result = await tenant.client.send('POST', '/v1/orders', { customerId: `fault-${worker}` });
        const created = result.outcome === 'accepted' ? String(result.body['orderId']) : undefined;
        this.record('create', tenant.tenantId, created, undefined, sentAt, result);
        if (created !== undefined) {
          orderId = created;
          items = 0;
        }
      } else {
        const sku = `F-${worker}-${n}`;
        const result = await tenant.client.send('POST', `/v1/orders/${orderId}/items`, {
          sku,
          quantity: 1,
          unitPrice: { amount: '1.25', currency: 'EUR' },
        });
        this.record('add-item', tenant.tenantId, orderId, sku, sentAt, result);
        items += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }

  private record(
    kind: SentCommand['kind'],
    tenantId: string,
    orderId: string | undefined,
    sku: string | undefined,
    sentAt: number,
    result: CommandResult,
  ): void {
    this.sent.push({ kind, tenantId, orderId, sku, sentAt, answeredAt: Date.now(), result });
  }
}
