import { randomUUID } from 'node:crypto';
import {
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { type BackoffPolicy, DEFAULT_BACKOFF, assertBackoffPolicy } from '../backoff';
import { type Clock, type Random, mathRandom, systemClock } from '../clock';
import { DEFAULT_SCHEMA, quoted } from '../postgres/schema.sql';
import { inTransaction } from '../postgres/transaction';
import { signatureHeaders } from '../signing';
import { type WebhookLogger, type WebhookStoreOptions, silentLogger } from '../store-options';
import { type PostResult, errorOf, nextStep } from './attempt-outcome';
import {
  type ClaimedRow,
  claimStatement,
  completeStatement,
  removeIfRetiredAndDrained,
} from './delivery-statements';
import { WebhookEgress } from '../egress/webhook-egress';
import { describeError, postWebhook } from './http-sender';
import { deliveriesRefusedTotal, deliveriesTotal, deliverySeconds } from './webhook-metrics';
import { tenantLabel } from '@platform/observability';

const tracer = trace.getTracer('@platform/webhooks');

export interface WebhookDispatcherOptions extends WebhookStoreOptions {
  /** Jitter source; default `Math.random`. */
  readonly random?: Random;
  /** Retry schedule; default {@link DEFAULT_BACKOFF} (30 s base, 1 h cap, 8 attempts). */
  readonly backoff?: Partial<BackoffPolicy>;
  /** A receiver that has not answered by then fails the attempt; default 10 s. */
  readonly requestTimeoutMs?: number;
  /**
   * How long a claimed delivery is reserved for its dispatcher; if that dispatcher dies, another
   * retries it after this. Must exceed `requestTimeoutMs`; default `requestTimeoutMs + 30 s`.
   */
  readonly leaseMs?: number;
  /** Deliveries claimed (and sent concurrently) at a time; default 10. */
  readonly batchSize?: number;
  /** Wait between polls when nothing is due; default 1 s. */
  readonly pollIntervalMs?: number;
  /**
   * Where deliveries may go, and how they connect (see {@link WebhookEgress}): the URL is checked
   * again before every attempt, and every connection resolves the host, checks each address and
   * connects to the checked one. Default: no host allow-listed, the system's DNS.
   */
  readonly egress?: WebhookEgress;
  readonly logger?: WebhookLogger;
  readonly userAgent?: string;
}

/**
 * Sends due webhook deliveries: claims them from PostgreSQL (`for update skip locked`, so any number
 * of dispatchers may run), POSTs each with its Standard Webhooks signature, logs every attempt, and
 * retries failures with exponential backoff and full jitter until `maxAttempts`, after which the
 * delivery goes to the dead-letter list.
 *
 * Guarantees: at least once (a 2xx that is lost on the way back, or a dispatcher dying mid-attempt,
 * means the delivery is sent again, with the same `Webhook-Id`: receivers dedupe on it). One attempt
 * number is sent by one dispatcher only. No ordering: deliveries of one subscription may arrive out of
 * order, above all around retries; receivers order by the `sequence` number, which has no gaps.
 *
 * @example
 * const dispatcher = new WebhookDispatcher({ pool, logger, backoff: { maxAttempts: 8 } });
 * dispatcher.start();
 * // on shutdown: the attempts in flight finish and are recorded
 * await dispatcher.stop();
 */
export class WebhookDispatcher {
  private readonly pool: Pool;
  private readonly s: string;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly backoff: BackoffPolicy;
  private readonly requestTimeoutMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly egress: WebhookEgress;
  private readonly logger: WebhookLogger;
  private readonly userAgent: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(options: WebhookDispatcherOptions) {
    this.pool = options.pool;
    this.s = quoted(options.schema ?? DEFAULT_SCHEMA);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? mathRandom;
    this.backoff = assertBackoffPolicy({ ...DEFAULT_BACKOFF, ...options.backoff });
    this.requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 10_000);
    this.leaseMs = positive('leaseMs', options.leaseMs ?? this.requestTimeoutMs + 30_000);
    if (this.leaseMs <= this.requestTimeoutMs) throw new TypeError('leaseMs must exceed requestTimeoutMs');
    this.batchSize = positive('batchSize', options.batchSize ?? 10);
    this.pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs ?? 1_000);
    this.egress = options.egress ?? new WebhookEgress();
    this.logger = options.logger ?? silentLogger;
    this.userAgent = options.userAgent ?? 'platform-webhooks/1';
  }

  /** Starts polling in the background. Idempotent while running. */
  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
    });
  }

  /** Stops polling; resolves once the attempts in flight have finished and been recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /**
   * Claims one batch of due deliveries and attempts them all; resolves with how many were claimed,
   * once every attempt is recorded. `start()` calls it in a loop; a scheduler may call it instead.
   */
  async dispatchDue(): Promise<number> {
    const now = this.clock.now();
    const token = randomUUID();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    const { rows } = await this.pool.query<ClaimedRow>(
      claimStatement(this.s, now, this.batchSize, leaseUntil, token),
    );
    const settled = await Promise.allSettled(rows.map((row) => this.attempt(row, token)));
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return rows.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.dispatchDue();
      } catch (error) {
        // The claimed rows stay leased and are retried once the lease runs out.
        this.logger.error({ error: describeError(error) }, 'webhook dispatch failed');
      }
      if (claimed === 0 && this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wake = done;
    });
  }

  /**
   * One attempt of a delivery, in a CLIENT span that continues the event's trace (its stored
   * `traceparent`); the receiver gets that span's `traceparent` too.
   */
  private attempt(claimed: ClaimedRow, token: string): Promise<void> {
    const parent =
      claimed.traceparent === null
        ? ROOT_CONTEXT
        : propagation.extract(ROOT_CONTEXT, { traceparent: claimed.traceparent });
    return tracer.startActiveSpan(
      'webhook deliver',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'tenant.id': claimed.tenant_id,
          'http.request.method': 'POST',
          'webhook.delivery.id': claimed.id,
          'webhook.attempt': claimed.attempts,
        },
      },
      parent,
      async (span) => {
        try {
          await this.attemptInSpan(claimed, token, span);
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private async attemptInSpan(claimed: ClaimedRow, token: string, span: Span): Promise<void> {
    const traceHeaders: Record<string, string> = {};
    propagation.inject(otelContext.active(), traceHeaders);
    const headers = {
      ...traceHeaders,
      ...signatureHeaders(claimed.secret, claimed.id, this.clock.now(), claimed.body),
      'webhook-sequence': claimed.sequence,
      'content-type': 'application/json',
      'user-agent': this.userAgent,
    };
    const started = performance.now();
    const verdict = this.egress.checkUrl(claimed.url);
    const result: PostResult = verdict.ok
      ? await postWebhook(verdict.url, claimed.body, headers, {
          timeoutMs: this.requestTimeoutMs,
          dispatcher: this.egress.dispatcher,
        })
      : { kind: 'refused', reason: `url ${verdict.reason}` };
    if (result.kind === 'refused') deliveriesRefusedTotal.inc();
    if (result.kind === 'response') span.setAttribute('http.response.status_code', result.statusCode);
    else span.setStatus({ code: SpanStatusCode.ERROR, message: result.kind });
    const latencyMs = Math.round(performance.now() - started);
    const now = this.clock.now();
    const step = nextStep(result, claimed.attempts, this.backoff, now, this.random);
    await this.pool.query(completeStatement(this.s, claimed, token, result, step, latencyMs, now));
    if (step.outcome !== 'retry' && claimed.retire_when_drained) {
      // a deleted tenant's last webhook is done: its subscription goes (nothing if it is not retiring)
      const removed = await inTransaction(this.pool, (client) =>
        removeIfRetiredAndDrained(client, this.s, claimed.subscription_id),
      );
      if (removed)
        this.logger.info(logFields(claimed), 'last webhook of a deleted tenant done: subscription removed');
    }

    deliveriesTotal.inc({ tenant: tenantLabel(claimed.tenant_id), outcome: step.outcome });
    deliverySeconds.observe({ outcome: step.outcome }, latencyMs / 1000);
    if (step.outcome !== 'delivered') {
      const fields = { ...logFields(claimed), ...resultFields(result), latencyMs };
      if (step.outcome === 'dead') this.logger.warn(fields, 'webhook delivery dead-lettered');
      else
        this.logger.info(
          { ...fields, nextAttemptAt: step.nextAttemptAt },
          'webhook delivery failed, will retry',
        );
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be an integer >= 1`);
  return value;
}

const logFields = (claimed: ClaimedRow) => ({
  tenantId: claimed.tenant_id,
  deliveryId: claimed.id,
  subscriptionId: claimed.subscription_id,
  round: claimed.round,
  attemptNo: claimed.attempts,
});

const resultFields = (result: PostResult) =>
  result.kind === 'response' ? { statusCode: result.statusCode } : { error: errorOf(result) };
