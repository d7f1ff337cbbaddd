import { refusedEntry, type AuditEntry, type JsonValue } from '@platform/audit';
import type { Refusal } from '@platform/command-handling';

/** Who, which request, when: the same for every record of one command. */
export interface AuditContext {
  readonly actor: string;
  /** The command message's id. */
  readonly requestId: string;
  readonly correlationId: string;
  readonly occurredAt: string;
}

/** How one kind of aggregate appears in the audit log (contract §8). */
export interface AggregateAudit<C, S> {
  /** The command's action, e.g. `product.reserve`; a refused one adds `.refused`. */
  readonly actionOf: (command: C) => string;
  /** The record's target, e.g. `product/<sku>`. */
  readonly targetOf: (command: C) => string;
  /** The key of the aggregate's state in a refused record: `{ <key>: state, refusal }`. */
  readonly stateKey: string;
  /**
   * The aggregate's state as it goes into a record; `null` before it exists. Given the command too,
   * so that a large aggregate can show only the part the command is about (a product's hold of one
   * order, not every order's).
   */
  readonly stateJson: (state: S, command: C) => JsonValue;
}

/** The record of an accepted command: the aggregate before and after. */
export function acceptedEntry<C, S>(
  audit: AggregateAudit<C, S>,
  command: C,
  before: S,
  after: S,
  context: AuditContext,
): AuditEntry {
  return {
    ...context,
    action: audit.actionOf(command),
    target: audit.targetOf(command),
    previousState: audit.stateJson(before, command),
    newState: audit.stateJson(after, command),
  };
}

/**
 * The record of a refused command, which changed nothing: action `<action>.refused`, and previous
 * state = new state = `{ <stateKey>: state, refusal: { kind, code, detail } }`.
 */
export function refusedAggregateEntry<C, S>(
  audit: AggregateAudit<C, S>,
  command: C,
  state: S,
  refusal: Refusal,
  context: AuditContext,
): AuditEntry {
  return refusedEntry(
    context,
    audit.actionOf(command),
    audit.targetOf(command),
    { [audit.stateKey]: audit.stateJson(state, command) },
    refusal,
  );
}
