import { Client } from 'pg';
import type { OutgoingMessage } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import type { LeadershipLease, RelayLeadership, RelayPublisher } from '@platform/event-relay';
import type { FulfilmentStore, OutboxRow } from './fulfilment-store';
import { outboxLagSeconds, outboxPublished, outboxPublishFailures } from './saga-metrics';
import { WakeSignal } from './wake-signal';

export interface OutboxRelayOptions {
  /** Leadership name: one relay per schema and topic prefix publishes (ordered per key). */
  readonly name: string;
  /** For the LISTEN connection that wakes the leader when another instance wrote. */
  readonly connectionString: string;
  /** The NOTIFY channel written to after each step that issued commands. */
  readonly channel: string;
  readonly batchSize?: number;
  /** Read the outbox this often at the latest, wake-ups lost or not; default 2000 ms. */
  readonly fallbackPollMs?: number;
  /** Sent commands are kept this long (then pruned with old processed inputs); default 7 days. */
  readonly retentionMs?: number;
}

const ACTOR = 'service:saga-service';
const PRUNE_INTERVAL_MS = 10 * 60 * 1_000;

/**
 * Publishes the saga's outbox to the commands topics, at least once and in issue order. Every
 * instance runs one; the one holding the leadership lock publishes. It reads unsent rows in `id`
 * order, publishes them (each one's producer span a child of the step that issued it), and marks
 * them sent only after Kafka acknowledged them: a crash in between publishes them again, with the
 * same `ce_id` (the row's command id), which the command service deduplicates. Woken in-process
 * by {@link wake} after a local step commits, by NOTIFY when another instance's step did, and
 * otherwise every `fallbackPollMs`.
 */
export class OutboxRelay {
  private readonly signal = new WakeSignal();
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private listener: Client | undefined;
  private lastPrune = 0;

  constructor(
    private readonly store: FulfilmentStore,
    private readonly publisher: RelayPublisher,
    private readonly leadership: RelayLeadership,
    private readonly options: OutboxRelayOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running ??= this.run().catch((error: unknown) => {
      if (!this.stopping.signal.aborted) this.logger.error({ err: error }, 'saga outbox relay stopped');
    });
  }

  /** A step committed commands: publish them now (if this instance leads). */
  wake(): void {
    this.signal.wake();
  }

  async stop(): Promise<void> {
    this.stopping.abort(new Error('stopping'));
    this.signal.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    const stop = this.stopping.signal;
    while (!stop.aborted) {
      let lease: LeadershipLease;
      try {
        lease = await this.leadership.acquire(this.options.name, stop);
      } catch {
        return; // stopping
      }
      this.logger.info({ relay: this.options.name }, 'saga outbox relay leads');
      try {
        await this.listen();
        await this.lead(lease);
      } catch (error) {
        if (!stop.aborted)
          this.logger.warn({ err: error }, 'saga outbox relay lost its lead; campaigning again');
      } finally {
        await this.unlisten();
        await lease.release();
      }
    }
  }

  private async lead(lease: LeadershipLease): Promise<void> {
    const stop = this.stopping.signal;
    let failures = 0;
    while (!stop.aborted && !lease.lost.aborted) {
      let rows: OutboxRow[];
      try {
        rows = await this.store.unsent(this.options.batchSize ?? 200);
        if (rows.length === 0) {
          outboxLagSeconds().set(0);
          await this.pruneNowAndThen();
          await this.signal.wait(this.options.fallbackPollMs ?? 2_000);
          continue;
        }
        outboxLagSeconds().set((Date.now() - rows[0]!.createdAt.getTime()) / 1_000);
        await this.publisher.publish(rows.map((row) => this.messageOf(row)));
        // Kafka has them: still the leader? Then they are sent. (A lost lease leaves them unsent.)
        await lease.confirm();
        await this.store.markSent(rows.map((row) => row.id));
        outboxPublished.inc(rows.length);
        failures = 0;
      } catch (error) {
        if (lease.lost.aborted) throw error;
        failures += 1;
        outboxPublishFailures.inc();
        const delay = Math.min(200 * 2 ** (failures - 1), 5_000);
        this.logger.warn({ err: error, retryInMs: delay }, 'saga outbox: publish failed; retrying');
        await this.signal.wait(delay);
      }
    }
  }

  private messageOf(row: OutboxRow): OutgoingMessage {
    return {
      topic: this.publisher.topic(row.topic),
      key: row.key,
      value: row.data,
      attributes: {
        id: row.commandId,
        type: row.type,
        source: this.publisher.source,
        time: row.createdAt.toISOString(),
        subject: row.key,
        tenantId: row.tenantId,
        correlationId: row.correlationId,
        causationId: row.causationId,
        actor: ACTOR,
        dataSchemaVersion: row.dataSchemaVersion,
        ...(row.traceparent !== null && { traceparent: row.traceparent }),
        ...(row.tracestate !== null && { tracestate: row.tracestate }),
      },
    };
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = Date.now();
    await this.store.prune(this.options.retentionMs ?? 7 * 24 * 60 * 60 * 1_000);
  }

  /** LISTENs for other instances' steps; without it the fallback poll still finds their rows. */
  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: 'saga-outbox',
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'saga outbox: LISTEN connection failed; polling');
    });
    client.on('notification', () => this.signal.wake());
    try {
      await client.connect();
      await client.query(`listen ${this.options.channel}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'saga outbox: cannot LISTEN; polling');
      await client.end().catch(() => undefined);
    }
  }

  private async unlisten(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }
}
