import type { AuditLog, JsonValue } from '@platform/audit';
import { ProblemError } from '@platform/contracts';
import type { ConsumedMessage } from '@platform/messaging';
import type { ParkedAggregate, ParkedEvents, ParkedMessage } from '@platform/read-models';
import { toConsumed } from './parked-message';

/** The operator behind a replay or a skip, as the audit record names them. */
export interface Operator {
  readonly actor: string;
  readonly requestId: string;
  readonly correlationId: string;
}

/** What a replay or a skip did to a parked aggregate. */
export interface ParkedOutcome {
  readonly tenantId: string;
  readonly aggregateId: string;
  /** `unparked`: every message applied (or skipped); `parked`: one failed again and waits. */
  readonly status: 'unparked' | 'parked';
  /** `ce_id`s applied, in order. */
  readonly applied: readonly string[];
  /** `ce_id` dropped by a skip. */
  readonly skipped: string | null;
  /** Messages still parked. */
  readonly remaining: number;
  /** The error of the message that failed again. */
  readonly error: string | null;
}

/** Applies one parked message as the projection would (today's code: a fix applies here). */
export type ApplyMessage = (message: ConsumedMessage) => Promise<void>;

/**
 * The operator's actions on parked aggregates (platform-admin only): list them, show one, replay its
 * messages in order (each that applies is unparked; the first that fails again stays parked with
 * its new error, and so do those behind it), or skip the first and replay the rest. A replay or a
 * skip holds the aggregate's lock (nothing is parked behind it meanwhile) and leaves an audit record
 * in the tenant's chain, written in the transaction that unparks: if the record cannot be written,
 * nothing is unparked (the messages applied meanwhile are applied again, as duplicates, next time).
 */
export class ParkedAggregates {
  constructor(
    private readonly parked: ParkedEvents,
    private readonly audit: AuditLog,
    private readonly applyMessage: ApplyMessage,
  ) {}

  list(options: { tenantId?: string; limit: number }): Promise<ParkedAggregate[]> {
    return this.parked.list(options);
  }

  async show(tenantId: string, aggregateId: string): Promise<ParkedMessage[]> {
    const messages = await this.parked.show(tenantId, aggregateId);
    if (messages.length === 0) throw notParked(aggregateId);
    return messages;
  }

  replay(tenantId: string, aggregateId: string, operator: Operator): Promise<ParkedOutcome> {
    return this.handleAgain(tenantId, aggregateId, operator, 'replay');
  }

  skip(tenantId: string, aggregateId: string, operator: Operator): Promise<ParkedOutcome> {
    return this.handleAgain(tenantId, aggregateId, operator, 'skip');
  }

  private handleAgain(
    tenantId: string,
    aggregateId: string,
    operator: Operator,
    action: 'replay' | 'skip',
  ): Promise<ParkedOutcome> {
    return this.parked.withAggregate(tenantId, aggregateId, async (locked) => {
      const [first, ...rest] = locked.messages;
      if (!first) throw notParked(aggregateId);
      const skipped = action === 'skip' ? first : undefined;
      const toApply = skipped ? rest : locked.messages;
      const applied: string[] = [];
      let failed: { message: ParkedMessage; error: string } | undefined;
      for (const message of toApply) {
        try {
          await this.applyMessage(toConsumed(message));
          applied.push(message.eventId);
        } catch (error) {
          failed = { message, error: error instanceof Error ? error.message : String(error) };
          break;
        }
      }
      await locked.remove([...(skipped ? [skipped.eventId] : []), ...applied]);
      if (failed) await locked.recordFailure(failed.message.eventId, failed.error);
      const outcome: ParkedOutcome = {
        tenantId,
        aggregateId,
        status: failed ? 'parked' : 'unparked',
        applied,
        skipped: skipped?.eventId ?? null,
        remaining: locked.messages.length - applied.length - (skipped ? 1 : 0),
        error: failed?.error ?? null,
      };
      await this.audit.append(
        {
          tenantId,
          actor: operator.actor,
          action: `projection.parked.${action}`,
          target: `parked/${first.topic}/${aggregateId}`,
          previousState: {
            parked: locked.messages.length,
            first: { eventId: first.eventId, type: first.type, error: first.error, attempts: first.attempts },
          },
          newState: outcome as unknown as JsonValue,
          requestId: operator.requestId,
          correlationId: operator.correlationId,
        },
        locked.client,
      );
      return outcome;
    });
  }
}

function notParked(aggregateId: string): ProblemError {
  return new ProblemError('notFound', `nothing of ${aggregateId} is parked`);
}
