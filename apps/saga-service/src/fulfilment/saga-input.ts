import { fieldErrors, findMessageDefinition, type CloudEventAttributes } from '@platform/contracts';
import type { FulfilmentInput } from '@platform/fulfilment-domain';
import { NonRetriableError } from '@platform/messaging';

/** The event types the saga reacts to (`ce_type`); every other event is skipped before parsing. */
export const SAGA_INPUT_TYPES: ReadonlySet<string> = new Set([
  'orders.OrderConfirmed',
  'orders.OrderShipped',
  'orders.OrderCancelled',
  'inventory.StockReserved',
  'inventory.StockReservationRejected',
  'payments.PaymentCharged',
  'payments.PaymentDeclined',
]);

/** Whether an input may start a fulfilment (all others concern one already under way). */
export const startsFulfilment = (input: FulfilmentInput): boolean => input.type === 'OrderConfirmed';

export type SagaInputOf =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'input'; readonly orderId: string; readonly input: FulfilmentInput };

/**
 * The saga input a consumed event carries (the order it concerns from its data), `ignored` for
 * event types the saga does not react to, or a {@link NonRetriableError} (dead-lettered) for a
 * payload that does not match its type's schema.
 */
export function sagaInputOf(attributes: Pick<CloudEventAttributes, 'type'>, value: unknown): SagaInputOf {
  if (!SAGA_INPUT_TYPES.has(attributes.type)) return { kind: 'ignored' };
  const definition = findMessageDefinition(attributes.type);
  if (!definition || definition.kind !== 'event') return { kind: 'ignored' };
  const data = definition.schema.safeParse(value);
  if (!data.success) {
    throw new NonRetriableError(
      `${attributes.type} is not valid: ${JSON.stringify(fieldErrors(data.error))}`,
    );
  }
  // every type of SAGA_INPUT_TYPES names its order
  const { orderId } = data.data as { orderId: string };
  return { kind: 'input', orderId, input: { type: definition.name, data: data.data } as FulfilmentInput };
}
