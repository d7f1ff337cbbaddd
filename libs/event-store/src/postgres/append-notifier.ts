import { Client, type ClientConfig } from 'pg';

/** The channel a store's appends are announced on: one per schema (ADR 0016). */
export const appendedChannel = (schema: string): string => `${schema}_appended`;

export interface AppendNotifierOptions {
  /** Least time between two notifications from this notifier, in ms; default 5. */
  readonly minIntervalMs?: number;
  /** Pause before a failed notification is tried again (on a new connection), in ms; default 1000. */
  readonly retryMs?: number;
}

/**
 * Announces, after an append committed, that the store's log moved on: `pg_notify(<channel>, '')`
 * on a connection of its own, outside the append's transaction (ADR 0016). A notifying transaction
 * takes a server-wide lock from its commit until its WAL is flushed, so a NOTIFY inside every append
 * would serialize all appends on the server; here the appends never take it, and the notification
 * commits asynchronously (`synchronous_commit = off`: there is nothing to lose) so the lock is held
 * for microseconds.
 *
 * Coalesced: at most one notification in flight, at most one every `minIntervalMs`; appends that
 * commit meanwhile share the next one. Best effort: a failure is retried once a second on a new
 * connection, and readers poll slowly in case one is lost.
 */
export class AppendNotifier {
  private readonly minIntervalMs: number;
  private readonly retryMs: number;
  private client: Client | undefined;
  private sending: Promise<void> | undefined;
  private pending = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connection: ClientConfig,
    private readonly channel: string,
    options: AppendNotifierOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 5;
    this.retryMs = options.retryMs ?? 1_000;
  }

  /** Call after an append committed: a notification follows (now, or shortly after the one in flight). */
  notify(): void {
    if (this.closed) return;
    this.pending = true;
    if (this.sending === undefined && this.timer === undefined) this.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private flush(): void {
    const wait = this.lastSentAt + this.minIntervalMs - performance.now();
    if (wait > 0) {
      this.schedule(wait);
      return;
    }
    this.pending = false;
    this.lastSentAt = performance.now();
    this.sending = this.send().finally(() => {
      this.sending = undefined;
      if (this.pending && !this.closed && this.timer === undefined) this.flush();
    });
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending && !this.closed && this.sending === undefined) this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private async send(): Promise<void> {
    try {
      const client = await this.connected();
      await client.query({ text: 'select pg_notify($1, $2)', values: [this.channel, ''] });
    } catch {
      // a broken connection: drop it, and try again later on a new one
      const broken = this.client;
      this.client = undefined;
      void broken?.end().catch(() => undefined);
      if (!this.closed) {
        this.pending = true;
        this.schedule(this.retryMs);
      }
    }
  }

  private async connected(): Promise<Client> {
    if (this.client !== undefined) return this.client;
    const client = new Client({
      ...this.connection,
      application_name: 'event-store-notify',
      keepAlive: true,
      // the notification's own commit: nothing is lost if it is, so it does not wait for the WAL flush
      options: '-c synchronous_commit=off',
    });
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
    });
    await client.connect();
    // a helper in the background: its connection must not keep the process alive (a store on a
    // caller's pool may never be closed)
    (client as Client & { unref?: () => void }).unref?.();
    this.client = client;
    return client;
  }
}
