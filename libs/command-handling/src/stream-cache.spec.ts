import { StreamCache } from './stream-cache';

const entry = (version: number) => ({ version, state: { n: version }, answers: new Map() });

describe('StreamCache', () => {
  it('keeps entries per tenant and stream: the same stream name of two tenants is two entries', () => {
    const cache = new StreamCache<{ n: number }>();
    cache.set('tenant-a', 'order-1', entry(1));
    cache.set('tenant-b', 'order-1', entry(7));

    expect(cache.get('tenant-a', 'order-1')?.version).toBe(1);
    expect(cache.get('tenant-b', 'order-1')?.version).toBe(7);
    cache.forget('tenant-a', 'order-1');
    expect(cache.get('tenant-a', 'order-1')).toBeUndefined();
    expect(cache.get('tenant-b', 'order-1')?.version).toBe(7);
  });

  it('drops the least recently used entry beyond its capacity', () => {
    const cache = new StreamCache<{ n: number }>(2);
    cache.set('t', 'a', entry(1));
    cache.set('t', 'b', entry(2));
    cache.get('t', 'a'); // a is now more recent than b
    cache.set('t', 'c', entry(3));

    expect(cache.size).toBe(2);
    expect(cache.get('t', 'b')).toBeUndefined();
    expect(cache.get('t', 'a')?.version).toBe(1);
    expect(cache.get('t', 'c')?.version).toBe(3);
  });
});

describe('StreamCache.slot', () => {
  it("reads, replaces and forgets one aggregate's entry", () => {
    const cache = new StreamCache<{ n: number }>();
    const slot = cache.slot('t', 'a');

    slot.set(entry(1));
    cache.set('t', 'b', entry(2));
    expect(slot.get()?.version).toBe(1);
    slot.forget();
    expect(cache.get('t', 'a')).toBeUndefined();
    expect(cache.get('t', 'b')?.version).toBe(2);
  });
});
