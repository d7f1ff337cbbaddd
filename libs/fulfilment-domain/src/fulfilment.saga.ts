import type {
  CancellationReason,
  CancelOrder,
  ChargePayment,
  CommitStock,
  InventoryEvent,
  OrderEvent,
  PaymentEvent,
  RecordOrderPayment,
  RecordOrderReservation,
  RefundPayment,
  ReleaseStock,
  ReserveStock,
  ShipOrder,
} from '@platform/contracts';
import type { FulfilmentState } from './fulfilment.state';

/** The saga's deadline of a step came (a durable timer fired): `DeadlinePassed`. */
export interface DeadlinePassed {
  readonly type: 'DeadlinePassed';
  readonly data: { readonly orderId: string };
}

/** What the saga reacts to: the events of the three contexts that concern a fulfilment, and its timer. */
export type FulfilmentInput = OrderEvent | InventoryEvent | PaymentEvent | DeadlinePassed;

/** What the saga sends: commands to orders, inventory and payments. */
export type FulfilmentCommand =
  | RecordOrderReservation
  | RecordOrderPayment
  | ShipOrder
  | CancelOrder
  | ReserveStock
  | ReleaseStock
  | CommitStock
  | ChargePayment
  | RefundPayment;

/**
 * The saga's answer to one input: its next state, the commands to send (recorded in the same
 * transaction as the state: an outbox), and its deadline: a new due time (`{ at }`), `null` to
 * clear it, or `undefined` to leave it as it is.
 */
export interface Reaction {
  readonly state: FulfilmentState;
  readonly commands: readonly FulfilmentCommand[];
  readonly deadline?: { readonly at: string } | null;
}

export interface ReactContext {
  /** The time the input is handled at (ISO-8601): deadlines are counted from it. */
  readonly now: string;
  /** How long a step may wait for its answer, in ms (default 30 s). */
  readonly stepTimeoutMs: number;
}

const unchanged = (state: FulfilmentState): Reaction => ({ state, commands: [] });
const dueAt = (context: ReactContext): { at: string } => ({
  at: new Date(Date.parse(context.now) + context.stepTimeoutMs).toISOString(),
});

/**
 * The order-fulfilment process manager as a pure function (STYLE 6): state and input in, next state,
 * commands and deadline out. Every input it does not expect (a redelivery, an answer after the
 * saga moved on) is answered by a compensation when it holds something (a late reservation is
 * released, a late charge refunded) and otherwise ignored, so that replaying inputs is harmless.
 */
export function react(state: FulfilmentState, input: FulfilmentInput, context: ReactContext): Reaction {
  switch (state.status) {
    case 'idle':
      if (input.type !== 'OrderConfirmed') return unchanged(state);
      return {
        state: { status: 'reserving', ...fulfilmentOf(input.data), reserved: [] },
        commands: input.data.skus.map(({ sku, quantity }) => reserveStock(input.data.orderId, sku, quantity)),
        deadline: dueAt(context),
      };
    case 'reserving':
      switch (input.type) {
        case 'StockReserved': {
          if (
            !state.skus.some(({ sku }) => sku === input.data.sku) ||
            state.reserved.includes(input.data.sku)
          )
            return unchanged(state);
          const reserved = [...state.reserved, input.data.sku];
          if (reserved.length < state.skus.length) return { state: { ...state, reserved }, commands: [] };
          const { orderId, total, paymentToken } = state;
          return {
            state: { ...withoutReserved(state), status: 'paying' },
            commands: [
              { type: 'RecordOrderReservation', data: { orderId } },
              { type: 'ChargePayment', data: { orderId, amount: total, paymentToken } },
            ],
            deadline: dueAt(context),
          };
        }
        case 'StockReservationRejected':
          return cancel(state, 'out-of-stock', { refund: false });
        case 'OrderCancelled':
          return compensate(state, input.data.reason, { refund: false });
        case 'DeadlinePassed':
          return cancel(state, 'timeout', { refund: false });
        default:
          return unchanged(state);
      }
    case 'paying':
      switch (input.type) {
        case 'PaymentCharged': {
          const { orderId } = state;
          return {
            state: { ...state, status: 'shipping' },
            commands: [
              { type: 'RecordOrderPayment', data: { orderId } },
              { type: 'ShipOrder', data: { orderId } },
            ],
            deadline: null,
          };
        }
        case 'PaymentDeclined':
          return cancel(state, 'payment-declined', { refund: false });
        case 'OrderCancelled':
          return compensate(state, input.data.reason, { refund: true });
        case 'DeadlinePassed':
          return cancel(state, 'timeout', { refund: true });
        default:
          return unchanged(state);
      }
    case 'shipping':
      switch (input.type) {
        case 'OrderShipped':
          return {
            state: { status: 'shipped', orderId: state.orderId },
            commands: state.skus.map(({ sku }) => ({
              type: 'CommitStock',
              data: { sku, orderId: state.orderId },
            })),
            deadline: null,
          };
        // cancelled by its customer between the charge and the shipment: ShipOrder is refused
        case 'OrderCancelled':
          return compensate(state, input.data.reason, { refund: true });
        default:
          return unchanged(state);
      }
    case 'shipped':
      return unchanged(state);
    case 'cancelled':
      switch (input.type) {
        case 'StockReserved':
          return {
            state,
            commands: [{ type: 'ReleaseStock', data: { sku: input.data.sku, orderId: state.orderId } }],
          };
        case 'PaymentCharged':
          return { state, commands: [{ type: 'RefundPayment', data: { orderId: state.orderId } }] };
        default:
          return unchanged(state);
      }
  }
}

type InFlight = Extract<FulfilmentState, { status: 'reserving' | 'paying' | 'shipping' }>;

/** Releases what the order holds, refunds when asked, and cancels the order with `reason`. */
function cancel(state: InFlight, reason: CancellationReason, options: { refund: boolean }): Reaction {
  const compensation = compensate(state, reason, options);
  return {
    ...compensation,
    commands: [...compensation.commands, { type: 'CancelOrder', data: { orderId: state.orderId, reason } }],
  };
}

/** The order was cancelled (by its customer): release and refund, nothing more to cancel. */
function compensate(state: InFlight, reason: CancellationReason, options: { refund: boolean }): Reaction {
  const { orderId } = state;
  const commands: FulfilmentCommand[] = state.skus.map(({ sku }) => ({
    type: 'ReleaseStock',
    data: { sku, orderId },
  }));
  if (options.refund) commands.push({ type: 'RefundPayment', data: { orderId } });
  return { state: { status: 'cancelled', orderId, reason }, commands, deadline: null };
}

const reserveStock = (orderId: string, sku: string, quantity: number): ReserveStock => ({
  type: 'ReserveStock',
  data: { sku, orderId, quantity },
});

function fulfilmentOf(data: Extract<OrderEvent, { type: 'OrderConfirmed' }>['data']) {
  return { orderId: data.orderId, skus: data.skus, total: data.total, paymentToken: data.paymentToken };
}

function withoutReserved(state: Extract<FulfilmentState, { status: 'reserving' }>) {
  const { reserved: _reserved, ...rest } = state;
  return rest;
}
