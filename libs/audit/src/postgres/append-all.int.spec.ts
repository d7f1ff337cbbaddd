import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { inTransaction } from '@platform/postgres-kit';
import { GENESIS_HASH } from '../audit-record';
import { newRecord } from '../testing/chain-fixtures';
import { TEST_DATABASE_URL, dropSchema, randomTestSchema } from '../testing/postgres-test-schema';
import { AuditLog } from './audit-log';

describe('AuditLog.appendAll: the records of a group of commands in one transaction', () => {
  const schema = randomTestSchema();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 6 });
  const audit = new AuditLog(pool, { schema, clock: () => new Date('2026-02-01T00:00:00.000Z') });

  beforeAll(async () => {
    await audit.migrate();
  });

  afterAll(async () => {
    await pool.end();
    await dropSchema(schema);
  });

  it('extends each tenant chain in the order given, interleaved tenants included, and the chains verify', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await audit.append(newRecord(a, 1));
    const sealed = await inTransaction(pool, (tx) =>
      audit.appendAll([newRecord(b, 1), newRecord(a, 2), newRecord(b, 2), newRecord(a, 3)], tx),
    );

    expect(sealed.map((record) => [record.tenantId, record.sequence])).toEqual([
      [b, 1],
      [a, 2],
      [b, 2],
      [a, 3],
    ]);
    expect(sealed[0]?.previousHash).toBe(GENESIS_HASH);
    expect(sealed[2]?.previousHash).toBe(sealed[0]?.hash);
    expect(sealed[3]?.previousHash).toBe(sealed[1]?.hash);
    expect(await audit.verify(a)).toEqual({ valid: true, checked: 3 });
    expect(await audit.verify(b)).toEqual({ valid: true, checked: 2 });
  });

  it('keeps nothing when the transaction rolls back', async () => {
    const tenant = randomUUID();
    await expect(
      inTransaction(pool, async (tx) => {
        await audit.appendAll([newRecord(tenant, 1), newRecord(tenant, 2)], tx);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    expect(await audit.list(tenant, { limit: 10 })).toEqual([]);
  });

  it('two groups committing at once over the same tenants neither fork a chain nor deadlock', async () => {
    const tenants = [randomUUID(), randomUUID(), randomUUID()];
    const group = (offset: number) =>
      inTransaction(pool, (tx) =>
        audit.appendAll(
          Array.from({ length: 30 }, (_, i) => newRecord(tenants[(i + offset) % 3]!, i)),
          tx,
        ),
      );

    await Promise.all([group(0), group(1), group(2), group(0)]);

    for (const tenant of tenants) {
      expect(await audit.verify(tenant)).toEqual({ valid: true, checked: 40 });
    }
  });
});
