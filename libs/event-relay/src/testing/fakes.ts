import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  AllSubscription,
  Checkpoint,
  EventStore,
  GlobalEvent,
  SubscribeToAllOptions,
} from '@platform/event-store';
import type { OutgoingMessage } from '@platform/messaging';
import type { CheckpointStore } from '../checkpoint-store.port';
import { LeadershipLostError, type LeadershipLease, type RelayLeadership } from '../leadership.port';
import type { RelayPublisher } from '../relay-publisher.port';

// In-memory stand-ins for the relay's ports, for unit tests. The log's checkpoints are
// zero-padded positions (text order = log order), as opaque to the relay as the real ones.

export const TENANT = '6f1c2b9e-3d4a-4f5b-8c7d-1e2f3a4b5c6d';
const checkpointOf = (position: number): Checkpoint => String(position).padStart(12, '0');

export interface OrderEventOptions {
  readonly orderId?: string;
  readonly type?: string;
  readonly traceparent?: string;
  readonly occurredAt?: string;
}

/** An in-memory global log whose `subscribeToAll` polls like the PostgreSQL adapter. */
export class InMemoryEventLog {
  readonly events: GlobalEvent[] = [];
  /** Events handed to subscription handlers so far. */
  delivered = 0;
  private readonly versions = new Map<string, number>();

  append(count = 1, options: OrderEventOptions = {}): GlobalEvent[] {
    return Array.from({ length: count }, () => {
      const orderId = options.orderId ?? randomUUID();
      const streamName = `order-${orderId}`;
      const version = (this.versions.get(streamName) ?? 0) + 1;
      this.versions.set(streamName, version);
      const position = this.events.length + 1;
      const event: GlobalEvent = {
        eventId: randomUUID(),
        type: options.type ?? (version === 1 ? 'OrderCreated' : 'OrderItemAdded'),
        data: { orderId },
        schemaVersion: 1,
        metadata: {
          tenantId: TENANT,
          correlationId: `corr-${position}`,
          causationId: `cause-${position}`,
          actor: 'user-1',
          occurredAt: options.occurredAt ?? new Date().toISOString(),
          ...(options.traceparent !== undefined && { traceparent: options.traceparent }),
        },
        tenantId: TENANT,
        streamName,
        streamVersion: version,
        globalPosition: position,
        recordedAt: new Date().toISOString(),
        checkpoint: checkpointOf(position),
      };
      this.events.push(event);
      return event;
    });
  }

  /** The store, as far as the relay uses it. */
  asStore(): EventStore {
    const notUsed = (): never => {
      throw new Error('not used by the relay');
    };
    return {
      subscribeToAll: (options) => this.subscribe(options),
      appendToStream: notUsed,
      readStream: notUsed,
      readAll: () => this.readAll(),
      exportTenant: notUsed,
      purgeTenant: notUsed,
      ping: async () => undefined,
      close: async () => undefined,
    };
  }

  private async *readAll(): AsyncGenerator<GlobalEvent> {
    yield* [...this.events];
  }

  private subscribe(options: SubscribeToAllOptions): AllSubscription {
    let stopped = false;
    let cursor = options.fromCheckpoint;
    const run = async (): Promise<void> => {
      while (!stopped) {
        const next = this.events.find((e) => cursor === undefined || e.checkpoint > cursor);
        if (next === undefined) {
          await sleep(2);
          continue;
        }
        this.delivered += 1;
        await options.handler(next);
        cursor = next.checkpoint;
      }
    };
    const done = run().catch((error: unknown) => options.onError?.(error));
    return {
      caughtUp: Promise.resolve(),
      stop: async () => {
        stopped = true;
        await done;
      },
    };
  }
}

/** Records what it is asked to publish; can be made to fail or to hang. */
export class FakePublisher implements RelayPublisher {
  readonly source = '/fake-service';
  /** Acknowledged messages, in publish order. */
  readonly published: OutgoingMessage[] = [];
  readonly calls: (readonly OutgoingMessage[])[] = [];
  readonly ensured: string[] = [];
  /** Failures still to come: each call consumes one. */
  failNext = 0;
  /** While set, calls wait for it. */
  gate: Promise<void> | undefined;

  topic(base: string): string {
    return `test.${base}`;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    this.ensured.push(...topics);
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    this.calls.push(messages);
    await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('broker unavailable');
    }
    this.published.push(...messages);
  }

  ids(): string[] {
    return this.published.map((message) => message.attributes.id);
  }
}

export class InMemoryCheckpoints implements CheckpointStore {
  readonly saved: Checkpoint[] = [];
  private initialized: boolean;
  constructor(private current?: Checkpoint) {
    this.initialized = current !== undefined;
  }

  async load(): Promise<Checkpoint | undefined> {
    return this.current;
  }

  async save(_name: string, checkpoint: Checkpoint): Promise<void> {
    this.current = checkpoint;
    this.initialized = true;
    this.saved.push(checkpoint);
  }

  async initialize(_name: string, checkpoint: Checkpoint | undefined): Promise<void> {
    if (this.initialized) return;
    this.initialized = true;
    this.current = checkpoint;
  }

  get checkpoint(): Checkpoint | undefined {
    return this.current;
  }
}

/** Leadership handed out by the test: `grant()` lets the waiting candidate lead, `depose()` takes it away. */
export class FakeLeadership implements RelayLeadership {
  private waiting: ((lease: FakeLease) => void) | undefined;
  current: FakeLease | undefined;

  acquire(_name: string, signal: AbortSignal): Promise<LeadershipLease> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      this.waiting = resolve;
    });
  }

  grant(): FakeLease {
    const resolve = this.waiting;
    if (resolve === undefined) throw new Error('nobody is campaigning');
    this.waiting = undefined;
    this.current = new FakeLease();
    resolve(this.current);
    return this.current;
  }

  get campaigning(): boolean {
    return this.waiting !== undefined;
  }
}

export class FakeLease implements LeadershipLease {
  private readonly controller = new AbortController();
  released = false;

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  depose(): void {
    this.controller.abort(new LeadershipLostError('deposed by the test'));
  }

  async confirm(): Promise<void> {
    this.lost.throwIfAborted();
  }

  async release(): Promise<void> {
    this.released = true;
    if (!this.lost.aborted) this.controller.abort(new LeadershipLostError('released'));
  }
}
