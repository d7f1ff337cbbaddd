import type {
  AllSubscription,
  AppendResult,
  EventStore,
  ExpectedVersion,
  GlobalEvent,
  NewEvent,
  PurgeResult,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../event-store.port';
import { toCheckedAllFilter, toCheckedReadAll, type CheckedAllFilter } from '../global-log/all-filter';
import {
  assertExpectedVersion,
  assertNewEvents,
  assertStreamName,
  assertTenantId,
  toReadRange,
} from '../guards';
import { NO_UPCASTING, type UpcasterRegistry } from '../upcasting/upcaster-registry';
import { toAllReadPlan, type AllReadPlan } from './all-filter';
import { CatchUpSubscription } from './all-subscription';
import { decodeCheckpoint } from './checkpoint';
import { lastLogPosition, readLog } from './global-log';
import { connectKurrentClient, type KurrentClient } from './kurrent-client';
import { appendToTenantStream } from './stream-append';
import { readTenantStream } from './stream-reads';
import { lastPurgePosition, purgeTenantStreams } from './tenant-purge';

export interface KurrentEventStoreConfig {
  /** `kurrentdb://host:2113?tls=false`, or the older `esdb://…` form. */
  connectionString: string;
}

export interface KurrentEventStoreOptions {
  /** How long {@link KurrentEventStore.ping} waits for the server; default 5 s. */
  pingTimeoutMs?: number;
  /** The clock stamped on purge markers; default the system clock. */
  now?: () => Date;
  /** Brings events recorded with older schema versions to the current shape on read. */
  upcasters?: UpcasterRegistry;
}

/**
 * {@link EventStore} on KurrentDB (EventStoreDB): one KurrentDB stream per tenant stream, named
 * `t_<tenant>.<stream>` (ADR 0006), global reads and subscriptions on `$all`. Its reads of `$all`
 * need a user allowed to read it.
 *
 * @example
 * ```ts
 * const store = KurrentEventStore.create({ connectionString: 'esdb://localhost:2113?tls=false' });
 * await store.ping();
 * await store.appendToStream(tenantId, 'order-42', events, { expectedVersion: 'no-stream' });
 * await store.close();
 * ```
 */
export class KurrentEventStore implements EventStore {
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly pingTimeoutMs: number;
  private readonly now: () => Date;
  private readonly upcasters: UpcasterRegistry;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: KurrentClient,
    options: KurrentEventStoreOptions = {},
  ) {
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.now = options.now ?? (() => new Date());
    this.upcasters = options.upcasters ?? NO_UPCASTING;
  }

  /** A store on its own client, which {@link close} disposes. The client connects on first use. */
  static create(config: KurrentEventStoreConfig, options?: KurrentEventStoreOptions): KurrentEventStore {
    return new KurrentEventStore(connectKurrentClient(config.connectionString), options);
  }

  async appendToStream(
    tenantId: string,
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult> {
    assertTenantId(tenantId);
    assertStreamName(streamName);
    const { expectedVersion } = options;
    assertExpectedVersion(expectedVersion);
    assertNewEvents(tenantId, events);
    return appendToTenantStream(this.client, { tenantId, streamName, events, expectedVersion });
  }

  async readStream(
    tenantId: string,
    streamName: string,
    options?: ReadStreamOptions,
  ): Promise<RecordedEvent[]> {
    assertTenantId(tenantId);
    assertStreamName(streamName);
    const events = await readTenantStream(this.client, tenantId, streamName, toReadRange(options));
    return events.map((event) => this.upcasters.upcast(event));
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<GlobalEvent> {
    const { filter, maxCount } = toCheckedReadAll(options);
    const after = options.from === undefined ? undefined : decodeCheckpoint(options.from);
    const plan = await this.readPlan(filter);
    for await (const entry of readLog(this.client, { plan, after, maxCount: maxCount ?? undefined })) {
      yield this.upcasters.upcast(entry.event);
    }
  }

  subscribeToAll(options: SubscribeToAllOptions): AllSubscription {
    const { fromCheckpoint, handler, onError } = options;
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    const filter = toCheckedAllFilter(options.filter);
    const subscription = new CatchUpSubscription(this.client, {
      after: fromCheckpoint === undefined ? undefined : decodeCheckpoint(fromCheckpoint),
      plan: () => this.readPlan(filter),
      handler: (event) => handler(this.upcasters.upcast(event)),
      onError,
    });
    this.subscriptions.add(subscription);
    const forget = (): void => void this.subscriptions.delete(subscription);
    subscription.finished.then(forget, forget);
    return subscription;
  }

  exportTenant(tenantId: string): AsyncIterable<GlobalEvent> {
    assertTenantId(tenantId);
    return this.readAll({ tenantId });
  }

  async purgeTenant(tenantId: string): Promise<PurgeResult> {
    assertTenantId(tenantId);
    return purgeTenantStreams(this.client, tenantId, this.now);
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`EventStoreDB did not answer within ${this.pingTimeoutMs} ms`)),
        this.pingTimeoutMs,
      );
    });
    try {
      await Promise.race([lastLogPosition(this.client), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the store's subscriptions and disposes of the client; idempotent. */
  async close(): Promise<void> {
    this.closing ??= this.closeOnce();
    await this.closing;
  }

  private async closeOnce(): Promise<void> {
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.allSettled(subscriptions.map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** How to read `filter`; a tenant's events hide what its last purge deleted. */
  private async readPlan(filter: CheckedAllFilter): Promise<AllReadPlan> {
    const purged =
      filter.tenantId === null ? undefined : await lastPurgePosition(this.client, filter.tenantId);
    return toAllReadPlan(filter, purged);
  }
}
