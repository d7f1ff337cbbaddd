import { committableOffset, forEachLimited, groupByKey } from './key-groups';

describe('groupByKey', () => {
  it('keeps offset order within a key and separates keys', () => {
    const m = (key: string, offset: string) => ({ key, offset });
    expect(groupByKey([m('a', '1'), m('b', '2'), m('a', '3')])).toEqual([
      [m('a', '1'), m('a', '3')],
      [m('b', '2')],
    ]);
  });
});

describe('committableOffset', () => {
  it('stops at the first unfinished message', () => {
    expect(committableOffset(['5', '6', '7', '8'], new Set(['5', '6', '8']))).toBe('6');
  });
  it('is undefined when the first message is unfinished', () => {
    expect(committableOffset(['5', '6'], new Set(['6']))).toBeUndefined();
  });
  it('is the last offset when all finished', () => {
    expect(committableOffset(['5', '6'], new Set(['5', '6']))).toBe('6');
  });
});

describe('forEachLimited', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
