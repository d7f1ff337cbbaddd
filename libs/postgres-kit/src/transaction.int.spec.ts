import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { testInfra } from '@platform/testing';
import { inTransaction, migrateUnderLock } from './transaction';

// On a real PostgreSQL: commit, rollback, a discarded client, and concurrent migrations.

describe('postgres-kit on PostgreSQL', () => {
  const schema = `pgkit_test_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: testInfra.databaseUrl, max: 4 });
  const ddl = `create schema if not exists "${schema}";
    create table if not exists "${schema}".items (id int primary key);
    create or replace function "${schema}".answer() returns int language sql as 'select 42';`;

  afterAll(async () => {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  const ids = async (): Promise<number[]> =>
    (await pool.query<{ id: number }>(`select id from "${schema}".items order by id`)).rows.map((r) => r.id);

  it('migrates once when several processes migrate at the same time, and again later', async () => {
    const key = `pgkit:${schema}`;
    await Promise.all([1, 2, 3, 4].map(() => migrateUnderLock(pool, key, ddl)));
    await migrateUnderLock(pool, key, ddl, { queryTimeoutMs: 10_000 });

    expect((await pool.query(`select "${schema}".answer() as a`)).rows).toEqual([{ a: 42 }]);
  });

  it('commits what the work did and returns its result', async () => {
    const result = await inTransaction(pool, async (client) => {
      await client.query(`insert into "${schema}".items values (1), (2)`);
      return 'done';
    });

    expect(result).toBe('done');
    expect(await ids()).toEqual([1, 2]);
  });

  it('rolls back everything when the work fails, rethrows, and keeps the pool usable', async () => {
    await expect(
      inTransaction(pool, async (client) => {
        await client.query(`insert into "${schema}".items values (3)`);
        await client.query(`insert into "${schema}".items values (1)`); // duplicate key
      }),
    ).rejects.toThrow(/duplicate key/);

    expect(await ids()).toEqual([1, 2]);
    await inTransaction(pool, (client) => client.query(`insert into "${schema}".items values (4)`), {
      begin: 'begin isolation level repeatable read',
    });
    expect(await ids()).toEqual([1, 2, 4]);
  });

  it('survives its connection ending between two statements (a server restart): the work fails, nothing crashes', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', record);
    try {
      const outcome = inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        // another session ends this one while it is checked out and idle, as a restart does
        await pool.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await client.query(`insert into "${schema}".items values (99)`);
      });
      await expect(outcome).rejects.toThrow();
      expect(uncaught).toEqual([]);
      // the broken client was discarded: the pool goes on with fresh connections
      expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect(await ids()).not.toContain(99);
    } finally {
      process.removeListener('uncaughtException', record);
    }
  });
});
