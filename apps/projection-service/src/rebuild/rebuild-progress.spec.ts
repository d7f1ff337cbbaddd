import { progressOf } from './rebuild-progress';

describe('progressOf', () => {
  it('gives the rate since the start and the time left at that rate', () => {
    expect(progressOf(30_000, 120_000, 1_000)).toEqual({
      done: 30_000,
      total: 120_000,
      ratePerSecond: 30_000,
      etaSeconds: 3,
      fraction: 0.25,
    });
  });

  it('has no estimate before anything is done, and none needed when there is nothing to do', () => {
    expect(progressOf(0, 10, 0)).toMatchObject({ ratePerSecond: 0, etaSeconds: null, fraction: 0 });
    expect(progressOf(0, 0, 0)).toMatchObject({ etaSeconds: 0, fraction: 1 });
  });

  it('lets the total follow events appended while the rebuild runs', () => {
    expect(progressOf(105, 100, 1_000)).toMatchObject({ done: 105, total: 105, etaSeconds: 0, fraction: 1 });
  });
});
