import { WindowCounter } from './window-counter';

const free = { name: 'free', quota: 3, windowSeconds: 2 };

describe('the in-memory insurance window', () => {
  it('allows the quota per window, then refuses until the window ends', () => {
    const counter = new WindowCounter();
    const at = (now: number) => counter.consume('t1', free, now);
    expect([at(0), at(100), at(200)].map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    expect(at(1_999)).toEqual({ allowed: false, remaining: 0, resetMs: 1 });
    expect(at(2_000)).toEqual({ allowed: true, remaining: 2, resetMs: 2_000 });
  });

  it('counts each key apart, and a new policy from zero', () => {
    const counter = new WindowCounter();
    for (let i = 0; i < 3; i++) counter.consume('t1', free, 0);
    expect(counter.consume('t1', free, 1).allowed).toBe(false);
    expect(counter.consume('t2', free, 1).allowed).toBe(true);
    expect(counter.consume('t1', { ...free, name: 'standard', quota: 10 }, 2).remaining).toBe(9);
  });

  it('forgets ended windows', () => {
    const counter = new WindowCounter();
    counter.consume('t1', free, 0);
    counter.consume('t2', free, 1_000);
    counter.prune(2_000);
    expect(counter.size).toBe(1);
  });
});
