import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PLATFORM_TENANT_ID } from '../audit-record';
import { newRecord } from '../testing/chain-fixtures';
import { TEST_DATABASE_URL, asOwner, dropSchema, randomTestSchema } from '../testing/postgres-test-schema';
import { AuditLog } from './audit-log';

describe('AuditLog on PostgreSQL: append-only and tamper-evident', () => {
  const schema = randomTestSchema();
  const table = `"${schema}".records`;
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  const audit = new AuditLog(pool, { schema });

  async function tenantWithChain(length: number): Promise<string> {
    const tenantId = randomUUID();
    for (let n = 1; n <= length; n += 1) await audit.append(newRecord(tenantId, n));
    return tenantId;
  }

  /** Runs `sql` with the named trigger disabled, as an owner with direct access could. */
  const tamper = (trigger: string, sql: string, values: unknown[]): Promise<void> =>
    asOwner(async (client) => {
      await client.query(`alter table ${table} disable trigger ${trigger}`);
      await client.query(sql, values);
      await client.query(`alter table ${table} enable trigger ${trigger}`);
    });

  beforeAll(async () => {
    await audit.migrate();
  });

  afterAll(async () => {
    await pool.end();
    await dropSchema(schema);
  });

  describe('the table refuses', () => {
    it('UPDATE, even of no row', async () => {
      const tenantId = await tenantWithChain(2);

      await expect(
        pool.query(`update ${table} set actor = 'user:mallory' where tenant_id = $1`, [tenantId]),
      ).rejects.toMatchObject({
        code: '23001',
        message: expect.stringMatching(/append-only: UPDATE refused/),
      });
      await expect(
        pool.query(`update ${table} set actor = 'x' where tenant_id = $1`, [randomUUID()]),
      ).rejects.toMatchObject({ code: '23001' });
      expect((await audit.list(tenantId, { limit: 10 })).map((record) => record.actor)).toEqual([
        'user:alice',
        'user:alice',
      ]);
    });

    it('DELETE and TRUNCATE', async () => {
      const tenantId = await tenantWithChain(2);

      await expect(
        pool.query(`delete from ${table} where tenant_id = $1 and sequence = 2`, [tenantId]),
      ).rejects.toMatchObject({ code: '23001', message: expect.stringMatching(/DELETE refused/) });
      await expect(pool.query(`truncate ${table}`)).rejects.toMatchObject({ code: '23001' });
      expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 2 });
    });

    it('DELETE under the marker of an earlier purge of the same tenant', async () => {
      const tenantId = await tenantWithChain(1);
      const context = { actor: 'user:op', requestId: 'r', correlationId: 'c' };
      const { sequence } = await audit.purgeTenant(tenantId, context);
      await audit.append(newRecord(tenantId, 1));

      const replay = asOwner(async (client) => {
        await client.query("select set_config('audit.purge_record', $1, true)", [String(sequence)]);
        await client.query(`delete from ${table} where tenant_id = $1`, [tenantId]);
      });

      await expect(replay).rejects.toMatchObject({ code: '23001' });
      expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 1 });
    });

    it('DELETE of another tenant than the one the purge recorded in the same transaction names', async () => {
      const [recorded, victim] = [await tenantWithChain(1), await tenantWithChain(1)];
      const client = await pool.connect();
      try {
        await client.query('begin');
        const purge = await audit.append(
          { ...newRecord(PLATFORM_TENANT_ID, 1), action: 'audit.purge', target: `tenant/${recorded}` },
          client,
        );
        await client.query("select set_config('audit.purge_record', $1, true)", [String(purge.sequence)]);

        await expect(
          client.query(`delete from ${table} where tenant_id = $1`, [victim]),
        ).rejects.toMatchObject({ code: '23001' });
      } finally {
        await client.query('rollback');
        client.release();
      }
      expect(await audit.verify(victim)).toEqual({ valid: true, checked: 1 });
    });

    it('an insert that does not extend the chain (a fork, a gap, a wrong link)', async () => {
      const tenantId = await tenantWithChain(2);
      const [, second] = await audit.list(tenantId, { limit: 2 });
      const insert = (sequence: number, previousHash: string): Promise<unknown> =>
        pool.query(
          `insert into ${table} (tenant_id, sequence, actor, action, target, request_id, correlation_id,
                                 occurred_at, previous_hash, hash)
           values ($1, $2, 'a', 'x.y', 't', 'r', 'c', now(), $3, $4)`,
          [tenantId, sequence, previousHash, 'e'.repeat(64)],
        );

      await expect(insert(2, 'f'.repeat(64))).rejects.toMatchObject({ code: '40001' });
      await expect(insert(4, second?.hash ?? '')).rejects.toMatchObject({ code: '40001' });
      await expect(insert(3, 'f'.repeat(64))).rejects.toMatchObject({ code: '40001' });
    });
  });

  describe('verify detects tampering done directly in SQL with the triggers disabled', () => {
    it('an edited field', async () => {
      const tenantId = await tenantWithChain(4);

      await tamper(
        'records_refuse_update',
        `update ${table} set new_state = '{"plan":"enterprise"}' where tenant_id = $1 and sequence = 2`,
        [tenantId],
      );

      expect(await audit.verify(tenantId)).toMatchObject({
        valid: false,
        checked: 2,
        firstInvalidSequence: 2,
        reason: 'hash-mismatch',
      });
      const listed = await audit.list(tenantId, { limit: 10 });
      expect(listed.map((record) => record.verified)).toEqual([true, false, true, true]);
    });

    it('a deleted record', async () => {
      const tenantId = await tenantWithChain(4);

      await tamper('records_guard_delete', `delete from ${table} where tenant_id = $1 and sequence = 3`, [
        tenantId,
      ]);

      expect(await audit.verify(tenantId)).toMatchObject({
        valid: false,
        firstInvalidSequence: 4,
        reason: 'sequence-mismatch',
      });
      expect(
        (await audit.list(tenantId, { afterSequence: 3, limit: 10 })).map((record) => record.verified),
      ).toEqual([false]);
    });

    it('a time moved back', async () => {
      const tenantId = await tenantWithChain(3);

      await tamper(
        'records_refuse_update',
        `update ${table} set occurred_at = occurred_at - interval '1 hour' where tenant_id = $1 and sequence = 3`,
        [tenantId],
      );

      expect(await audit.verify(tenantId)).toMatchObject({ valid: false, firstInvalidSequence: 3 });
    });
  });

  describe('purgeTenant', () => {
    it("deletes the tenant's chain, and only it, recording what it purged in the platform chain", async () => {
      const tenantId = await tenantWithChain(3);
      const bystander = await tenantWithChain(2);
      const [, , last] = await audit.list(tenantId, { limit: 3 });

      const record = await audit.purgeTenant(tenantId, {
        actor: 'service:tenant-controller',
        requestId: 'req-purge',
        correlationId: 'corr-purge',
        purged: { events: 12, readModelSchema: 'tenant_acme' },
      });

      expect(record).toMatchObject({
        tenantId: PLATFORM_TENANT_ID,
        action: 'audit.purge',
        target: `tenant/${tenantId}`,
        previousState: {
          auditChain: { records: 3, lastSequence: 3, lastHash: last?.hash },
          purged: { events: 12, readModelSchema: 'tenant_acme' },
        },
        newState: null,
      });
      expect(await audit.list(tenantId, { limit: 10 })).toEqual([]);
      expect(await audit.verify(bystander)).toEqual({ valid: true, checked: 2 });
      const platform = await audit.list(PLATFORM_TENANT_ID, { afterSequence: record.sequence - 1, limit: 1 });
      expect(platform).toEqual([{ ...record, verified: true }]);
      expect(await audit.verify(PLATFORM_TENANT_ID)).toMatchObject({ valid: true });
    });

    it('refuses the platform chain itself and a tenant id that is no UUID', async () => {
      const context = { actor: 'user:op', requestId: 'r', correlationId: 'c' };

      await expect(audit.purgeTenant(PLATFORM_TENANT_ID, context)).rejects.toThrow(TypeError);
      await expect(audit.purgeTenant('acme', context)).rejects.toThrow(TypeError);
    });
  });
});
