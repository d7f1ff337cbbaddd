import { setTimeout as sleep } from 'node:timers/promises';
import type { AllFilter, EventStore, GlobalEvent } from '@platform/event-store';
import type { OutgoingMessage } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import type { CheckpointStore } from './checkpoint-store.port';
import { toOutgoingMessage } from './event-message';
import { routeByRegistry, type EventRouter } from './event-routing';
import type { LeadershipLease, RelayLeadership } from './leadership.port';
import { RelayBatcher, type BatchingOptions } from './relay-batcher';
import { relayMetrics, trackUnacknowledged } from './relay-metrics';
import type { RelayPublisher } from './relay-publisher.port';

export interface EventRelayOptions {
  /**
   * The relay's identity: the name of its checkpoint and of its leadership. Instances that relay
   * the same store to the same Kafka destination share it (one of them leads); another store or
   * another topic prefix is another relay.
   */
  readonly name: string;
  readonly store: EventStore;
  readonly publisher: RelayPublisher;
  readonly checkpoints: CheckpointStore;
  readonly leadership: RelayLeadership;
  readonly logger: Logger;
  /** Default: {@link routeByRegistry} (events without a route are skipped and counted). */
  readonly route?: EventRouter;
  /** Only these events of the global log; default: all of them. */
  readonly filter?: AllFilter;
  /**
   * Where a relay that never ran starts (see {@link EventRelay.initialize}): `'beginning'` (the
   * default: everything the store holds is published) or `'end'` (only what is appended from its
   * first initialization on: for a deployment that shares its event store with others, e.g. a test
   * run under its own topic prefix). Ignored once the relay has a checkpoint.
   */
  readonly startFrom?: 'beginning' | 'end';
  /** Default: batches of up to 500 events, or whatever arrived within 5 ms. */
  readonly batching?: Partial<BatchingOptions>;
  /** Pause between retries of a failed publish or checkpoint write, doubling; default 200 ms to 5 s. */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  /** How long {@link EventRelay.stop} waits for the batches in hand to be published; default 5 s. */
  readonly stopTimeoutMs?: number;
}

export type RelayState = 'stopped' | 'following' | 'leading';

/**
 * The outbox relay: the event store is the outbox, and this tails its global log and produces each
 * event to its Kafka topic (ADR 0007).
 *
 * - **One active relay per name**: every instance campaigns through {@link RelayLeadership}; the
 *   leader relays, the others wait and take over, from the stored checkpoint, when it stops or dies.
 * - **At least once, never ahead**: events go out in batches (a few hundred, or a few ms); a batch's
 *   checkpoint is stored only after Kafka acknowledged the whole batch (acks=all), and only while
 *   leadership is confirmed. A crash re-publishes at most the batch that was not checkpointed;
 *   consumers deduplicate on `ce_id`.
 * - **Per-aggregate order**: events are read in the log's order and a batch is published in that
 *   order with key = aggregate id, so one aggregate's events land in one partition in order.
 * - **Never skips**: a failed publish is retried (backing off) until it succeeds, leadership is lost
 *   or the relay stops; the subscription waits meanwhile. Kafka down means lag, not loss.
 *
 * @example
 * ```ts
 * const relay = new EventRelay({ name: 'postgres->kafka:', store, publisher: new KafkaRelayPublisher(messaging),
 *   checkpoints, leadership: new PostgresRelayLeadership({ connectionString }), logger });
 * relay.start();      // campaigns in the background; returns at once
 * // ... on shutdown, before the producer closes:
 * await relay.stop(); // publishes what it holds (bounded), stores the checkpoint, releases leadership
 * ```
 */
export class EventRelay {
  private readonly log: Logger;
  private readonly route: EventRouter;
  private readonly batching: BatchingOptions;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly stopTimeoutMs: number;
  private readonly ensuredTopics = new Set<string>();
  private readonly skippedTypes = new Set<string>();
  private stopping = new AbortController();
  private running: Promise<void> | undefined;
  private currentState: RelayState = 'stopped';
  /** Occurred-at (ms) of the first event of the batch waiting for Kafka, if one is. */
  private unacknowledgedSince: number | undefined;

  constructor(private readonly options: EventRelayOptions) {
    if (typeof options.name !== 'string' || options.name.length === 0 || options.name.length > 200) {
      throw new TypeError('the relay name must be a non-empty string of at most 200 characters');
    }
    this.log = options.logger.child({ component: 'event-relay', relay: options.name });
    this.route = options.route ?? routeByRegistry;
    this.batching = {
      maxSize: options.batching?.maxSize ?? 500,
      maxDelayMs: options.batching?.maxDelayMs ?? 5,
    };
    this.retryInitialMs = options.retry?.initialMs ?? 200;
    this.retryMaxMs = options.retry?.maxMs ?? 5_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  }

  get name(): string {
    return this.options.name;
  }

  /** `following` while campaigning (another instance leads, or none could be reached). */
  get state(): RelayState {
    return this.currentState;
  }

  /**
   * Records where this relay starts if it never ran: with `startFrom: 'end'`, after the last event
   * the store holds now (read once, to the end of the log); otherwise at the beginning. Does
   * nothing once the relay has a checkpoint. Call it before the service takes writes (before it
   * reports ready), so nothing it appends falls before the start. Safe from several instances.
   */
  async initialize(): Promise<void> {
    if (this.options.startFrom !== 'end') return;
    if ((await this.options.checkpoints.load(this.name)) !== undefined) return;
    let head: GlobalEvent['checkpoint'] | undefined;
    for await (const event of this.options.store.readAll(this.options.filter ?? {})) head = event.checkpoint;
    await this.options.checkpoints.initialize(this.name, head);
    this.log.info(
      { from: head ?? 'the beginning of the log' },
      'first start: relaying what is appended from now on',
    );
  }

  /** Starts campaigning for leadership in the background. Idempotent. */
  start(): void {
    if (this.running !== undefined) return;
    this.stopping = new AbortController();
    this.currentState = 'following';
    const untrack = trackUnacknowledged(this.name, () => this.unacknowledgedSince);
    this.running = this.campaign().finally(() => {
      untrack();
      this.unacknowledgedSince = undefined;
      this.currentState = 'stopped';
    });
  }

  /**
   * Stops: the batches in hand are published (one attempt, at most `stopTimeoutMs`) and
   * checkpointed, then leadership is released so a follower takes over at once.
   */
  async stop(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.stopping.abort(new Error('the relay is stopping'));
    await running;
    this.running = undefined;
  }

  private async campaign(): Promise<void> {
    const stopping = this.stopping.signal;
    while (!stopping.aborted) {
      this.log.info('campaigning for leadership');
      let lease: LeadershipLease;
      try {
        lease = await this.options.leadership.acquire(this.name, stopping);
      } catch (error) {
        if (stopping.aborted) return;
        this.log.warn({ err: error }, 'could not campaign for leadership; retrying');
        await pause(this.retryMaxMs, stopping);
        continue;
      }
      this.currentState = 'leading';
      relayMetrics.leader.set({ relay: this.name }, 1);
      this.log.info('leading: relaying the event store to Kafka');
      try {
        await this.lead(lease);
      } finally {
        relayMetrics.leader.set({ relay: this.name }, 0);
        if (!stopping.aborted) this.currentState = 'following';
        await lease.release().catch((error: unknown) => {
          this.log.warn({ err: error }, 'could not release leadership cleanly');
        });
      }
      if (!stopping.aborted) {
        this.log.warn(
          { reason: describe(lease.lost.reason) },
          'leadership lost: stopped relaying, following',
        );
      }
    }
    this.log.info('stopped');
  }

  /** Relays while leading; a failed subscription resumes from the stored checkpoint. */
  private async lead(lease: LeadershipLease): Promise<void> {
    const ended = AbortSignal.any([this.stopping.signal, lease.lost]);
    for (let failures = 0; !ended.aborted;) {
      try {
        await this.follow(lease);
        failures = 0;
      } catch (error) {
        if (ended.aborted) return;
        failures += 1;
        this.log.error({ err: error }, 'relaying failed; resuming from the stored checkpoint');
        await pause(this.backoff(failures), ended);
      }
    }
  }

  /** One catch-up subscription from the stored checkpoint, until it fails, stops or leadership ends. */
  private async follow(lease: LeadershipLease): Promise<void> {
    const from = await this.options.checkpoints.load(this.name);
    const batcher = new RelayBatcher<GlobalEvent>((batch) => this.publish(batch, lease), this.batching);
    const failed = new AbortController();
    const subscription = this.options.store.subscribeToAll({
      ...(from !== undefined && { fromCheckpoint: from }),
      ...(this.options.filter !== undefined && { filter: this.options.filter }),
      handler: (event) => batcher.add(event),
      onError: (error) => failed.abort(error),
    });
    this.log.info({ from: from ?? 'the beginning of the log' }, 'following the global log');
    await untilAborted(AbortSignal.any([this.stopping.signal, lease.lost, failed.signal]));
    await subscription.stop();
    if (lease.lost.aborted) {
      // a follower may be relaying already: publish nothing more, store nothing
      batcher.discard();
      return;
    }
    await this.drain(batcher);
    if (failed.signal.aborted && !this.stopping.signal.aborted) throw failed.signal.reason;
  }

  /** Publishes what the batcher holds; when stopping, gives up after `stopTimeoutMs`. */
  private async drain(batcher: RelayBatcher<GlobalEvent>): Promise<void> {
    if (!this.stopping.signal.aborted) {
      await batcher.drain().catch(() => undefined); // a failed batch is re-read from the checkpoint
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.stopTimeoutMs);
    });
    const outcome = await Promise.race([batcher.drain().then(() => 'drained' as const), timedOut]).catch(
      () => 'failed' as const,
    );
    clearTimeout(timer);
    if (outcome !== 'drained') {
      batcher.discard();
      this.log.warn(
        { outcome },
        'stopped before the last batch was acknowledged; the next leader re-publishes it',
      );
    }
  }

  /** Publishes one batch, retrying until Kafka acknowledges it, then stores its checkpoint. */
  private async publish(batch: readonly GlobalEvent[], lease: LeadershipLease): Promise<void> {
    const last = batch.at(-1);
    if (last === undefined) return;
    const started = performance.now();
    const messages = this.toMessages(batch);
    this.unacknowledgedSince = occurredAtOf(batch[0] ?? last);
    try {
      if (messages.length > 0) {
        await this.retrying(lease, 'publish', async () => {
          await this.ensureTopics(messages);
          await this.options.publisher.publish(messages);
        });
      }
      await this.retrying(lease, 'store the checkpoint', async () => {
        // a deposed leader must not move the checkpoint (it could only move it back: more duplicates)
        await lease.confirm();
        await this.options.checkpoints.save(this.name, last.checkpoint);
      });
    } finally {
      this.unacknowledgedSince = undefined;
    }
    const relay = { relay: this.name };
    relayMetrics.events.inc({ ...relay, outcome: 'published' }, messages.length);
    relayMetrics.batches.inc(relay);
    relayMetrics.batchSeconds.observe(relay, (performance.now() - started) / 1_000);
    const occurredAt = occurredAtOf(last);
    if (occurredAt !== undefined)
      relayMetrics.lagSeconds.set(relay, Math.max(0, Date.now() - occurredAt) / 1_000);
  }

  private toMessages(batch: readonly GlobalEvent[]): OutgoingMessage[] {
    const messages: OutgoingMessage[] = [];
    const { publisher } = this.options;
    for (const event of batch) {
      if (isImported(event)) {
        // history restored from a tenant archive (ADR 0034): already told once, when it happened
        relayMetrics.events.inc({ relay: this.name, outcome: 'imported' });
        continue;
      }
      const route = this.route(event);
      if (route === undefined) {
        this.skip(event);
        continue;
      }
      messages.push(
        toOutgoingMessage(event, route, { topic: publisher.topic(route.topic), source: publisher.source }),
      );
    }
    return messages;
  }

  private skip(event: GlobalEvent): void {
    relayMetrics.events.inc({ relay: this.name, outcome: 'skipped' });
    if (this.skippedTypes.has(event.type)) return;
    this.skippedTypes.add(event.type);
    this.log.warn(
      { type: event.type, stream: event.streamName, eventId: event.eventId },
      'no topic for this event type in the contracts registry: not published (logged once per type)',
    );
  }

  private async ensureTopics(messages: readonly OutgoingMessage[]): Promise<void> {
    const missing = [...new Set(messages.map((message) => message.topic))].filter(
      (topic) => !this.ensuredTopics.has(topic),
    );
    if (missing.length === 0) return;
    await this.options.publisher.ensureTopics(missing);
    for (const topic of missing) this.ensuredTopics.add(topic);
  }

  /**
   * Runs `work` until it succeeds. Stops retrying when leadership is lost, or when the relay is
   * stopping (then the last error is thrown and the batch is left to the next leader).
   */
  private async retrying(lease: LeadershipLease, what: string, work: () => Promise<void>): Promise<void> {
    const ended = AbortSignal.any([this.stopping.signal, lease.lost]);
    for (let attempt = 1; ; attempt++) {
      lease.lost.throwIfAborted();
      try {
        await work();
        if (attempt > 1) this.log.info({ attempts: attempt }, `${what}: succeeded after failures`);
        return;
      } catch (error) {
        if (what === 'publish') relayMetrics.publishFailures.inc({ relay: this.name });
        if (ended.aborted) throw error;
        const delayMs = this.backoff(attempt);
        this.log.warn({ err: error, attempt, retryInMs: delayMs }, `${what} failed; retrying`);
        await pause(delayMs, ended);
        // stopping or deposed meanwhile: no new attempt
        if (ended.aborted) throw error;
      }
    }
  }

  private backoff(attempt: number): number {
    const exponential = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (attempt - 1));
    return exponential / 2 + Math.random() * (exponential / 2);
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function occurredAtOf(event: GlobalEvent): number | undefined {
  const at = Date.parse(event.metadata.occurredAt);
  return Number.isFinite(at) ? at : undefined;
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * An event restored by a tenant import (metadata `importedFrom`, ADR 0034): its read models are fed
 * from the store, and re-publishing it would start sagas and webhooks again for history.
 */
export function isImported(event: GlobalEvent): boolean {
  return typeof (event.metadata as { importedFrom?: unknown }).importedFrom === 'string';
}
