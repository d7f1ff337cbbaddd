import type { RateLimitPolicy } from '../rate-limit-policy';
import type { LeaseExchange, LeaseGrant, LeaseReturn } from './lease-exchange';
import { leaseSizing } from './lease-sizing';

/** What an instance can say about a request from its lease alone, without PostgreSQL. */
export type LeaseVerdict =
  | { readonly kind: 'allowed'; readonly remaining: number; readonly resetMs: number }
  | { readonly kind: 'refused'; readonly resetMs: number }
  /** No usable lease (none, another window, another policy) or spent while the window has more. */
  | { readonly kind: 'ask' };

const ASK: LeaseVerdict = { kind: 'ask' };

const samePolicy = (a: RateLimitPolicy, b: RateLimitPolicy): boolean =>
  a === b || (a.quota === b.quota && a.windowSeconds === b.windowSeconds && a.name === b.name);

/**
 * An instance's lease on a tenant's current window (ADR 0014): budget granted to this instance and
 * not spent yet (`unused`, at most one lease), and what the shared window had left at the last
 * exchange (`sharedLeft`). Decisions come from memory; time is passed in.
 */
export class LocalLease {
  private readonly refillAt: number;

  private constructor(
    readonly policy: RateLimitPolicy,
    /** End of the window, epoch ms, as the shared row says. */
    readonly expire: number,
    public unused: number,
    public sharedLeft: number,
  ) {
    this.refillAt = leaseSizing(policy).refillAt;
  }

  /** A lease made of a grant: `unused` granted to this instance, `sharedLeft` left to everyone. */
  static of(policy: RateLimitPolicy, expire: number, unused: number, sharedLeft: number): LocalLease {
    return new LocalLease(policy, expire, unused, sharedLeft);
  }

  /** Whether this lease can answer requests under `policy` at `now`. */
  holds(policy: RateLimitPolicy, now: number): boolean {
    return now < this.expire && samePolicy(policy, this.policy);
  }

  /**
   * Spends one unit if the lease has one. Refuses from memory when the shared window was spent at
   * the last exchange (it stays spent until it ends); otherwise the caller must ask the store.
   */
  take(policy: RateLimitPolicy, now: number): LeaseVerdict {
    if (!this.holds(policy, now)) return ASK;
    if (this.unused > 0) {
      this.unused -= 1;
      return { kind: 'allowed', remaining: this.sharedLeft + this.unused, resetMs: this.expire - now };
    }
    return this.sharedLeft > 0 ? ASK : { kind: 'refused', resetMs: this.expire - now };
  }

  /** Low, and the window may still have budget: top up in the background, ahead of need. */
  wantsTopUp(): boolean {
    return this.unused <= this.refillAt && this.sharedLeft > 0;
  }

  /** The unused budget of a running window, to give back (a shutdown). */
  unusedAt(key: string, now: number): LeaseReturn | undefined {
    if (this.unused === 0 || now >= this.expire) return undefined;
    return { key, policy: this.policy, units: this.unused, expire: this.expire, now };
  }
}

/**
 * The exchange an instance sends for `waiting` requests (0 for a background top-up): enough for
 * them plus a top-up to one whole lease. A lease of another policy (a plan change) is given back
 * whole, so that the new quota applies to what was spent, not to what was leased.
 */
export function planExchange(
  key: string,
  lease: LocalLease | undefined,
  policy: RateLimitPolicy,
  waiting: number,
  now: number,
): LeaseExchange {
  const { size } = leaseSizing(policy);
  if (lease?.holds(policy, now)) {
    return {
      key,
      policy,
      ask: waiting + Math.max(0, size - lease.unused),
      returned: 0,
      returnedExpire: undefined,
      now,
    };
  }
  const live = lease !== undefined && now < lease.expire;
  return {
    key,
    policy,
    ask: waiting + size,
    returned: live ? lease.unused : 0,
    returnedExpire: live ? lease.expire : undefined,
    now,
  };
}

/**
 * The lease after an exchange: the grant added to the lease it kept (same policy, same window), or
 * a new lease of the grant alone (whatever was given back, or belonged to an ended window, is gone).
 */
export function leaseAfter(
  lease: LocalLease | undefined,
  exchange: LeaseExchange,
  grant: LeaseGrant,
): LocalLease {
  const sharedLeft = Math.max(0, exchange.policy.quota - grant.totalGranted);
  if (
    exchange.returned === 0 &&
    lease?.expire === grant.expire &&
    lease.holds(exchange.policy, exchange.now)
  ) {
    lease.unused += grant.granted;
    lease.sharedLeft = sharedLeft;
    return lease;
  }
  return LocalLease.of(exchange.policy, grant.expire, grant.granted, sharedLeft);
}
