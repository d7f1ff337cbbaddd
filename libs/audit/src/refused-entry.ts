import type { AuditEntry, JsonValue } from './audit-record';

/** The action of a refused command: `order.add-item.refused`, `tenant.resume.refused`. */
export const REFUSED_SUFFIX = '.refused';

/** Why a command was refused, as it goes into its record. */
export interface RefusalSummary {
  readonly kind: string;
  readonly code: string;
  readonly detail: string;
}

/**
 * The record of a refused command, which changed nothing (contract §8: every command records):
 * action `<action>.refused`, and previous state = new state = `{ <subject>: <its state>, refusal }`.
 *
 * @example
 * refusedEntry({ actor, requestId, correlationId, occurredAt }, 'order.add-item', `order/${id}`,
 *   { order: orderJson }, { kind: 'conflict', code: 'order-not-draft', detail: '…' });
 */
export function refusedEntry(
  context: Pick<AuditEntry, 'actor' | 'requestId' | 'correlationId' | 'occurredAt'>,
  action: string,
  target: string,
  subject: { readonly [key: string]: JsonValue },
  refusal: RefusalSummary,
): AuditEntry {
  const unchanged: JsonValue = {
    ...subject,
    refusal: { kind: refusal.kind, code: refusal.code, detail: refusal.detail },
  };
  return {
    ...context,
    action: `${action}${REFUSED_SUFFIX}`,
    target,
    previousState: unchanged,
    newState: unchanged,
  };
}
