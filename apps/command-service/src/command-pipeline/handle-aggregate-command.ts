import {
  handleCommand,
  refusalProblem,
  type EarlierAnswer,
  type LoadedAggregate,
  type Refusal,
  type StreamCache,
} from '@platform/command-handling';
import type { DecideResult, MessageDefinition, ProblemData } from '@platform/contracts';
import { WrongExpectedVersionError, type EventStore, type RecordedEvent } from '@platform/event-store';
import type { AuditedAppend, QuotaCharge } from '../audited-append/audited-append.port';
import { assertNever } from './assert-never';
import {
  acceptedEntry,
  refusedAggregateEntry,
  type AggregateAudit,
  type AuditContext,
} from './aggregate-audit';
import { newEventsOf, type CommandMetadata } from './command-metadata';

interface Message {
  readonly type: string;
  readonly data: unknown;
}

/**
 * One kind of aggregate as the command service runs it: its decider (from its domain lib), where
 * its stream is, and how it is audited. The rest is {@link handleAggregateCommand}'s.
 */
export interface AggregateKind<C extends Message, E extends Message, S> {
  /** The contracts context of its events (their schema versions). */
  readonly context: MessageDefinition['context'];
  readonly decider: {
    decide(command: C, state: S): DecideResult<E, Refusal>;
    evolve(state: S, event: E): S;
    initialState(): S;
  };
  /** Names it in the pipeline's own refusals: `the order`, `the product`. */
  readonly subject: string;
  readonly streamOf: (command: C) => string;
  readonly audit: AggregateAudit<C, S>;
  /**
   * Commands that create the aggregate under an id nobody used (a create's order id): decided on
   * the initial state without reading the stream, where the audited append checks the version first.
   */
  readonly presumesNew?: (command: C) => boolean;
}

/**
 * Where the handler reads the aggregate (`store`), how it appends and audits it (`audited`), and
 * the hot aggregates it keeps in memory (`cache`, optional: without it every command reads the
 * stream).
 */
export interface AggregatePorts<S> {
  readonly store: Pick<EventStore, 'readStream'>;
  readonly audited: AuditedAppend;
  readonly cache?: StreamCache<S>;
}

/** What a command costs against the tenant's plan. */
export interface CommandLimits {
  /** The quota unit the command takes when its change is written; none when it returns undefined. */
  readonly quotaAt?: (at: Date) => QuotaCharge | undefined;
  /** Every write is refused while the tenant's last measured storage is past this. */
  readonly maxStorageBytes: number;
}

/**
 * The command's result: on success, the aggregate's version and the global position of its last
 * event (what the requester gets back). A failure that is not the command's fault (the change or
 * its audit record could not be written) is an `unavailable` problem with its `cause`, for the log.
 */
export type AggregateOutcome =
  | { readonly ok: true; readonly version: number; readonly position: number; readonly repeated: boolean }
  | { readonly ok: false; readonly problem: ProblemData; readonly cause?: unknown };

/**
 * Load, decide, append with audit: the command service's steps of the one command pipeline
 * ({@link handleCommand}, ADR 0019), for any aggregate. Every command leaves an audit record on its
 * tenant's chain (contract §8): an accepted one with its events, through the {@link AuditedAppend}
 * port (group commit, ADR 0018), with the quota unit it costs; a refused one on its own, changing
 * nothing. A command whose events are already in the stream (same command id, `meta.causationId`)
 * is answered as its first run was (ADR 0010). `If-Match` (`meta.ifMatch`) is checked on every
 * read (ADR 0011). With a `cache`, the aggregate comes from memory when this instance has it; a
 * refusal is only ever decided on a fresh read of the stream.
 */
export async function handleAggregateCommand<C extends Message, E extends Message, S>(
  kind: AggregateKind<C, E, S>,
  ports: AggregatePorts<S>,
  command: C,
  meta: CommandMetadata,
  limits: CommandLimits,
): Promise<AggregateOutcome> {
  const { tenantId } = meta;
  const stream = kind.streamOf(command);
  const auditContext = (occurredAt: string): AuditContext => ({
    actor: meta.actor,
    requestId: meta.causationId,
    correlationId: meta.correlationId,
    occurredAt,
  });
  const result = await handleCommand<C, E, S, EarlierAnswer>({
    command,
    decider: kind.decider,
    subject: kind.subject,
    commandId: meta.causationId,
    ...(meta.ifMatch !== undefined && { ifMatch: meta.ifMatch }),
    ...(ports.cache !== undefined && { cache: ports.cache.slot(tenantId, stream) }),
    ...(ports.audited.checksVersionFirst &&
      kind.presumesNew?.(command) === true && {
        presumed: {
          version: 0,
          state: kind.decider.initialState(),
          answers: new Map<string, EarlierAnswer>(),
        },
      }),
    load: () => readAggregate(ports.store, tenantId, stream, kind.decider),
    append: async ({ before, version, events, after }) => {
      const occurredAt = meta.now();
      const audit = auditContext(occurredAt);
      const quota = limits.quotaAt?.(new Date(occurredAt));
      try {
        const outcome = await ports.audited.append({
          tenantId,
          streamName: stream,
          events: newEventsOf(kind.context, events, meta, occurredAt),
          // The version the precondition (if any) was checked against: the append holds it.
          expectedVersion: version === 0 ? 'no-stream' : version,
          record: acceptedEntry(kind.audit, command, before, after, audit),
          refusedRecord: (refused) => refusedAggregateEntry(kind.audit, command, before, refused, audit),
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
        refusedAggregateEntry(kind.audit, command, state, refusal, auditContext(meta.now())),
      ),
  });
  switch (result.outcome) {
    case 'accepted':
      return { ok: true, ...result.answer, repeated: result.repeated };
    case 'refused':
      return { ok: false, problem: refusalProblem(result.refusal) };
    case 'not-written':
      return notRecorded(result.cause);
    default:
      return assertNever(result);
  }
}

/** The aggregate as its stream holds it: version, state, and what each command that wrote it answered. */
async function readAggregate<E extends Message, S>(
  store: Pick<EventStore, 'readStream'>,
  tenantId: string,
  stream: string,
  decider: { evolve(state: S, event: E): S; initialState(): S },
): Promise<LoadedAggregate<S>> {
  const recorded = await store.readStream(tenantId, stream);
  const state = recorded.reduce<S>(
    (s, e) => decider.evolve(s, { type: e.type, data: e.data } as E),
    decider.initialState(),
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
const notRecorded = (cause: unknown): AggregateOutcome => ({
  ok: false,
  problem: {
    kind: 'unavailable',
    detail: 'the command or its audit record could not be written; retry later',
  },
  cause,
});
