import {
  handleCommand,
  refusalProblem,
  type EarlierAnswer,
  type LoadedAggregate,
  type StreamCache,
} from '@platform/command-handling';
import {
  messageDefinition,
  orderStreamName,
  type EntityTagCondition,
  type OrderCommand,
  type OrderEvent,
  type ProblemData,
} from '@platform/contracts';
import {
  WrongExpectedVersionError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@platform/event-store';
import { evolve, initialState, orderDecider, type OrderState } from '@platform/orders-domain';
import type { AuditedAppend } from '../audited-append/audited-append.port';
import { assertNever } from './assert-never';
import { acceptedOrderEntry, refusedOrderEntry, type OrderAuditContext } from './order-audit';
import type { OrderLimits } from './order-quota';
import { orderUseCaseOf } from './order-use-cases';

export interface CommandMetadata {
  readonly tenantId: string;
  readonly correlationId: string;
  /** The command's own id: the cause of the events it produces, and the audit record's request id. */
  readonly causationId: string;
  readonly actor: string;
  readonly now: () => string;
  readonly newId: () => string;
  readonly traceparent?: string;
  /**
   * The requester's precondition on the order's version (`ce_ifmatch`, from HTTP `If-Match`):
   * checked against the stream as loaded, and held by the append's expected version (ADR 0011).
   */
  readonly ifMatch?: EntityTagCondition;
}

/**
 * Where the handler reads the order (`store`), how it appends and audits it (`audited`), and the
 * hot orders it keeps in memory (`cache`, optional: without it every command reads the stream).
 */
export interface OrderCommandPorts {
  readonly store: Pick<EventStore, 'readStream'>;
  readonly audited: AuditedAppend;
  readonly cache?: StreamCache<OrderState>;
}

/**
 * The command's result: on success, the order's version and the global position of its last event
 * (what the requester gets back). The events themselves reach Kafka through the event relay. A
 * failure that is not the command's fault (the change or its audit record could not be written)
 * is an `unavailable` problem with its `cause`, for the log.
 */
export type CommandOutcome =
  | {
      readonly ok: true;
      readonly orderId: string;
      readonly version: number;
      readonly position: number;
    }
  | { readonly ok: false; readonly problem: ProblemData; readonly cause?: unknown };

/**
 * Load, decide, append: the application service of the Order aggregate, on the one command
 * pipeline ({@link handleCommand}, ADR 0019). Every command leaves an audit record on its tenant's
 * chain (contract §8): an accepted one with its events, through the {@link AuditedAppend} port,
 * together with the quota unit it costs (`limits`); a refused one on its own, changing nothing. A
 * concurrent writer (wrong expected version) makes it re-read and decide again, a few times at
 * most. With an `If-Match` (`meta.ifMatch`) the precondition is checked first, on every read: a
 * stale version is refused (`versionMismatch`, 412, recorded like any refusal). A concurrent change
 * between read and append fails the append (its expected version is the one checked); the re-read
 * then finds a version `If-Match: "<version>"` no longer names: a 412, not a silent retry.
 * (`If-Match: *` still holds on the re-read: the order exists.)
 * A command whose events are already in the stream (same command id, `meta.causationId`) is not run
 * again: it answers what its first run answered, before any precondition is checked.
 *
 * With a `cache`, the order comes from memory when this instance has it (ADR 0018): an accepted
 * command's append checks the cached version, and a refusal is only ever decided on a fresh read of
 * the stream, so a stale entry costs a re-read, never a wrong answer.
 */
export async function handleOrderCommand(
  ports: OrderCommandPorts,
  command: OrderCommand,
  meta: CommandMetadata,
  limits: OrderLimits,
): Promise<CommandOutcome> {
  const { tenantId } = meta;
  const stream = orderStreamName(command.data.orderId);
  const useCase = orderUseCaseOf(command);
  const auditContext = (occurredAt: string): OrderAuditContext => ({
    actor: meta.actor,
    requestId: meta.causationId,
    correlationId: meta.correlationId,
    occurredAt,
  });
  const result = await handleCommand<OrderCommand, OrderEvent, OrderState, EarlierAnswer>({
    command,
    decider: orderDecider,
    subject: 'the order',
    commandId: meta.causationId,
    ...(meta.ifMatch !== undefined && { ifMatch: meta.ifMatch }),
    ...(ports.cache !== undefined && { cache: ports.cache.slot(tenantId, stream) }),
    load: () => readOrder(ports.store, tenantId, stream),
    append: async ({ before, version, events, after }) => {
      const occurredAt = meta.now();
      const audit = auditContext(occurredAt);
      const quota = useCase.quotaCharge(limits, new Date(occurredAt));
      try {
        const outcome = await ports.audited.append({
          tenantId,
          streamName: stream,
          events: toNewEvents(events, meta, occurredAt),
          // The version the precondition (if any) was checked against: the append holds it.
          expectedVersion: version === 0 ? 'no-stream' : version,
          record: acceptedOrderEntry(command, before, after, audit),
          refusedRecord: (refused) => refusedOrderEntry(command, before, refused, audit),
          ...(quota && { quota }),
          storageLimitBytes: limits.maxStorageBytes,
        });
        if (!outcome.ok) return { outcome: 'refused', refusal: outcome.refusal, recorded: true };
        const answer = { version: outcome.result.nextExpectedVersion, position: outcome.result.lastPosition };
        return { outcome: 'appended', answer, version: answer.version };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) return { outcome: 'conflict' };
        throw error;
      }
    },
    recordRefusal: (refusal, state) =>
      ports.audited.recordRefusal(
        tenantId,
        refusedOrderEntry(command, state, refusal, auditContext(meta.now())),
      ),
  });
  switch (result.outcome) {
    case 'accepted':
      return { ok: true, orderId: command.data.orderId, ...result.answer };
    case 'refused':
      return { ok: false, problem: refusalProblem(result.refusal) };
    case 'not-written':
      return notRecorded(result.cause);
    default:
      return assertNever(result);
  }
}

/** The order as its stream holds it: version, state, and what each command that wrote it answered. */
async function readOrder(
  store: Pick<EventStore, 'readStream'>,
  tenantId: string,
  stream: string,
): Promise<LoadedAggregate<OrderState>> {
  const recorded = await store.readStream(tenantId, stream);
  const state = recorded.reduce<OrderState>(
    (s, e) => evolve(s, { type: e.type, data: e.data } as OrderEvent),
    initialState(),
  );
  return { version: recorded.length, state, answers: answersOf(recorded) };
}

/**
 * What each command that wrote the stream answered, by command id (the events' `causationId`): the
 * version after its last event and that event's position, whatever came after. A refused run left
 * no event: it is run again, which changes nothing either way.
 */
export function answersOf(recorded: readonly RecordedEvent[]): Map<string, EarlierAnswer> {
  const answers = new Map<string, EarlierAnswer>();
  for (const event of recorded) {
    answers.set(event.metadata.causationId, { version: event.streamVersion, position: event.globalPosition });
  }
  return answers;
}

/** The command, or its audit record, could not be written (ADR 0009): a 503, the requester may retry. */
const notRecorded = (cause: unknown): CommandOutcome => ({
  ok: false,
  problem: {
    kind: 'unavailable',
    detail: 'the command or its audit record could not be written; retry later',
  },
  cause,
});

function toNewEvents(events: readonly OrderEvent[], meta: CommandMetadata, occurredAt: string): NewEvent[] {
  const metadata: EventMetadata = {
    tenantId: meta.tenantId,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    actor: meta.actor,
    occurredAt,
    ...(meta.traceparent !== undefined && { traceparent: meta.traceparent }),
  };
  return events.map((event) => ({
    eventId: meta.newId(),
    type: event.type,
    data: event.data,
    schemaVersion: messageDefinition('orders', event.type).schemaVersion,
    metadata,
  }));
}
