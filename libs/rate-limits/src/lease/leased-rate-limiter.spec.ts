import { metricsRegistry } from '@platform/observability';
import type { RateLimitPolicy } from '../rate-limit-policy';
import type { LeaseExchange, LeaseGrant, LeaseReturn, LeaseStore } from './lease-exchange';
import { LeasedRateLimiter } from './leased-rate-limiter';

const standard: RateLimitPolicy = { name: 'standard', quota: 100, windowSeconds: 2 };

/** The shared windows in memory; answers when the test releases them, or fails while `down`. */
class ControlledStore implements LeaseStore {
  readonly exchanges: LeaseExchange[] = [];
  readonly returns: LeaseReturn[] = [];
  readonly windows = new Map<string, { expire: number; granted: number }>();
  private readonly pending: (() => void)[] = [];
  down = false;

  exchange(request: LeaseExchange): Promise<LeaseGrant> {
    this.exchanges.push(request);
    return new Promise((resolve, reject) =>
      this.pending.push(() => (this.down ? reject(new Error('down')) : resolve(this.grant(request)))),
    );
  }

  async giveBack(unused: LeaseReturn): Promise<void> {
    this.returns.push(unused);
    const window = this.windows.get(unused.key);
    if (window?.expire === unused.expire) window.granted -= unused.units;
  }

  /** Answers every exchange sent so far, and lets the limiter act on the answers. */
  async release(): Promise<void> {
    while (this.pending.length > 0) {
      for (const answer of this.pending.splice(0)) answer();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private grant({ key, policy, ask, returned, returnedExpire, now }: LeaseExchange): LeaseGrant {
    let window = this.windows.get(key);
    if (!window || window.expire <= now) {
      window = { expire: now + policy.windowSeconds * 1_000, granted: 0 };
      this.windows.set(key, window);
    } else if (window.expire === returnedExpire) {
      window.granted -= returned;
    }
    const granted = Math.min(ask, Math.max(0, policy.quota - window.granted));
    window.granted += granted;
    return { granted, totalGranted: window.granted, expire: window.expire };
  }
}

async function fallbacks(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('rate_limit_store_fallbacks_total')?.get();
  return (metric?.values ?? []).reduce((sum, { value }) => sum + value, 0);
}

function setup() {
  let now = 1_000_000;
  const store = new ControlledStore();
  const limiter = new LeasedRateLimiter({ store, clock: () => now, storeRetryMs: 1_000 });
  const settled = <T>(promise: Promise<T>) => {
    const state: { value?: T } = {};
    void promise.then((value) => (state.value = value));
    return state;
  };
  return { store, limiter, settled, advance: (ms: number) => (now += ms) };
}

describe('LeasedRateLimiter', () => {
  it('decides from its lease without waiting, and tops the lease up in the background', async () => {
    const { store, limiter, settled } = setup();
    const first = limiter.consume('t1', standard);
    expect(store.exchanges).toMatchObject([{ ask: 6 }]); // the request + a lease of 5
    await store.release();
    expect(await first).toMatchObject({ allowed: true, remaining: 99 });

    // four from memory: no statement while more than a quarter of the lease is left
    for (let i = 0; i < 3; i++) expect((await limiter.consume('t1', standard)).allowed).toBe(true);
    expect(store.exchanges).toHaveLength(1);
    // the fifth leaves 1 of 5: answered at once, and a top-up of 4 goes out behind it
    const fifth = settled(limiter.consume('t1', standard));
    await Promise.resolve();
    expect(fifth.value).toMatchObject({ allowed: true, remaining: 95 });
    expect(store.exchanges[1]).toMatchObject({ ask: 4, returned: 0 });
  });

  it('lets the requests that find the lease spent share one statement', async () => {
    const { store, limiter } = setup();
    const burst = Array.from({ length: 30 }, () => limiter.consume('t1', standard));
    expect(store.exchanges).toHaveLength(1);
    await store.release();
    // the first statement's 6 serve six of them; the 24 left share the second (+ a lease of 5)
    expect(store.exchanges.map((e) => e.ask)).toEqual([6, 24 + 5]);
    const decisions = await Promise.all(burst);
    expect(decisions.every((d) => d.allowed)).toBe(true);
  });

  it('never lets more than the quota through, and refuses a spent tenant from memory', async () => {
    const { store, limiter } = setup();
    const burst = Array.from({ length: 130 }, () => limiter.consume('t1', standard));
    await store.release();
    expect((await Promise.all(burst)).filter((d) => d.allowed)).toHaveLength(100);
    const statements = store.exchanges.length;
    const flood = await Promise.all(Array.from({ length: 50 }, () => limiter.consume('t1', standard)));
    expect(flood.every((d) => !d.allowed && d.remaining === 0 && d.resetMs > 0)).toBe(true);
    expect(store.exchanges).toHaveLength(statements);
  });

  it("keeps one tenant's exhaustion away from another's budget", async () => {
    const { store, limiter } = setup();
    const spent = Array.from({ length: 120 }, () => limiter.consume('t1', standard));
    await store.release();
    await Promise.all(spent);
    const other = Array.from({ length: 100 }, () => limiter.consume('t2', standard));
    await store.release();
    expect((await Promise.all(other)).every((d) => d.allowed)).toBe(true);
  });

  it('falls back to memory when the store fails, asks again after the retry delay, and recovers', async () => {
    const { store, limiter, advance } = setup();
    const before = await fallbacks();
    store.down = true;
    const failed = limiter.consume('t1', standard);
    await store.release();
    expect(await failed).toMatchObject({ allowed: true, remaining: 99 }); // the insurance's count
    // within the retry delay, no statement: the insurance answers at once
    expect(await limiter.consume('t1', standard)).toMatchObject({ allowed: true, remaining: 98 });
    expect(store.exchanges).toHaveLength(1);
    expect((await fallbacks()) - before).toBe(2);

    store.down = false;
    advance(1_000);
    const recovered = limiter.consume('t1', standard);
    expect(store.exchanges).toHaveLength(2);
    await store.release();
    expect(await recovered).toMatchObject({ allowed: true, remaining: 99 });
    expect((await fallbacks()) - before).toBe(2);
  });

  it('gives its unused budget back when it closes', async () => {
    const { store, limiter } = setup();
    const first = limiter.consume('t1', standard);
    await store.release();
    await first;
    await limiter.close();
    expect(store.returns).toMatchObject([{ key: 't1', units: 5 }]);
    expect(store.windows.get('t1')?.granted).toBe(1);
  });

  it('gives a lease back on a plan change, so the new quota applies to what was spent', async () => {
    const { store, limiter } = setup();
    const first = limiter.consume('t1', standard);
    await store.release();
    await first;
    const free: RateLimitPolicy = { name: 'free', quota: 3, windowSeconds: 2 };
    const downgraded = limiter.consume('t1', free);
    await store.release();
    expect(store.exchanges[1]).toMatchObject({ policy: free, returned: 5, ask: 2 });
    expect(await downgraded).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.consume('t1', free)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.consume('t1', free)).allowed).toBe(false);
  });
});
