import { eventually } from '@platform/testing';
import type { GlobalEvent } from '../event-store.port';
import { fakeCheckpoint, fakeGlobalLog } from '../testing/fake-global-log';
import { catchUpRead } from './catch-up-read';

const polling = { batchSize: 2, pollIntervalMs: 5 };

async function positions(events: AsyncIterable<GlobalEvent>): Promise<number[]> {
  const result: number[] = [];
  for await (const event of events) result.push(event.globalPosition);
  return result;
}

describe('catchUpRead', () => {
  it('reads everything committed at the start, in batches, and stops at that head', async () => {
    const log = fakeGlobalLog(5);
    const read = catchUpRead(log.source, undefined, null, polling);

    const first = await read.next();
    log.append();
    expect(first.value).toMatchObject({ globalPosition: 1 });
    expect([1, ...(await positions(read))]).toEqual([1, 2, 3, 4, 5]);
    expect(log.reads).toEqual([undefined, fakeCheckpoint(2), fakeCheckpoint(4)]);
  });

  it('starts after `from`, and stops after maxCount events', async () => {
    const log = fakeGlobalLog(6);

    expect(await positions(catchUpRead(log.source, fakeCheckpoint(2), null, polling))).toEqual([3, 4, 5, 6]);
    expect(await positions(catchUpRead(log.source, fakeCheckpoint(1), 3, polling))).toEqual([2, 3, 4]);
    expect(await positions(catchUpRead(log.source, undefined, 0, polling))).toEqual([]);
    expect(await positions(catchUpRead(log.source, fakeCheckpoint(6), null, polling))).toEqual([]);
  });

  it('reads nothing from an empty log', async () => {
    const log = fakeGlobalLog(0);
    expect(await positions(catchUpRead(log.source, undefined, null, polling))).toEqual([]);
    expect(log.reads).toEqual([]);
  });

  it('waits for an event committed at the start but held back, rather than skipping or ending early', async () => {
    const log = fakeGlobalLog(1);
    log.append({ readable: false });
    log.append();
    const reading = positions(catchUpRead(log.source, undefined, null, polling));

    await eventually(() => expect(log.reads.length).toBeGreaterThanOrEqual(4));
    log.release();

    expect(await reading).toEqual([1, 2, 3]);
  });

  it('ends when the read passed a head that disappeared meanwhile', async () => {
    const log = fakeGlobalLog(2);
    log.append({ readable: false });
    const reading = positions(catchUpRead(log.source, undefined, null, polling));

    await eventually(() => expect(log.reads.length).toBeGreaterThanOrEqual(3));
    log.remove(3);
    log.release();

    expect(await reading).toEqual([1, 2]);
  });
});
