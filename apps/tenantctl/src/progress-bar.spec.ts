import { progressBar } from './progress-bar';

describe('progressBar', () => {
  it('fills in proportion and shows counts, rate and time left', () => {
    expect(progressBar({ done: 1, total: 4, ratePerSecond: 1, etaSeconds: 3 }, 8)).toBe(
      '[##------]  25%  1/4 events  1 ev/s  ETA 3s',
    );
    expect(progressBar({ done: 12_345, total: 12_345, ratePerSecond: 31_000, etaSeconds: 0 }, 4)).toBe(
      '[####] 100%  12,345/12,345 events  31,000 ev/s  ETA 0s',
    );
  });

  it('shows an unknown time left and a full bar for nothing to do', () => {
    expect(progressBar({ done: 0, total: 0, ratePerSecond: 0, etaSeconds: null }, 2)).toBe(
      '[##] 100%  0/0 events  0 ev/s  ETA ?',
    );
  });
});
