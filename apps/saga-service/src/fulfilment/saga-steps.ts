import {
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Pool } from 'pg';
import { currentTraceHeaders, tenantLabel, type Logger } from '@platform/observability';
import type { DueTimer, FulfilmentStore, SagaStep, StepOutcome } from './fulfilment-store';
import { sagaInputs, sagasFinished, sagasStarted, sagasTimedOut } from './saga-metrics';

export interface SagaStepsOptions {
  readonly stepTimeoutMs: number;
  /** NOTIFY channel for the outbox relay of other instances. */
  readonly channel: string;
}

/** What happens after a step committed: wake the local relay, re-arm the local timer loop. */
export interface StepListeners {
  commandsIssued(): void;
  deadlineSet(dueAt: string): void;
}

const tracer = trace.getTracer('saga-service');

/**
 * Runs the saga's steps (one transaction each, {@link FulfilmentStore.step}) and tells the rest of
 * the process about them after the commit: the relay publishes new commands at once, the timer loop
 * re-arms for an earlier deadline, other instances' relays hear a NOTIFY (sent after the commit,
 * outside the step's transaction, ADR 0016), and the metrics count starts and ends.
 */
export class SagaSteps {
  private listeners: StepListeners | undefined;

  constructor(
    private readonly store: FulfilmentStore,
    private readonly pool: Pool,
    private readonly options: SagaStepsOptions,
    private readonly logger: Logger,
  ) {}

  listen(listeners: StepListeners): void {
    this.listeners = listeners;
  }

  /**
   * Handles an input of its order's saga as one step, in a span of its own (`saga step <input>`,
   * a child of the consumer's span, i.e. of the request's trace): the commands the step issues
   * carry that span's `traceparent` through the outbox.
   */
  handle(step: SagaStep): Promise<StepOutcome> {
    return tracer.startActiveSpan(
      `saga step ${step.input.type}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'tenant.id': step.tenantId,
          'saga.name': 'fulfilment',
          'saga.order_id': step.orderId,
          'saga.input': step.input.type,
        },
      },
      async (span) => {
        try {
          const headers = currentTraceHeaders();
          const outcome = await this.store.step(
            headers.traceparent === undefined
              ? step
              : { ...step, traceparent: headers.traceparent, tracestate: headers.tracestate },
            { now: new Date().toISOString(), stepTimeoutMs: this.options.stepTimeoutMs },
          );
          span.setAttribute('saga.outcome', outcome.kind);
          this.afterCommit(outcome, step.tenantId);
          return outcome;
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

  /**
   * Fires a due deadline: `DeadlinePassed` for its order, in a span continuing the trace of the
   * order's last step, if this instance claims the timer first.
   */
  async deadline(timer: DueTimer, inputId: string, now: string): Promise<StepOutcome> {
    const record = await this.store.fulfilment(timer.tenantId, timer.orderId);
    const parent =
      record?.traceparent == null
        ? ROOT_CONTEXT
        : propagation.extract(ROOT_CONTEXT, {
            traceparent: record.traceparent,
            ...(record.tracestate !== null && { tracestate: record.tracestate }),
          });
    const span = tracer.startSpan(
      'saga deadline',
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'tenant.id': timer.tenantId, 'saga.order_id': timer.orderId },
      },
      parent,
    );
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    try {
      return await otelContext.with(trace.setSpan(parent, span), () =>
        this.handle({
          tenantId: timer.tenantId,
          orderId: timer.orderId,
          inputId,
          input: { type: 'DeadlinePassed', data: { orderId: timer.orderId } },
          correlationId: record?.correlationId ?? inputId,
          ...(carrier.traceparent !== undefined && { traceparent: carrier.traceparent }),
          ...(carrier.tracestate !== undefined && { tracestate: carrier.tracestate }),
          firedTimer: { now },
        }),
      );
    } finally {
      span.end();
    }
  }

  private afterCommit(outcome: StepOutcome, tenantId: string): void {
    if (outcome.kind !== 'applied') {
      sagaInputs.inc({ outcome: outcome.kind === 'duplicate' ? 'duplicate' : 'ignored' });
      return;
    }
    sagaInputs.inc({ outcome: 'applied' });
    if (outcome.before === 'idle' && outcome.after.status !== 'idle') sagasStarted.inc();
    if (outcome.before !== outcome.after.status) {
      if (outcome.after.status === 'shipped') sagasFinished.inc({ outcome: 'shipped', reason: '' });
      if (outcome.after.status === 'cancelled') {
        sagasFinished.inc({ outcome: 'cancelled', reason: outcome.after.reason });
        if (outcome.after.reason === 'timeout') sagasTimedOut.inc({ tenant: tenantLabel(tenantId) });
      }
    }
    if (outcome.deadline) this.listeners?.deadlineSet(outcome.deadline);
    if (outcome.commands > 0) {
      this.listeners?.commandsIssued();
      this.pool.query('select pg_notify($1, $2)', [this.options.channel, '']).catch((error: unknown) => {
        this.logger.debug({ err: error }, 'saga outbox: NOTIFY failed (the fallback poll finds the rows)');
      });
    }
  }
}
