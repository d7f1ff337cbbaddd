import { randomBytes, randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { AuditEntry, JsonValue } from '../audit-record';
import { newRecord } from '../testing/chain-fixtures';
import { TEST_DATABASE_URL, asOwner, dropSchema, randomTestSchema } from '../testing/postgres-test-schema';
import { AuditLog } from './audit-log';

// "A change whose audit record cannot be written does not happen" (contract §8), on a real change: a
// row of a tenants table in the same database, changed in the same transaction as the audit append.

describe('AuditLog.withAudit on PostgreSQL', () => {
  const schema = randomTestSchema();
  const tenants = `"${schema}".tenants`;
  // A role that may change tenants but may not write audit records: its appends fail in PostgreSQL.
  const noAuditRole = `audit_test_no_insert_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  const restrictedPool = new Pool({
    connectionString: TEST_DATABASE_URL,
    max: 2,
    options: `-c role=${noAuditRole}`,
  });
  const audit = new AuditLog(pool, { schema });
  const restrictedAudit = new AuditLog(restrictedPool, { schema });

  const entry = (tenantId: string, previousState: JsonValue, newState: JsonValue): AuditEntry => {
    const { tenantId: _ignored, ...rest } = newRecord(tenantId, 1, { action: 'tenant.suspend' });
    return { ...rest, previousState, newState };
  };

  async function createTenant(): Promise<string> {
    const tenantId = randomUUID();
    await pool.query(`insert into ${tenants} (id, status) values ($1, 'active')`, [tenantId]);
    return tenantId;
  }

  const statusOf = async (tenantId: string): Promise<string | undefined> =>
    (await pool.query<{ status: string }>(`select status from ${tenants} where id = $1`, [tenantId])).rows[0]
      ?.status;

  async function suspend(tx: PoolClient, tenantId: string): Promise<{ before: string; after: string }> {
    const { rows } = await tx.query<{ before: string }>(
      `update ${tenants} t set status = 'suspended' from (select status from ${tenants} where id = $1 for update) old
        where t.id = $1 returning old.status as before`,
      [tenantId],
    );
    const [row] = rows;
    if (row === undefined) throw new Error(`no tenant ${tenantId}`);
    return { before: row.before, after: 'suspended' };
  }

  beforeAll(async () => {
    await audit.migrate();
    await asOwner(async (client) => {
      await client.query(`create table ${tenants} (id uuid primary key, status text not null)`);
      await client.query(`create role ${noAuditRole} nologin`);
      await client.query(`grant usage on schema "${schema}" to ${noAuditRole}`);
      await client.query(`grant select, update on ${tenants} to ${noAuditRole}`);
      await client.query(`grant select on "${schema}".records to ${noAuditRole}`);
    });
  });

  afterAll(async () => {
    await restrictedPool.end();
    await pool.end();
    await dropSchema(schema);
    await asOwner(async (client) => {
      await client.query(`drop owned by ${noAuditRole}`);
      await client.query(`drop role ${noAuditRole}`);
    });
  });

  it('commits the change and its record together', async () => {
    const tenantId = await createTenant();

    const { result, record } = await audit.withAudit(
      tenantId,
      ({ before, after }) => entry(tenantId, { status: before }, { status: after }),
      (tx: PoolClient) => suspend(tx, tenantId),
    );

    expect(result).toEqual({ before: 'active', after: 'suspended' });
    expect(await statusOf(tenantId)).toBe('suspended');
    expect(await audit.list(tenantId, { limit: 10 })).toEqual([{ ...record, verified: true }]);
    expect(record).toMatchObject({ previousState: { status: 'active' }, newState: { status: 'suspended' } });
  });

  it('undoes the change when PostgreSQL refuses the audit insert (no INSERT privilege)', async () => {
    const tenantId = await createTenant();

    const attempt = restrictedAudit.withAudit(
      tenantId,
      ({ before, after }) => entry(tenantId, { status: before }, { status: after }),
      (tx: PoolClient) => suspend(tx, tenantId),
    );

    await expect(attempt).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/records/) });
    expect(await statusOf(tenantId)).toBe('active');
    expect(await audit.list(tenantId, { limit: 10 })).toEqual([]);
  });

  it('undoes the change when the record cannot be stored (a NUL character jsonb refuses)', async () => {
    const tenantId = await createTenant();

    const attempt = audit.withAudit(
      tenantId,
      ({ before }) => entry(tenantId, { status: before }, { status: 'suspended', note: 'nul\u0000byte' }),
      (tx: PoolClient) => suspend(tx, tenantId),
    );

    await expect(attempt).rejects.toMatchObject({ code: '22P05' });
    expect(await statusOf(tenantId)).toBe('active');
    expect(await audit.list(tenantId, { limit: 10 })).toEqual([]);
  });

  it('undoes the change when the record cannot be built', async () => {
    const tenantId = await createTenant();

    const attempt = audit.withAudit(
      tenantId,
      () => ({ ...entry(tenantId, null, null), action: 'not dotted' }),
      (tx: PoolClient) => suspend(tx, tenantId),
    );

    await expect(attempt).rejects.toThrow(TypeError);
    expect(await statusOf(tenantId)).toBe('active');
  });

  it('writes no record when the change fails', async () => {
    const tenantId = await createTenant();
    const buildRecord = jest.fn(() => entry(tenantId, null, null));

    const attempt = audit.withAudit(tenantId, buildRecord, async (tx: PoolClient) => {
      await suspend(tx, tenantId);
      throw new Error('provisioning failed');
    });

    await expect(attempt).rejects.toThrow('provisioning failed');
    expect(buildRecord).not.toHaveBeenCalled();
    expect(await statusOf(tenantId)).toBe('active');
    expect(await audit.list(tenantId, { limit: 10 })).toEqual([]);
    expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 0 });
  });

  it('chains the records of concurrent audited changes of one tenant', async () => {
    const tenantId = await createTenant();

    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        audit.withAudit(
          tenantId,
          (status) => entry(tenantId, null, { status }),
          async (tx: PoolClient) => {
            await tx.query(`update ${tenants} set status = $2 where id = $1`, [tenantId, `s${index}`]);
            return `s${index}`;
          },
        ),
      ),
    );

    expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 6 });
    const last = (await audit.list(tenantId, { afterSequence: 5, limit: 1 }))[0];
    expect(last?.newState).toEqual({ status: await statusOf(tenantId) });
  });
});
