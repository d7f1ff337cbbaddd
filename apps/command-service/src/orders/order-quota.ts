import type { OrderCommand, TenantPlan } from '@platform/contracts';
// PLANS is the one place quotas are read from.
import { PLANS } from '@platform/contracts';
import type { QuotaCharge } from '../audited-append/audited-append.port';
import { assertNever } from './assert-never';

/** The usage counter of orders created, per tenant and UTC month. */
export const ORDERS_METRIC = 'orders';

/** The quotas of a tenant's plan that order commands are held to. */
export interface OrderLimits {
  readonly maxOrdersPerMonth: number;
  /** Every write is refused while the tenant's last measured storage is past this. */
  readonly maxStorageBytes: number;
}

export const orderLimitsOf = (plan: TenantPlan): OrderLimits => ({
  maxOrdersPerMonth: PLANS[plan].quotas.maxOrdersPerMonth,
  maxStorageBytes: PLANS[plan].quotas.maxStorageMb * 1024 * 1024,
});

/** What a command costs against the plan: creating an order takes one of the month's orders. */
export function quotaChargeOf(command: OrderCommand, limits: OrderLimits, at: Date): QuotaCharge | undefined {
  switch (command.type) {
    case 'CreateOrder':
      return { metric: ORDERS_METRIC, limit: limits.maxOrdersPerMonth, at };
    case 'AddOrderItem':
      return undefined;
    default:
      return assertNever(command);
  }
}
