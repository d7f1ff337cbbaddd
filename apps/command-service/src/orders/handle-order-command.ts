import {
  ifMatchHolds,
  messageDefinition,
  orderStreamName,
  versionMismatchDetail,
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
import { decide, evolve, initialState, type OrderState } from '@platform/orders-domain';
import type { CachedStream, EarlierAnswer, StreamCache } from '../aggregates/stream-cache';
import type { AuditedAppend } from '../audited-append/audited-append.port';
import { refusalProblem, type Refusal } from '../audited-append/refusal';
import { acceptedOrderEntry, refusedOrderEntry, type OrderAuditContext } from './order-audit';
import { quotaChargeOf, type OrderLimits } from './order-quota';

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

const MAX_CONFLICT_RETRIES = 3;

/**
 * Load, decide, append: the application service of the Order aggregate. Every command leaves an
 * audit record on its tenant's chain (contract §8): an accepted one with its events, through the
 * {@link AuditedAppend} port, together with the quota unit it costs (`limits`); a refused one on
 * its own, changing nothing. A concurrent writer (wrong expected version) makes it re-read and
 * decide again, a few times at most. With an `If-Match` (`meta.ifMatch`) the precondition is
 * checked first, on every read: a stale version is refused (`versionMismatch`, 412, recorded like
 * any refusal). A concurrent change between read and append fails the append (its expected version
 * is the one checked); the re-read then finds a version `If-Match: "<version>"` no longer names: a
 * 412, not a silent retry. (`If-Match: *` still holds on the re-read: the order exists.)
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
  const stream = orderStreamName(command.data.orderId);
  const { cache } = ports;
  let conflicts = 0;
  let fresh = cache === undefined;
  for (;;) {
    const cached = fresh ? undefined : cache?.get(meta.tenantId, stream);
    const loaded = cached ?? (await readOrder(ports.store, meta.tenantId, stream));
    if (cached === undefined) cache?.set(meta.tenantId, stream, loaded);
    const fromCache = cached !== undefined;
    const { state, version } = loaded;
    const occurredAt = meta.now();
    const audit: OrderAuditContext = {
      actor: meta.actor,
      requestId: meta.causationId,
      correlationId: meta.correlationId,
      occurredAt,
    };
    // This very command was carried out before (Kafka redelivered it, or the gateway retried a
    // timed-out request under the same Idempotency-Key): answer as then, change nothing.
    const earlier = loaded.answers.get(meta.causationId);
    if (earlier !== undefined) return { ok: true, orderId: command.data.orderId, ...earlier };
    let refusal: Refusal | undefined;
    if (meta.ifMatch !== undefined && !ifMatchHolds(meta.ifMatch, version)) {
      refusal = versionMismatch(meta.ifMatch, version);
    }
    const decision = refusal === undefined ? decide(command, state) : undefined;
    if (decision !== undefined && !decision.ok) refusal = decision.rejection;
    if (refusal !== undefined || decision === undefined || !decision.ok) {
      if (fromCache) {
        fresh = true; // refuse only on what the stream says
        continue;
      }
      return refuse(ports, meta.tenantId, refusal ?? changedConcurrently, command, state, audit);
    }
    const after = decision.events.reduce(evolve, state);
    const quota = quotaChargeOf(command, limits, new Date(occurredAt));
    try {
      const outcome = await ports.audited.append({
        tenantId: meta.tenantId,
        streamName: stream,
        events: toNewEvents(decision.events, meta, occurredAt),
        // The version the precondition (if any) was checked against: the append holds it.
        expectedVersion: version === 0 ? 'no-stream' : version,
        record: acceptedOrderEntry(command, state, after, audit),
        refusedRecord: (refused) => refusedOrderEntry(command, state, refused, audit),
        ...(quota && { quota }),
        storageLimitBytes: limits.maxStorageBytes,
      });
      if (!outcome.ok) return { ok: false, problem: refusalProblem(outcome.refusal) };
      const answer = {
        version: outcome.result.nextExpectedVersion,
        position: outcome.result.lastPosition,
      };
      cache?.set(meta.tenantId, stream, {
        version: answer.version,
        state: after,
        answers: new Map(loaded.answers).set(meta.causationId, answer),
      });
      return { ok: true, orderId: command.data.orderId, ...answer };
    } catch (error) {
      cache?.forget(meta.tenantId, stream);
      if (!(error instanceof WrongExpectedVersionError)) return notRecorded(error);
      fresh = true;
      conflicts += 1;
      if (conflicts >= MAX_CONFLICT_RETRIES) {
        return refuse(ports, meta.tenantId, changedConcurrently, command, state, audit);
      }
    }
  }
}

/** The order as its stream holds it: version, state, and what each command that wrote it answered. */
async function readOrder(
  store: Pick<EventStore, 'readStream'>,
  tenantId: string,
  stream: string,
): Promise<CachedStream<OrderState>> {
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

const changedConcurrently: Refusal = {
  kind: 'conflict',
  code: 'changed-concurrently',
  detail: 'the order changed concurrently; retry',
};

const versionMismatch = (ifMatch: EntityTagCondition, version: number): Refusal => ({
  kind: 'versionMismatch',
  code: 'version-mismatch',
  detail: versionMismatchDetail('the order', ifMatch, version),
});

/** Records the refusal on the tenant's chain, then answers with it. */
async function refuse(
  ports: OrderCommandPorts,
  tenantId: string,
  refusal: Refusal,
  command: OrderCommand,
  state: OrderState,
  audit: OrderAuditContext,
): Promise<CommandOutcome> {
  try {
    await ports.audited.recordRefusal(tenantId, refusedOrderEntry(command, state, refusal, audit));
  } catch (error) {
    return notRecorded(error);
  }
  return { ok: false, problem: refusalProblem(refusal) };
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
