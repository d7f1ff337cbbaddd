import type { OrderCommand } from '@platform/contracts';
import type { QuotaCharge } from '../audited-append/audited-append.port';
import { addingOrderItem } from './adding-order-item/adding-order-item';
import { cancellingOrder } from './cancelling-order/cancelling-order';
import { confirmingOrder } from './confirming-order/confirming-order';
import { creatingOrder } from './creating-order/creating-order';
import { fulfillingOrder } from './fulfilling-order/fulfilling-order';
import type { OrderLimits } from './order-quota';

/**
 * What is particular to one order command in this service; its business rules are its decider's,
 * in `@platform/orders-domain`. Everything else (load, If-Match, append with audit, retries,
 * refusals) is the same for every command: {@link handleOrderCommand}.
 */
export interface OrderUseCase {
  /** The command's audit action (contract §8); a refused one adds `.refused`. */
  readonly auditAction: string;
  /** The quota unit the command costs against the tenant's plan; none when undefined. */
  readonly quotaCharge: (limits: OrderLimits, at: Date) => QuotaCharge | undefined;
}

/** Each order command's use case: a new command adds its folder beside these, and a line here. */
export const ORDER_USE_CASES: { readonly [Type in OrderCommand['type']]: OrderUseCase } = {
  CreateOrder: creatingOrder,
  AddOrderItem: addingOrderItem,
  ConfirmOrder: confirmingOrder,
  CancelOrder: cancellingOrder,
  RecordOrderReservation: fulfillingOrder.recordReservation,
  RecordOrderPayment: fulfillingOrder.recordPayment,
  ShipOrder: fulfillingOrder.ship,
};

export const orderUseCaseOf = (command: OrderCommand): OrderUseCase => ORDER_USE_CASES[command.type];
