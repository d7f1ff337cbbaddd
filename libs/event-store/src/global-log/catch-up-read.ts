import { setTimeout as sleep } from 'node:timers/promises';
import type { Checkpoint, GlobalEvent } from '../event-store.port';
import type { GlobalLogSource, PollingOptions } from './polling-subscription';

/**
 * Every matching event after `from` that is committed when the read starts (and at most
 * `maxCount`), in log order, batch by batch. An event committed at the start but not yet readable
 * (an older transaction is still open) is waited for, polling, rather than skipped: the read ends
 * at the head it saw when it started.
 */
export async function* catchUpRead(
  source: GlobalLogSource,
  from: Checkpoint | undefined,
  maxCount: number | null,
  polling: PollingOptions,
): AsyncGenerator<GlobalEvent> {
  const head = await source.readHead();
  const beyondHead = (checkpoint: Checkpoint): boolean =>
    head === undefined || source.compare(checkpoint, head) > 0;
  const reachedHead = (checkpoint: Checkpoint | undefined): boolean =>
    head === undefined || (checkpoint !== undefined && source.compare(checkpoint, head) >= 0);

  let cursor = from;
  let remaining = maxCount ?? Number.POSITIVE_INFINITY;
  while (remaining > 0 && !reachedHead(cursor)) {
    const limit = Math.min(polling.batchSize, remaining);
    const { events, readUpTo } = await source.readBatch(cursor, limit);
    for (const event of events) {
      if (beyondHead(event.checkpoint)) return;
      yield event;
      cursor = event.checkpoint;
      remaining -= 1;
    }
    if (reachedHead(readUpTo)) return;
    if (events.length < limit) await sleep(polling.pollIntervalMs);
  }
}
