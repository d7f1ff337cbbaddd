import type { Logger } from '@platform/observability';
import type { RateLimitPolicy } from '../rate-limit-policy';
import type { RateLimitDecision, RateLimiter } from '../rate-limiter';
import type { LeaseStore } from './lease-exchange';
import { leaseAfter, planExchange, type LeaseVerdict, type LocalLease } from './local-lease';
import { decisionsTotal, fallbacksTotal, leasedUnitsTotal, leasesTotal } from './rate-limit-metrics';
import { WindowCounter } from './window-counter';

export interface LeasedRateLimiterOptions {
  readonly store: LeaseStore;
  /** After a failed exchange, decide from the insurance without asking for this long; default 1 s. */
  readonly storeRetryMs?: number;
  readonly clock?: () => number;
  readonly logger?: Logger;
}

interface Waiter {
  readonly policy: RateLimitPolicy;
  readonly resolve: (decision: RateLimitDecision) => void;
}

/** One tenant on this instance: its lease, at most one exchange in flight, requests waiting for it. */
interface TenantState {
  lease: LocalLease | undefined;
  inFlight: boolean;
  readonly waiters: Waiter[];
}

const PRUNE_EVERY_MS = 30_000;

/**
 * {@link RateLimiter} that decides from budget leased from a shared {@link LeaseStore} (ADR 0014).
 * A request spends a unit of this instance's lease in memory; when a quarter of a lease is left it is
 * topped up in the background; a request waits for the store only when the lease is spent and the
 * window may still have budget (the waiting requests of a tenant share one exchange). A tenant whose
 * window was spent is refused from memory until the window ends. When the store fails, requests
 * without lease are decided by a per-instance {@link WindowCounter}, and the store is asked again
 * after `storeRetryMs`.
 *
 * Tolerance, while the store answers: a tenant never gets more than its quota per window, however
 * many instances (each unit is granted once by the shared window); it may be refused while other
 * instances hold unused budget, at most one lease (`leaseSizing`) per other instance, which expires
 * with the window or is given back on a plan change or at {@link close}.
 */
export class LeasedRateLimiter implements RateLimiter {
  private readonly tenants = new Map<string, TenantState>();
  private readonly insurance = new WindowCounter();
  private readonly clock: () => number;
  private readonly storeRetryMs: number;
  private storeDownUntil = 0;
  private readonly pruning: NodeJS.Timeout;

  constructor(private readonly options: LeasedRateLimiterOptions) {
    this.clock = options.clock ?? Date.now;
    this.storeRetryMs = options.storeRetryMs ?? 1_000;
    this.pruning = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruning.unref();
  }

  consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const now = this.clock();
    let tenant = this.tenants.get(key);
    if (!tenant) {
      tenant = { lease: undefined, inFlight: false, waiters: [] };
      this.tenants.set(key, tenant);
    }
    // Requests already waiting go first; otherwise the lease answers.
    if (tenant.waiters.length === 0 && tenant.lease) {
      const verdict = tenant.lease.take(policy, now);
      if (verdict.kind !== 'ask') {
        if (verdict.kind === 'allowed') this.topUpIfLow(key, tenant, policy, now);
        return Promise.resolve(decided(policy, verdict));
      }
    }
    if (now < this.storeDownUntil) return Promise.resolve(this.insure(key, policy, now));
    return new Promise((resolve) => {
      tenant.waiters.push({ policy, resolve });
      this.exchange(key, tenant, policy, 'demand');
    });
  }

  /** Gives the unused budget of every running window back (best effort), then stops. */
  async close(): Promise<void> {
    clearInterval(this.pruning);
    const now = this.clock();
    const returns: Promise<unknown>[] = [];
    for (const [key, tenant] of this.tenants) {
      const unused = tenant.inFlight ? undefined : tenant.lease?.unusedAt(key, now);
      if (unused) {
        tenant.lease = undefined;
        returns.push(
          this.options.store.giveBack(unused).then(() => this.countLease(unused.policy, 'return', 0)),
        );
      }
    }
    await Promise.allSettled(returns);
  }

  private topUpIfLow(key: string, tenant: TenantState, policy: RateLimitPolicy, now: number): void {
    if (!tenant.inFlight && tenant.lease?.wantsTopUp() && now >= this.storeDownUntil) {
      this.exchange(key, tenant, policy, 'refill');
    }
  }

  /** Sends one exchange for the tenant unless one is in flight (its answer serves the waiters). */
  private exchange(
    key: string,
    tenant: TenantState,
    policy: RateLimitPolicy,
    reason: 'demand' | 'refill',
  ): void {
    if (tenant.inFlight) return;
    tenant.inFlight = true;
    const request = planExchange(key, tenant.lease, policy, tenant.waiters.length, this.clock());
    this.options.store.exchange(request).then(
      (grant) => {
        tenant.inFlight = false;
        tenant.lease = leaseAfter(tenant.lease, request, grant);
        this.countLease(request.policy, reason, grant.granted);
        this.drain(key, tenant);
      },
      (error: unknown) => {
        tenant.inFlight = false;
        this.storeFailed(error);
        this.drain(key, tenant);
      },
    );
  }

  /** Answers the waiting requests in order from the lease; asks again for those it cannot answer. */
  private drain(key: string, tenant: TenantState): void {
    const now = this.clock();
    const storeDown = now < this.storeDownUntil;
    let served = 0;
    for (const waiter of tenant.waiters) {
      const verdict: LeaseVerdict = tenant.lease?.take(waiter.policy, now) ?? { kind: 'ask' };
      if (verdict.kind === 'ask') {
        if (!storeDown) break;
        waiter.resolve(this.insure(key, waiter.policy, now));
      } else {
        waiter.resolve(decided(waiter.policy, verdict));
      }
      served += 1;
    }
    tenant.waiters.splice(0, served);
    const next = tenant.waiters[0];
    if (next) this.exchange(key, tenant, next.policy, 'demand');
    else if (tenant.lease && !storeDown) this.topUpIfLow(key, tenant, tenant.lease.policy, now);
  }

  private storeFailed(error: unknown): void {
    const now = this.clock();
    if (now >= this.storeDownUntil) {
      this.options.logger?.warn(
        { err: error, retryMs: this.storeRetryMs },
        'rate limits: PostgreSQL did not grant a lease, deciding from memory',
      );
    }
    this.storeDownUntil = now + this.storeRetryMs;
  }

  private insure(key: string, policy: RateLimitPolicy, now: number): RateLimitDecision {
    fallbacksTotal.inc({ policy: policy.name });
    const decision = this.insurance.consume(key, policy, now);
    decisionsTotal.inc({ policy: policy.name, outcome: decision.allowed ? 'allowed' : 'limited' });
    return decision;
  }

  private countLease(policy: RateLimitPolicy, reason: 'demand' | 'refill' | 'return', granted: number): void {
    leasesTotal.inc({ policy: policy.name, reason });
    if (granted > 0) leasedUnitsTotal.inc({ policy: policy.name }, granted);
  }

  /** Forgets tenants whose window ended with nothing pending, and ended insurance windows. */
  private prune(): void {
    const now = this.clock();
    for (const [key, tenant] of this.tenants) {
      const ended = !tenant.lease || now >= tenant.lease.expire;
      if (ended && !tenant.inFlight && tenant.waiters.length === 0) this.tenants.delete(key);
    }
    this.insurance.prune(now);
  }
}

function decided(
  policy: RateLimitPolicy,
  verdict: Exclude<LeaseVerdict, { kind: 'ask' }>,
): RateLimitDecision {
  if (verdict.kind === 'allowed') {
    decisionsTotal.inc({ policy: policy.name, outcome: 'allowed' });
    return { allowed: true, remaining: verdict.remaining, resetMs: verdict.resetMs };
  }
  decisionsTotal.inc({ policy: policy.name, outcome: 'limited' });
  return { allowed: false, remaining: 0, resetMs: verdict.resetMs };
}
