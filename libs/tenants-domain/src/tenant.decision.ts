import type { TenantEvent } from '@platform/contracts';
import type { DecideResult } from './decider';
import type { TenantRejection } from './tenant.rejections';

/** What deciding one tenant command yields: the events to append, or why not. */
export type TenantDecision = DecideResult<TenantEvent, TenantRejection>;
