import type { Pool } from 'pg';
import type { BenchConfig } from '../config';
import { type Row, type Trial, alternate, progress, toRow } from '../harness';
import { now, percentile } from '../stats';
import { type BenchStore, openEmmett, openOurs } from '../stores';

export interface StoreTargets {
  /** Our store's connection string and the run's schema name. */
  ours: { databaseUrl: string; schema: string; admin: Pool };
  /** Emmett's database (its tables live in `public` of their own database). */
  peer: { databaseUrl: string };
}

/** Opens both stores fresh for one scenario, pools of `poolSize`, and closes them after `work`. */
export async function withBothStores<T>(
  targets: StoreTargets,
  poolSize: number,
  work: (ours: BenchStore, peer: BenchStore) => Promise<T>,
): Promise<T> {
  await targets.ours.admin.query('checkpoint');
  const ours = await openOurs({ ...targets.ours, poolSize });
  try {
    const peer = await openEmmett({ databaseUrl: targets.peer.databaseUrl, poolSize });
    try {
      return await work(ours, peer);
    } finally {
      await peer.close();
    }
  } finally {
    await ours.close();
  }
}

/** `writers` concurrent writers, each appending `perAppend` events per call to its own stream. */
async function privateStreams(
  store: BenchStore,
  writers: number,
  perAppend: number,
  seconds: number,
): Promise<Trial> {
  const latencies: number[] = [];
  let appends = 0;
  const start = now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const stream = store.newStreamName();
      let version = 0;
      while (now() < deadline) {
        const t0 = now();
        const outcome = await store.append(stream, perAppend, version);
        latencies.push(now() - t0);
        if (!outcome.ok) throw new Error(`${store.label}: conflict on a stream only one writer appends to`);
        version = outcome.nextVersion;
        appends += 1;
      }
    }),
  );
  const elapsedSeconds = (now() - start) / 1000;
  return {
    value: (appends * perAppend) / elapsedSeconds,
    extra: {
      appendsPerSecond: appends / elapsedSeconds,
      appendLatencyP50Ms: percentile(latencies, 50),
      appendLatencyP99Ms: percentile(latencies, 99),
    },
  };
}

/**
 * `writers` writers on one stream, each doing read-then-append: catch up from the version it knows,
 * append with that version as the expected one, and on a conflict read again and retry.
 */
async function hotStream(store: BenchStore, writers: number, seconds: number): Promise<Trial> {
  const stream = store.newStreamName();
  const created = await store.append(stream, 1, 0);
  if (!created.ok) throw new Error(`${store.label}: could not create the hot stream`);
  let appended = 0;
  let conflicts = 0;
  const start = now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      let known = 1;
      while (now() < deadline) {
        known = Math.max(known, await store.catchUp(stream, known + 1));
        const outcome = await store.append(stream, 1, known);
        if (outcome.ok) {
          known = outcome.nextVersion;
          appended += 1;
        } else {
          conflicts += 1;
        }
      }
    }),
  );
  const elapsedSeconds = (now() - start) / 1000;
  const attempts = appended + conflicts;
  return {
    value: appended / elapsedSeconds,
    extra: {
      conflictRatePercent: attempts === 0 ? 0 : (100 * conflicts) / attempts,
      attemptsPerSecond: attempts / elapsedSeconds,
    },
  };
}

export interface Ceilings {
  /** pgbench tps by client count. */
  tps: Map<number, number>;
}

function ceilingFor(ceilings: Ceilings, clients: number): Row['ceiling'] {
  const tps = ceilings.tps.get(clients);
  return tps === undefined ? undefined : { value: tps, label: `pgbench -c ${clients}` };
}

const PEER = 'emmett-postgresql';

/** The append scenarios of the issue, in order; each opens both stores fresh. */
export async function appendScenarios(
  config: BenchConfig,
  targets: StoreTargets,
  ceilings: Ceilings,
  isSelected: (id: string) => boolean,
): Promise<Row[]> {
  const rows: Row[] = [];
  const seconds = config.trialSeconds;
  const warm = config.warmupSeconds;

  for (const writers of [1, 8, 32]) {
    const id = `append-1ev-${writers}w`;
    if (!isSelected(id)) continue;
    progress(`${id}: ${writers} writer(s) on distinct streams, 1 event per append, ${seconds}s trials`);
    const results = await withBothStores(targets, writers, (ours, peer) =>
      alternate(
        config,
        [
          { side: 'ours', subject: ours },
          { side: 'peer', subject: peer },
        ],
        (store, warmup) => privateStreams(store, writers, 1, warmup ? warm : seconds),
      ),
    );
    rows.push(
      toRow(
        {
          id,
          scenario: `append, 1 event/append, ${writers} writer${writers > 1 ? 's' : ''}, distinct streams`,
          unit: 'appends/s',
          better: 'higher',
          peerLabel: PEER,
          ceiling: ceilingFor(ceilings, writers),
        },
        results,
      ),
    );
  }

  if (isSelected('append-hot-8w')) {
    progress(`append-hot-8w: 8 writers on one stream, read-then-append with retries, ${seconds}s trials`);
    const results = await withBothStores(targets, 8, (ours, peer) =>
      alternate(
        config,
        [
          { side: 'ours', subject: ours },
          { side: 'peer', subject: peer },
        ],
        (store, warmup) => hotStream(store, 8, warmup ? warm : seconds),
      ),
    );
    rows.push(
      toRow(
        {
          id: 'append-hot-8w',
          scenario: 'append, 8 writers on one hot stream (successful appends)',
          unit: 'appends/s',
          better: 'higher',
          peerLabel: PEER,
          ceiling: ceilingFor(ceilings, 8),
        },
        results,
      ),
    );
    const conflictTrials = (side: 'ours' | 'peer'): Trial[] =>
      results[side].map((trial) => ({ value: trial.extra?.['conflictRatePercent'] ?? Number.NaN }));
    rows.push(
      toRow(
        {
          id: 'append-hot-8w-conflicts',
          scenario: 'append, 8 writers on one hot stream: conflict rate',
          unit: '% of attempts',
          better: 'lower',
          peerLabel: PEER,
        },
        { ours: conflictTrials('ours'), peer: conflictTrials('peer') },
      ),
    );
  }

  if (isSelected('append-batch100')) {
    progress(`append-batch100: 1 writer, 100 events per append, ${seconds}s trials`);
    const results = await withBothStores(targets, 1, (ours, peer) =>
      alternate(
        config,
        [
          { side: 'ours', subject: ours },
          { side: 'peer', subject: peer },
        ],
        (store, warmup) => privateStreams(store, 1, 100, warmup ? warm : seconds),
      ),
    );
    rows.push(
      toRow(
        {
          id: 'append-batch100',
          scenario: 'append, batches of 100 events, 1 writer',
          unit: 'events/s',
          better: 'higher',
          peerLabel: PEER,
        },
        results,
      ),
    );
  }
  return rows;
}
