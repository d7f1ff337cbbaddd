import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('wakes a waiter at once', async () => {
    const signal = new WakeSignal();
    const waited = signal.wait(60_000);
    signal.wake();
    await expect(waited).resolves.toBeUndefined();
  });

  it('remembers a wake that came before the wait', async () => {
    const signal = new WakeSignal();
    signal.wake();
    await expect(signal.wait(60_000)).resolves.toBeUndefined();
  });
});
