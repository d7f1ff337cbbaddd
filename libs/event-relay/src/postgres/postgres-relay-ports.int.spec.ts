import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { LeadershipLostError } from '../leadership.port';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresRelayLeadership } from './postgres-leadership';

async function sql(text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: testInfra.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe('PostgresCheckpointStore', () => {
  const schema = `relay_cp_${randomBytes(4).toString('hex')}`;
  const store = PostgresCheckpointStore.create({ connectionString: testInfra.databaseUrl, schema });

  beforeAll(async () => {
    // several instances migrate at once
    await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
  });

  afterAll(async () => {
    await store.close();
    await sql(`drop schema if exists "${schema}" cascade`);
  });

  it('loads nothing for a relay that never ran, then the last checkpoint saved', async () => {
    expect(await store.load('a')).toBeUndefined();
    await store.save('a', 'cp-1');
    await store.save('a', 'cp-2');
    expect(await store.load('a')).toBe('cp-2');
    expect(await store.load('b')).toBeUndefined();
  });

  it('sets the start of a relay that never ran, once; a start at the beginning stays the beginning', async () => {
    await store.initialize('c', 'head-1');
    await store.initialize('c', 'head-2');
    expect(await store.load('c')).toBe('head-1');

    await store.initialize('d', undefined);
    await store.initialize('d', 'head-3');
    expect(await store.load('d')).toBeUndefined();
    await store.save('d', 'cp-1');
    expect(await store.load('d')).toBe('cp-1');

    await store.initialize('d', 'head-4');
    expect(await store.load('d')).toBe('cp-1');
  });
});

describe('PostgresRelayLeadership', () => {
  const leadership = new PostgresRelayLeadership({
    connectionString: testInfra.databaseUrl,
    retryIntervalMs: 50,
  });
  const stopping = new AbortController();

  afterAll(() => stopping.abort());

  it('grants one lease per name at a time; a follower gets it once the leader releases', async () => {
    const name = `it-lead-${uniqueSuffix()}`;
    const first = await leadership.acquire(name, stopping.signal);
    let second: Awaited<ReturnType<typeof leadership.acquire>> | undefined;
    const waiting = leadership.acquire(name, stopping.signal).then((lease) => (second = lease));
    const other = await leadership.acquire(`${name}-other`, stopping.signal); // another name: independent
    await first.confirm();
    expect(second).toBeUndefined();

    await first.release();
    expect(first.lost.aborted).toBe(true);
    await waiting;
    await second?.confirm();
    await Promise.all([second?.release(), other.release()]);
  });

  it('loses the lease when its session is ended, and a follower takes over', async () => {
    const name = `it-lead-${uniqueSuffix()}`;
    const leader = await leadership.acquire(name, stopping.signal);
    const follower = leadership.acquire(name, stopping.signal);
    await sql(
      `select pg_terminate_backend(pid) from pg_locks
        where locktype = 'advisory' and granted and classid = $1::int::oid and objid = hashtext($2)::oid`,
      [0x52454c59, name],
    );
    await eventually(() => expect(leader.lost.aborted).toBe(true));
    expect(leader.lost.reason).toBeInstanceOf(LeadershipLostError);
    await expect(leader.confirm()).rejects.toBeInstanceOf(LeadershipLostError);
    const next = await follower;
    await next.confirm();
    await Promise.all([leader.release(), next.release()]);
  });

  it('stops waiting when asked to', async () => {
    const name = `it-lead-${uniqueSuffix()}`;
    const leader = await leadership.acquire(name, stopping.signal);
    const giveUp = new AbortController();
    const waiting = leadership.acquire(name, giveUp.signal);
    giveUp.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    await leader.release();
  });
});
