import { Client, type ClientConfig } from 'pg';
import { WakeCounter, type WakeSignal } from '../global-log/wake-signal';

export interface AppendListenerOptions {
  /** First pause before reconnecting after the connection is lost, doubling; default 100 ms. */
  readonly reconnectMinMs?: number;
  /** Longest pause between reconnection attempts; default 5 s. */
  readonly reconnectMaxMs?: number;
}

/**
 * `LISTEN <channel>` on a connection of its own, shared by a store's live subscriptions: every
 * notification wakes them (ADR 0016). Connects when the first subscription uses it and disconnects
 * when the last one is done. A lost connection is re-established (backing off) and LISTENs again;
 * once it does, it wakes the subscriptions, since notifications sent meanwhile were missed.
 */
export class AppendListener {
  private readonly wakes = new WakeCounter();
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private users = 0;
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly connection: ClientConfig,
    private readonly channel: string,
    options: AppendListenerOptions = {},
  ) {
    this.reconnectMinMs = options.reconnectMinMs ?? 100;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 5_000;
  }

  /** The wake signal, listening until the returned `release` is called (once per `acquire`). */
  acquire(): { signal: WakeSignal; release: () => Promise<void> } {
    this.users += 1;
    if (this.users === 1) this.connect();
    let released = false;
    return {
      signal: this.wakes,
      release: async () => {
        if (released) return;
        released = true;
        this.users -= 1;
        if (this.users === 0) await this.disconnect();
      },
    };
  }

  private connect(): void {
    if (this.connecting !== undefined || this.client !== undefined || this.users === 0) return;
    const client = new Client({
      ...this.connection,
      application_name: 'event-store-listen',
      keepAlive: true,
    });
    const lost = (): void => this.lose(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.wakes.wake());
    this.connecting = (async () => {
      try {
        await client.connect();
        await client.query(`listen "${this.channel}"`);
      } catch {
        lost();
        return;
      } finally {
        this.connecting = undefined;
      }
      if (this.users === 0) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.failures = 0;
      // whatever was appended while not listening (or before the first LISTEN) is read now
      this.wakes.wake();
    })();
  }

  private lose(client: Client): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.users === 0 || this.retryTimer !== undefined) return;
    this.failures += 1;
    const delay = Math.min(this.reconnectMaxMs, this.reconnectMinMs * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private async disconnect(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
