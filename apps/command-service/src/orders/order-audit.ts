import type { AuditEntry, JsonValue } from '@platform/audit';
import type { OrderCommand } from '@platform/contracts';
import type { OrderState } from '@platform/orders-domain';
import type { Refusal } from '@platform/command-handling';
import { assertNever } from '../command-pipeline/assert-never';
import {
  acceptedEntry,
  refusedAggregateEntry,
  type AggregateAudit,
  type AuditContext,
} from '../command-pipeline/aggregate-audit';
import { ORDER_USE_CASES } from './order-use-cases';

/** The audit action of each order command (contract §8), from its use case; a refused one adds `.refused`. */
export const ORDER_AUDIT_ACTIONS = Object.fromEntries(
  Object.entries(ORDER_USE_CASES).map(([type, useCase]) => [type, useCase.auditAction]),
) as Readonly<Record<OrderCommand['type'], string>>;

export const orderTarget = (orderId: string): string => `order/${orderId}`;

/** Who, which request, when: the same for every record of one command. */
export type OrderAuditContext = AuditContext;

/** An order's state as it goes into an audit record; `null` before it exists. */
export function orderStateJson(state: OrderState): JsonValue {
  switch (state.status) {
    case 'empty':
      return null;
    case 'draft':
    case 'confirmed':
    case 'reserved':
    case 'paid':
    case 'shipped':
    case 'cancelled':
      return {
        status: state.status,
        ...(state.status === 'cancelled' && { reason: state.reason }),
        orderId: state.orderId,
        customerId: state.customerId,
        ...(state.currency !== undefined && { currency: state.currency }),
        lines: state.lines.map(({ sku, quantity, unitPrice }) => ({
          sku,
          quantity,
          unitPrice: { amount: unitPrice.amount, currency: unitPrice.currency },
        })),
      };
    default:
      return assertNever(state);
  }
}

/** Orders in the audit log: `order.<action>` on `order/<orderId>`. */
export const ORDER_AUDIT: AggregateAudit<OrderCommand, OrderState> = {
  actionOf: (command) => ORDER_AUDIT_ACTIONS[command.type],
  targetOf: (command) => orderTarget(command.data.orderId),
  stateKey: 'order',
  stateJson: (state) => orderStateJson(state),
};

/** The record of an accepted command: the order before and after. */
export const acceptedOrderEntry = (
  command: OrderCommand,
  before: OrderState,
  after: OrderState,
  context: OrderAuditContext,
): AuditEntry => acceptedEntry(ORDER_AUDIT, command, before, after, context);

/**
 * The record of a refused command, which changed nothing: action `<action>.refused`, and previous
 * state = new state = `{ order, refusal: { kind, code, detail } }` (the order as it is, `null` when
 * it does not exist, and why the command was refused).
 */
export const refusedOrderEntry = (
  command: OrderCommand,
  state: OrderState,
  refusal: Refusal,
  context: OrderAuditContext,
): AuditEntry => refusedAggregateEntry(ORDER_AUDIT, command, state, refusal, context);
