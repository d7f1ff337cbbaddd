import { GroupedApply } from './grouped-apply';

/** A writer whose writes the test finishes by hand, recording what each write got. */
function manualWriter() {
  const writes: { tenantId: string; events: readonly number[]; finish: (error?: Error) => void }[] = [];
  const write = (tenantId: string, events: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ tenantId, events, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { writes, write };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupedApply', () => {
  it('merges what a tenant hands over while its write is in flight into its next write, in order', async () => {
    const { writes, write } = manualWriter();
    const grouped = new GroupedApply<number>(write);

    const first = grouped.apply('t', [1, 2]);
    await turn();
    const second = grouped.apply('t', [3]);
    const third = grouped.apply('t', [4, 5]);
    await turn();
    expect(writes.map((w) => w.events)).toEqual([[1, 2]]);

    writes[0]?.finish();
    await first;
    await turn();
    expect(writes.map((w) => w.events)).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    writes[1]?.finish();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('writes each tenant on its own, and a failed write fails only the batches merged into it', async () => {
    const { writes, write } = manualWriter();
    const grouped = new GroupedApply<number>(write);

    const a1 = grouped.apply('a', [1]);
    const a2 = grouped.apply('a', [2]);
    const b = grouped.apply('b', [9]);
    await turn();
    expect(writes.map((w) => [w.tenantId, w.events])).toEqual([
      ['a', [1, 2]],
      ['b', [9]],
    ]);
    writes[0]?.finish(new Error('poison'));
    writes[1]?.finish();

    await expect(a1).rejects.toThrow('poison');
    await expect(a2).rejects.toThrow('poison');
    await expect(b).resolves.toBeUndefined();
    // and the tenant writes again afterwards
    const again = grouped.apply('a', [3]);
    await turn();
    writes[2]?.finish();
    await expect(again).resolves.toBeUndefined();
  });
});
