import { PLANS, type TenantPlan } from '@platform/contracts';

/** The plan's storage in bytes: every write is refused while the tenant's last measure is past it. */
export const maxStorageBytesOf = (plan: TenantPlan): number => PLANS[plan].quotas.maxStorageMb * 1024 * 1024;
