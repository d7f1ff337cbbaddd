import type { RateLimitPolicy } from '../rate-limit-policy';
import { leaseAfter, LocalLease, planExchange } from './local-lease';

const standard: RateLimitPolicy = { name: 'standard', quota: 100, windowSeconds: 2 };
const free: RateLimitPolicy = { name: 'free', quota: 10, windowSeconds: 2 };

describe('a local lease', () => {
  it('spends its units from memory and tells what the tenant has left: the shared rest plus its own', () => {
    const lease = LocalLease.of(standard, 2_000, 3, 90);
    expect(lease.take(standard, 500)).toEqual({ kind: 'allowed', remaining: 92, resetMs: 1_500 });
    expect(lease.take(standard, 600)).toEqual({ kind: 'allowed', remaining: 91, resetMs: 1_400 });
    expect(lease.take(standard, 700)).toEqual({ kind: 'allowed', remaining: 90, resetMs: 1_300 });
    expect(lease.unused).toBe(0);
  });

  it('asks the store once spent while the window has more, refuses from memory once the window is spent', () => {
    expect(LocalLease.of(standard, 2_000, 0, 1).take(standard, 0)).toEqual({ kind: 'ask' });
    expect(LocalLease.of(standard, 2_000, 0, 0).take(standard, 500)).toEqual({
      kind: 'refused',
      resetMs: 1_500,
    });
  });

  it('answers nothing for an ended window or another policy (a plan change)', () => {
    const lease = LocalLease.of(standard, 2_000, 5, 50);
    expect(lease.take(standard, 2_000)).toEqual({ kind: 'ask' });
    expect(lease.take(free, 0)).toEqual({ kind: 'ask' });
    expect(lease.take({ ...standard, quota: 200 }, 0)).toEqual({ kind: 'ask' });
    expect(lease.unused).toBe(5);
  });

  it('wants a top-up at a quarter of a lease left, unless the window is spent', () => {
    // standard leases 5 and tops up at 1
    expect(LocalLease.of(standard, 2_000, 2, 50).wantsTopUp()).toBe(false);
    expect(LocalLease.of(standard, 2_000, 1, 50).wantsTopUp()).toBe(true);
    expect(LocalLease.of(standard, 2_000, 1, 0).wantsTopUp()).toBe(false);
  });
});

describe('planning an exchange', () => {
  it('asks for the waiting requests plus a top-up to one lease, keeping what it holds', () => {
    const lease = LocalLease.of(standard, 2_000, 1, 50);
    expect(planExchange('k', lease, standard, 0, 100)).toMatchObject({ ask: 4, returned: 0 });
    expect(planExchange('k', lease, standard, 7, 100)).toMatchObject({ ask: 11, returned: 0 });
  });

  it('gives a lease of another policy back whole, to its own window', () => {
    const lease = LocalLease.of(standard, 2_000, 4, 50);
    expect(planExchange('k', lease, free, 1, 100)).toEqual({
      key: 'k',
      policy: free,
      ask: 2,
      returned: 4,
      returnedExpire: 2_000,
      now: 100,
    });
  });

  it('gives nothing back of an ended window, and asks a whole lease without one', () => {
    const ended = LocalLease.of(standard, 2_000, 4, 50);
    expect(planExchange('k', ended, standard, 1, 2_000)).toMatchObject({ ask: 6, returned: 0 });
    expect(planExchange('k', undefined, standard, 3, 0)).toMatchObject({ ask: 8, returned: 0 });
  });
});

describe('the lease after an exchange', () => {
  it('adds the grant to the lease it kept and takes the shared rest from the store', () => {
    const lease = LocalLease.of(standard, 2_000, 1, 50);
    const exchange = planExchange('k', lease, standard, 0, 100);
    const after = leaseAfter(lease, exchange, { granted: 4, totalGranted: 60, expire: 2_000 });
    expect(after).toBe(lease);
    expect([after.unused, after.sharedLeft]).toEqual([5, 40]);
  });

  it('starts a new lease when the window changed or the old one was given back', () => {
    const lease = LocalLease.of(standard, 2_000, 1, 50);
    const rolled = leaseAfter(lease, planExchange('k', lease, standard, 0, 100), {
      granted: 4,
      totalGranted: 4,
      expire: 4_100,
    });
    expect([rolled.expire, rolled.unused, rolled.sharedLeft]).toEqual([4_100, 4, 96]);

    const downgraded = leaseAfter(lease, planExchange('k', lease, free, 1, 100), {
      granted: 2,
      totalGranted: 12,
      expire: 2_000,
    });
    expect([downgraded.policy, downgraded.unused, downgraded.sharedLeft]).toEqual([free, 2, 0]);
  });
});
