import type { TenantPlan } from '@platform/contracts';
import { PLANS } from './plans';
import { policyRejection, type PolicyRejection } from './tenant.rejections';

export interface PlacementRequest {
  /** The region asked for; left out, the tenant goes to the default region. */
  readonly requestedRegion?: string;
  /** The regions the deployment allows (configuration), the default first. */
  readonly allowedRegions: readonly string[];
  readonly plan: TenantPlan;
}

export type Placement =
  | { readonly ok: true; readonly region: string }
  | { readonly ok: false; readonly rejection: PolicyRejection };

/**
 * Decides where a new tenant lives, before anything is created: a region the policy allows, and
 * one the plan lets the tenant choose (see {@link PLANS}). Anything else is refused with the
 * reason, as a `validation` problem on `/region`.
 *
 * @example
 * ```ts
 * placeTenant({ requestedRegion: 'us-east-1', allowedRegions: ['eu-west-1', 'us-east-1'], plan: 'standard' });
 * // { ok: true, region: 'us-east-1' }
 * placeTenant({ allowedRegions: ['eu-west-1', 'us-east-1'], plan: 'free' });
 * // { ok: true, region: 'eu-west-1' }
 * ```
 */
export function placeTenant({ requestedRegion, allowedRegions, plan }: PlacementRequest): Placement {
  const [defaultRegion] = allowedRegions;
  if (defaultRegion === undefined) {
    return outOfPolicy('no region is allowed by the placement policy', 'no region is configured');
  }
  const region = requestedRegion ?? defaultRegion;
  if (!allowedRegions.includes(region)) {
    return outOfPolicy(
      `region ${region} is outside the placement policy`,
      `must be one of ${allowedRegions.join(', ')}`,
    );
  }
  if (PLANS[plan].placement === 'default-region' && region !== defaultRegion) {
    return outOfPolicy(
      `the ${plan} plan places tenants in the default region ${defaultRegion}, not ${region}`,
      `must be ${defaultRegion} on the ${plan} plan`,
    );
  }
  return { ok: true, region };
}

const outOfPolicy = (detail: string, message: string): Placement => ({
  ok: false,
  rejection: policyRejection('region-out-of-policy', detail, '/region', message),
});
