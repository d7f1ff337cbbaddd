import { Pool } from 'pg';
import { TEST_DATABASE_URL, randomTestSchema } from '../testing/postgres-test-schema';
import { migrateWebhooks } from './migrate';

describe('migrateWebhooks', () => {
  const schema = randomTestSchema();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 4 });

  afterAll(async () => {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('migrates when two processes call it at once, and again later', async () => {
    await expect(
      Promise.all([migrateWebhooks(pool, schema), migrateWebhooks(pool, schema)]),
    ).resolves.toEqual([undefined, undefined]);
    await expect(migrateWebhooks(pool, schema)).resolves.toBeUndefined();

    const { rows } = await pool.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [schema],
    );
    expect(rows.map((row) => row.table_name)).toEqual([
      'attempts',
      'deliveries',
      'requeues',
      'subscriptions',
    ]);
  });
});
