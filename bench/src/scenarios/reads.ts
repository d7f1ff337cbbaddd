import type { BenchConfig } from '../config';
import { type OrderState } from '../events';
import { type Row, type Trial, alternate, progress, toRow } from '../harness';
import { now } from '../stats';
import type { BenchStore } from '../stores';
import { type StoreTargets, withBothStores } from './appends';

const STREAM_EVENTS = 10_000;
const SNAPSHOT_AT = 9_900;
const READS_PER_TRIAL = 5;
const PEER = 'emmett-postgresql';

/** Appends `events` events to a new stream in batches of 100; the stream's name. */
async function fillStream(store: BenchStore, events: number): Promise<string> {
  const stream = store.newStreamName();
  let version = 0;
  while (version < events) {
    const outcome = await store.append(stream, Math.min(100, events - version), version);
    if (!outcome.ok) throw new Error(`${store.label}: conflict while filling ${stream}`);
    version = outcome.nextVersion;
  }
  return stream;
}

/** The state after the first `version` events, as events.ts numbers them (event v has index v - 1). */
function stateAt(version: number): OrderState {
  let units = 0;
  for (let v = 1; v <= version; v += 1) units += ((v - 1) % 5) + 1;
  return { events: version, units };
}

/** Mean wall time of `READS_PER_TRIAL` sequential calls, in ms; checks each result. */
async function timeReads(read: () => Promise<void>): Promise<Trial> {
  const start = now();
  for (let i = 0; i < READS_PER_TRIAL; i += 1) await read();
  return { value: (now() - start) / READS_PER_TRIAL };
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

/** readStream of a 10,000-event stream, and aggregate loading without and with a snapshot. */
export async function readStreamScenarios(
  config: BenchConfig,
  targets: StoreTargets,
  isSelected: (id: string) => boolean,
): Promise<Row[]> {
  const ids = ['read-stream-10k', 'load-aggregate-10k', 'load-aggregate-10k-snapshot'];
  if (!ids.some(isSelected)) return [];
  progress(`read-stream: filling a ${STREAM_EVENTS}-event stream in each store`);
  return withBothStores(targets, 2, async (ours, peer) => {
    const streams = new Map<BenchStore, string>();
    for (const store of [ours, peer]) {
      const stream = await fillStream(store, STREAM_EVENTS);
      streams.set(store, stream);
      await store.saveSnapshot(stream, SNAPSHOT_AT, stateAt(SNAPSHOT_AT));
    }
    const streamOf = (store: BenchStore): string => streams.get(store) ?? '';
    const contenders = [
      { side: 'ours', subject: ours },
      { side: 'peer', subject: peer },
    ] as const;
    const full = { version: STREAM_EVENTS, state: stateAt(STREAM_EVENTS) };
    const rows: Row[] = [];

    if (isSelected('read-stream-10k')) {
      progress('read-stream-10k: readStream of the whole stream');
      const results = await alternate(config, contenders, (store) =>
        timeReads(async () =>
          expectEqual('events read', await store.readWhole(streamOf(store)), STREAM_EVENTS),
        ),
      );
      rows.push(
        toRow(
          {
            id: 'read-stream-10k',
            scenario: 'readStream, 10,000-event stream, no snapshot',
            unit: 'ms/read',
            better: 'lower',
            peerLabel: PEER,
          },
          results,
        ),
      );
    }

    if (isSelected('load-aggregate-10k')) {
      progress('load-aggregate-10k: fold the whole stream (ours: loadAggregate finding no snapshot)');
      const results = await alternate(config, contenders, (store) =>
        timeReads(async () =>
          expectEqual('aggregate', await store.aggregate(streamOf(store), { useSnapshot: false }), full),
        ),
      );
      rows.push(
        toRow(
          {
            id: 'load-aggregate-10k',
            scenario: 'load aggregate, 10,000 events, no snapshot (loadAggregate vs aggregateStream)',
            unit: 'ms/load',
            better: 'lower',
            peerLabel: PEER,
          },
          results,
        ),
      );
    }

    if (isSelected('load-aggregate-10k-snapshot')) {
      progress(`load-aggregate-10k-snapshot: ours from the snapshot at ${SNAPSHOT_AT} + 100 events`);
      const results = await alternate(config, contenders, (store) =>
        timeReads(async () =>
          expectEqual('aggregate', await store.aggregate(streamOf(store), { useSnapshot: true }), full),
        ),
      );
      rows.push(
        toRow(
          {
            id: 'load-aggregate-10k-snapshot',
            scenario: `load aggregate, 10,000 events, snapshot at ${SNAPSHOT_AT.toLocaleString('en-US')}`,
            unit: 'ms/load',
            better: 'lower',
            peerLabel: `${PEER} (no snapshots: full aggregateStream)`,
            note:
              'Emmett 0.42 has no snapshot mechanism; its column is aggregateStream over all 10,000 events, ' +
              'so this ratio is the gain of our snapshot, not a like-for-like comparison.',
          },
          results,
        ),
      );
    }
    return rows;
  });
}

/** Throughput of a full read of the global log (ours: readAll; Emmett: readMessagesBatch). */
export async function readAllScenario(
  config: BenchConfig,
  targets: StoreTargets,
  isSelected: (id: string) => boolean,
  events: number,
): Promise<Row[]> {
  if (!isSelected('read-all')) return [];
  const streams = Math.ceil(events / 100);
  progress(`read-all: filling ${events} events (${streams} streams x 100) in each store`);
  return withBothStores(targets, 2, async (ours, peer) => {
    for (const store of [ours, peer]) {
      for (let s = 0; s < streams; s += 1) await fillStream(store, 100);
    }
    const total = streams * 100;
    const results = await alternate(
      config,
      [
        { side: 'ours', subject: ours },
        { side: 'peer', subject: peer },
      ],
      async (store) => {
        const start = now();
        const read = await store.readAll(500);
        const seconds = (now() - start) / 1000;
        expectEqual(`${store.label} readAll count`, read, total);
        return { value: read / seconds };
      },
    );
    return [
      toRow(
        {
          id: 'read-all',
          scenario: `readAll of the global log, ${total.toLocaleString('en-US')} events, batches of 500`,
          unit: 'events/s',
          better: 'higher',
          peerLabel: `${PEER} (readMessagesBatch)`,
        },
        results,
      ),
    ];
  });
}
