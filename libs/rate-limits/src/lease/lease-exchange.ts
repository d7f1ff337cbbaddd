import type { RateLimitPolicy } from '../rate-limit-policy';

/**
 * One statement against a tenant's shared window (the {@link LeaseStore} port): give back what an
 * instance no longer needs, ask for more. The store grants `min(ask, quota - granted)` of the
 * current window (a new window if it has ended: then nothing is given back) and says what is left.
 */
export interface LeaseExchange {
  readonly key: string;
  readonly policy: RateLimitPolicy;
  /** Budget wanted: the requests waiting, plus the top-up to a whole lease. */
  readonly ask: number;
  /** Unused budget given back to the window that ends at `returnedExpire` (if it still runs). */
  readonly returned: number;
  readonly returnedExpire: number | undefined;
  /** The caller's clock, epoch ms: a window that ended before it is started afresh. */
  readonly now: number;
}

/** What the shared window said after the exchange. */
export interface LeaseGrant {
  /** Budget granted by this exchange, `0 <= granted <= ask`. */
  readonly granted: number;
  /** Budget leased out in the window so far, to every instance (this grant included). */
  readonly totalGranted: number;
  /** When the window ends, epoch ms. */
  readonly expire: number;
}

/**
 * The shared side of the leases: one atomic exchange per call, shared by every instance.
 *
 * @example
 * const grant = await store.exchange({
 *   key: 'tenant:t1', policy, ask: 51, returned: 0, returnedExpire: undefined, now: Date.now(),
 * });
 * // { granted: 51, totalGranted: 51, expire: <now + the policy's window> }
 */
export interface LeaseStore {
  exchange(request: LeaseExchange): Promise<LeaseGrant>;
  /** Gives unused budget back to its window, if that window still runs (a shutdown). */
  giveBack(unused: LeaseReturn): Promise<void>;
}

/** Unused budget of the window of `key` that ends at `expire`. */
export interface LeaseReturn {
  readonly key: string;
  readonly policy: RateLimitPolicy;
  readonly units: number;
  readonly expire: number;
  readonly now: number;
}
