import type { StreamCache } from '@platform/command-handling';
import { orderStreamName, type OrderCommand, type OrderEvent, type ProblemData } from '@platform/contracts';
import type { EventStore } from '@platform/event-store';
import { orderDecider, type OrderState } from '@platform/orders-domain';
import type { AuditedAppend } from '../audited-append/audited-append.port';
import type { CommandMetadata } from '../command-pipeline/command-metadata';
import { handleAggregateCommand, type AggregateKind } from '../command-pipeline/handle-aggregate-command';
import { ORDER_AUDIT } from './order-audit';
import type { OrderLimits } from './order-quota';
import { orderUseCaseOf } from './order-use-cases';

export type { CommandMetadata } from '../command-pipeline/command-metadata';
export { answersOf } from '../command-pipeline/handle-aggregate-command';

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

/** The Order aggregate in the command service: `order-<orderId>`, audited as `order.*` on `order/<id>`. */
export const ORDER_KIND: AggregateKind<OrderCommand, OrderEvent, OrderState> = {
  context: 'orders',
  decider: orderDecider,
  subject: 'the order',
  streamOf: (command) => orderStreamName(command.data.orderId),
  audit: ORDER_AUDIT,
  // a create's stream is presumed empty: no read (a redelivered create conflicts, then is answered)
  presumesNew: (command) => command.type === 'CreateOrder',
};

/**
 * Load, decide, append: the application service of the Order aggregate, on the one command
 * pipeline (`handleAggregateCommand`, ADR 0019). Every command leaves an audit record on its
 * tenant's chain (contract §8), an accepted one together with the quota unit it costs (`limits`).
 * With an `If-Match` (`meta.ifMatch`) the precondition is checked first, on every read: a stale
 * version is refused (`versionMismatch`, 412, recorded like any refusal). A concurrent change
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
  const useCase = orderUseCaseOf(command);
  const outcome = await handleAggregateCommand(ORDER_KIND, ports, command, meta, {
    quotaAt: (at) => useCase.quotaCharge(limits, at),
    maxStorageBytes: limits.maxStorageBytes,
  });
  if (!outcome.ok) return outcome;
  return { ok: true, orderId: command.data.orderId, version: outcome.version, position: outcome.position };
}
