import type { OrderCommand, OrderEvent } from '@platform/contracts';
import { addOrderItem } from './add-order-item';
import { assertNever } from './assert-never';
import { cancelOrder } from './cancel-order';
import { confirmOrder } from './confirm-order';
import { createOrder } from './create-order';
import type { DecideResult, Decider } from './decider';
import { fulfilmentStep } from './fulfilment-steps';
import type { OrderRejection } from './order.rejections';
import { evolve, initialState, type OrderState } from './order.state';

export function decide(command: OrderCommand, state: OrderState): DecideResult<OrderEvent, OrderRejection> {
  switch (command.type) {
    case 'CreateOrder':
      return createOrder(command, state);
    case 'AddOrderItem':
      return addOrderItem(command, state);
    case 'ConfirmOrder':
      return confirmOrder(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'RecordOrderReservation':
    case 'RecordOrderPayment':
    case 'ShipOrder':
      return fulfilmentStep(command, state);
    default:
      return assertNever(command);
  }
}

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState, OrderRejection> = {
  decide,
  evolve,
  initialState,
};
