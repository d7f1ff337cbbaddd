import type { TenantPlan } from '@platform/contracts';
// PLANS is the one place quotas are read from.
import { PLANS } from '@platform/contracts';
import { maxStorageBytesOf } from '../command-pipeline/tenant-limits';

/** The usage counter of orders created, per tenant and UTC month (see `creating-order/`). */
export const ORDERS_METRIC = 'orders';

/** The quotas of a tenant's plan that order commands are held to. */
export interface OrderLimits {
  readonly maxOrdersPerMonth: number;
  /** Every write is refused while the tenant's last measured storage is past this. */
  readonly maxStorageBytes: number;
}

export const orderLimitsOf = (plan: TenantPlan): OrderLimits => ({
  maxOrdersPerMonth: PLANS[plan].quotas.maxOrdersPerMonth,
  maxStorageBytes: maxStorageBytesOf(plan),
});
