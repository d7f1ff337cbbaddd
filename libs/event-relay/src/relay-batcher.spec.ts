import { eventually } from '@platform/testing';
import { RelayBatcher } from './relay-batcher';

describe('RelayBatcher', () => {
  it('sends a full batch at once, the rest after the delay, in arrival order', async () => {
    const batches: number[][] = [];
    const batcher = new RelayBatcher<number>(async (batch) => void batches.push([...batch]), {
      maxSize: 3,
      maxDelayMs: 20,
    });
    for (const item of [1, 2, 3, 4]) await batcher.add(item);
    expect(batches).toEqual([[1, 2, 3]]);
    await eventually(() => expect(batches).toEqual([[1, 2, 3], [4]]));
  });

  it('sends one batch at a time; what arrives meanwhile goes next, together', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new RelayBatcher<number>(
      async (batch) => {
        batches.push([...batch]);
        if (batches.length === 1) await gate;
      },
      { maxSize: 10, maxDelayMs: 1 },
    );
    await batcher.add(1);
    await eventually(() => expect(batches).toEqual([[1]]));
    await batcher.add(2);
    await batcher.add(3);
    expect(batches).toEqual([[1]]);
    release();
    await batcher.drain();
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('makes add wait while the buffer is full and a batch is out (back-pressure)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches: number[][] = [];
    const batcher = new RelayBatcher<number>(
      async (batch) => {
        batches.push([...batch]);
        await gate;
      },
      { maxSize: 2, maxDelayMs: 1_000 },
    );
    await batcher.add(1);
    await batcher.add(2); // full: goes out and stays out
    await batcher.add(3);
    let accepted = false;
    const fourth = batcher.add(4).then(() => (accepted = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(accepted).toBe(false);
    release();
    await fourth;
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('fails for good when a batch fails: later adds and drain reject, nothing else is sent', async () => {
    const sent: number[][] = [];
    const batcher = new RelayBatcher<number>(
      async (batch) => {
        sent.push([...batch]);
        throw new Error('deposed');
      },
      { maxSize: 2, maxDelayMs: 1 },
    );
    await batcher.add(1);
    await batcher.add(2); // full: handed to flush, which fails
    await expect(batcher.drain()).rejects.toThrow('deposed');
    await expect(batcher.add(3)).rejects.toThrow('deposed');
    expect(sent).toEqual([[1, 2]]);
  });

  it('drops what it holds on discard', async () => {
    const sent: number[][] = [];
    const batcher = new RelayBatcher<number>(async (batch) => void sent.push([...batch]), {
      maxSize: 10,
      maxDelayMs: 5,
    });
    await batcher.add(1);
    batcher.discard();
    await batcher.drain();
    expect(sent).toEqual([]);
  });
});
