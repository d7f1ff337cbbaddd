import type { Checkpoint, GlobalEvent } from '../event-store.port';
import type { GlobalLogSource } from '../global-log/polling-subscription';

// An in-memory global log for unit tests of the catch-up machinery. Events can be committed but not
// yet readable (as behind an older open transaction), then released; or removed (purged).

export const fakeCheckpoint = (position: number): Checkpoint => String(position).padStart(10, '0');
const BEYOND_ALL = fakeCheckpoint(9_999_999_999);
const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';

export function fakeEvent(position: number): GlobalEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: 'Tested',
    data: { position },
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: 'c',
      causationId: 'c',
      actor: 'a',
      occurredAt: '2026-01-01T00:00:00Z',
    },
    tenantId,
    streamName: 's',
    streamVersion: position,
    globalPosition: position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    checkpoint: fakeCheckpoint(position),
  };
}

export interface FakeGlobalLog {
  source: GlobalLogSource;
  /** The `after` of every read, in order. */
  reads: (Checkpoint | undefined)[];
  /** Commits one more event; `readable: false` holds it (and all later ones) back until `release()`. */
  append(options?: { readable?: boolean }): GlobalEvent;
  release(): void;
  remove(position: number): void;
}

export function fakeGlobalLog(initial: number): FakeGlobalLog {
  const log: GlobalEvent[] = [];
  let heldFrom: number | undefined; // position of the first event not readable yet
  const reads: (Checkpoint | undefined)[] = [];
  let next = 1;

  const readable = (): GlobalEvent[] =>
    log.filter((e) => heldFrom === undefined || e.globalPosition < heldFrom);
  const source: GlobalLogSource = {
    readBatch: async (after, limit) => {
      reads.push(after);
      const events = readable()
        .filter((e) => after === undefined || e.checkpoint > after)
        .slice(0, limit);
      const end = heldFrom === undefined ? BEYOND_ALL : fakeCheckpoint(heldFrom - 1);
      const heldBack =
        heldFrom !== undefined &&
        log.some((e) => e.globalPosition >= (heldFrom ?? 0) && (after === undefined || e.checkpoint > after));
      return { events, readUpTo: events.length < limit ? end : events.at(-1)?.checkpoint, heldBack };
    },
    readHead: async () => log.at(-1)?.checkpoint,
    compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  };

  const append = ({ readable: isReadable = true }: { readable?: boolean } = {}): GlobalEvent => {
    const event = fakeEvent(next++);
    log.push(event);
    if (!isReadable) heldFrom ??= event.globalPosition;
    return event;
  };
  for (let i = 0; i < initial; i++) append();

  return {
    source,
    reads,
    append,
    release: () => {
      heldFrom = undefined;
    },
    remove: (position) => {
      const index = log.findIndex((e) => e.globalPosition === position);
      if (index >= 0) log.splice(index, 1);
    },
  };
}
