import type { OrderEvent, RecordOrderPayment, RecordOrderReservation, ShipOrder } from '@platform/contracts';
import { accepted, type DecideResult, rejected } from './decider';
import { orderNotFound, orderStatusConflict, type OrderRejection } from './order.rejections';
import type { OrderState, OrderStatus } from './order.state';

type Step = RecordOrderReservation | RecordOrderPayment | ShipOrder;

/** Each step of the saga on the order: the status it moves from, the event, and what it is. */
const STEPS: {
  readonly [Type in Step['type']]: {
    readonly from: OrderStatus;
    readonly to: OrderStatus;
    readonly event: 'OrderReserved' | 'OrderPaid' | 'OrderShipped';
    readonly action: string;
  };
} = {
  RecordOrderReservation: {
    from: 'confirmed',
    to: 'reserved',
    event: 'OrderReserved',
    action: 'be reserved',
  },
  RecordOrderPayment: { from: 'reserved', to: 'paid', event: 'OrderPaid', action: 'be paid' },
  ShipOrder: { from: 'paid', to: 'shipped', event: 'OrderShipped', action: 'be shipped' },
};

const ORDER: readonly OrderStatus[] = ['confirmed', 'reserved', 'paid', 'shipped'];

/**
 * A step of the fulfilment saga: moves the order one status on. A step the order has already
 * passed changes nothing (the saga may repeat itself after a crash); a step out of turn, or on a
 * cancelled order, is refused, and the saga compensates.
 */
export function fulfilmentStep(command: Step, state: OrderState): DecideResult<OrderEvent, OrderRejection> {
  const { orderId } = command.data;
  const step = STEPS[command.type];
  if (state.status === 'empty') return rejected(orderNotFound(orderId));
  if (state.status === step.from) return accepted({ type: step.event, data: { orderId } });
  const at = ORDER.indexOf(state.status);
  if (at >= 0 && at >= ORDER.indexOf(step.to)) return accepted();
  return rejected(orderStatusConflict(orderId, state.status, step.action));
}
