import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testInfra, uniqueSuffix } from '@platform/testing';
import type { IdempotentRequest } from '../idempotency-store';
import { idempotencyStoreContract } from '../testing/idempotency-store.contract';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';

// Two stores on two pools stand for two gateway instances; each run in a throwaway schema.

describe('PostgresIdempotencyStore on PostgreSQL', () => {
  const schema = `idempotency_test_${uniqueSuffix()}`;
  const pools = [1, 2].map(() => new Pool({ connectionString: testInfra.databaseUrl, max: 6 }));
  const [firstPool, secondPool] = pools as [Pool, Pool];

  afterAll(async () => {
    await firstPool.query(`drop schema if exists "${schema}" cascade`);
    await Promise.all(pools.map((pool) => pool.end()));
  });

  idempotencyStoreContract(async (clock) => {
    const first = new PostgresIdempotencyStore(firstPool, { schema, ...clock });
    const second = new PostgresIdempotencyStore(secondPool, { schema, ...clock });
    // Both migrate at once, as two gateways starting together do.
    await Promise.all([first.migrate(), second.migrate()]);
    return { first, second };
  });

  describe('at rest', () => {
    const store = new PostgresIdempotencyStore(firstPool, { schema });
    const request: IdempotentRequest = {
      scope: { kind: 'tenant', tenantId: randomUUID() },
      method: 'POST',
      path: '/v1/tenants/t-1/api-keys',
      key: 'create-ci-key',
      fingerprint: 'f',
    };
    const secretAnswer = {
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: '{"key":"tf_live_very-secret-key-shown-once"}',
    };

    beforeAll(() => store.migrate());

    it('stores neither the key nor the answer in clear, and still replays it', async () => {
      const outcome = await store.claim(request);
      if (outcome.kind !== 'claimed') throw new Error(outcome.kind);
      await store.complete(outcome.claim, secretAnswer);

      const { rows } = await firstPool.query<{ row: string }>(
        `select r::text as row from "${schema}".records r where tenant_id = $1`,
        [request.scope.kind === 'tenant' ? request.scope.tenantId : ''],
      );
      expect(rows).toHaveLength(1);
      const stored = rows[0]?.row ?? '';
      expect(stored).not.toContain('create-ci-key');
      expect(stored).not.toContain(Buffer.from('very-secret').toString('hex'));
      expect(stored).not.toContain('very-secret');

      expect(await store.claim(request)).toEqual({ kind: 'replay', response: secretAnswer });
      // Another key cannot open it: it does not even find it.
      expect((await store.claim({ ...request, key: 'guess' })).kind).toBe('claimed');
    });

    it('refuses a tenant scope that is not a UUID before touching the database', async () => {
      await expect(store.claim({ ...request, scope: { kind: 'tenant', tenantId: 'acme' } })).rejects.toThrow(
        TypeError,
      );
      await expect(store.purgeTenant("x'; drop")).rejects.toThrow(TypeError);
    });
  });
});
