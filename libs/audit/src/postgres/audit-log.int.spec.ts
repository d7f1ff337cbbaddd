import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { GENESIS_HASH } from '../audit-record';
import { auditHash } from '../hashing';
import { newRecord } from '../testing/chain-fixtures';
import { TEST_DATABASE_URL, dropSchema, randomTestSchema } from '../testing/postgres-test-schema';
import { verifyChain } from '../verify';
import { AuditLog } from './audit-log';

describe('AuditLog on PostgreSQL: append, list, verify', () => {
  const schema = randomTestSchema();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 10 });
  const audit = new AuditLog(pool, { schema, clock: () => new Date('2026-02-01T00:00:00.000Z') });

  beforeAll(async () => {
    await audit.migrate();
  });

  afterAll(async () => {
    await pool.end();
    await dropSchema(schema);
  });

  it('migrates again, also concurrently, without losing records', async () => {
    const tenantId = randomUUID();
    await audit.append(newRecord(tenantId, 1));
    const other = await AuditLog.create({ connectionString: TEST_DATABASE_URL, schema, poolSize: 2 });

    await expect(Promise.all([audit.migrate(), other.migrate()])).resolves.toEqual([undefined, undefined]);

    await other.close();
    expect(await audit.list(tenantId, { limit: 10 })).toHaveLength(1);
  });

  it('appends, lists oldest first with a verification field, and verifies', async () => {
    const tenantId = randomUUID();
    const first = await audit.append(newRecord(tenantId, 1, { previousState: null }));
    const second = await audit.append(newRecord(tenantId, 2, { newState: null }));
    const third = await audit.append(newRecord(tenantId, 3, { newState: ['x', { deep: [1.5, true] }] }));

    expect(first).toMatchObject({ sequence: 1, previousHash: GENESIS_HASH });
    expect(second).toMatchObject({ sequence: 2, previousHash: first.hash });
    expect(third.hash).toBe(auditHash(third));
    const listed = await audit.list(tenantId, { limit: 10 });
    expect(listed).toEqual([first, second, third].map((record) => ({ ...record, verified: true })));
    expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 3 });
  });

  it('reads back exactly what it hashed: upper-case tenant ids, offsets, key order, the clock', async () => {
    const tenantId = randomUUID();
    const appended = await audit.append(
      newRecord(tenantId.toUpperCase(), 1, {
        occurredAt: '2026-03-01T10:00:00.123456+02:00',
        newState: { z: 1, a: { y: 'é\u2028', b: [null, 1e21, -0.5] } },
      }),
    );
    await audit.append(newRecord(tenantId, 2, { occurredAt: undefined }));

    const [first, second] = await audit.list(tenantId, { limit: 10 });
    expect(first).toEqual({ ...appended, tenantId, verified: true });
    expect(first?.occurredAt).toBe('2026-03-01T08:00:00.123Z');
    expect(second).toMatchObject({ occurredAt: '2026-02-01T00:00:00.000Z', verified: true });
  });

  it('pages with afterSequence and still verifies the first record of each page', async () => {
    const tenantId = randomUUID();
    for (let n = 1; n <= 7; n += 1) await audit.append(newRecord(tenantId, n));

    const pages = [
      await audit.list(tenantId, { limit: 3 }),
      await audit.list(tenantId, { afterSequence: 3, limit: 3 }),
      await audit.list(tenantId, { afterSequence: 6, limit: 3 }),
      await audit.list(tenantId, { afterSequence: 7, limit: 3 }),
    ];

    expect(pages.map((page) => page.map((record) => record.sequence))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
      [],
    ]);
    expect(pages.flat().every((record) => record.verified)).toBe(true);
  });

  it('refuses invalid arguments before touching the database', async () => {
    await expect(audit.list('not-a-uuid', { limit: 1 })).rejects.toThrow(TypeError);
    await expect(audit.list(randomUUID(), { limit: 0 })).rejects.toThrow(TypeError);
    await expect(audit.list(randomUUID(), { limit: 1001 })).rejects.toThrow(TypeError);
    await expect(audit.list(randomUUID(), { afterSequence: -1, limit: 1 })).rejects.toThrow(TypeError);
    await expect(audit.append(newRecord(randomUUID(), 1, { action: 'nodots' }))).rejects.toThrow(TypeError);
  });

  it('keeps two tenants on independent chains that never see each other', async () => {
    const [tenantA, tenantB] = [randomUUID(), randomUUID()];
    await audit.append(newRecord(tenantA, 1));
    await audit.append(newRecord(tenantB, 1, { actor: 'user:bob' }));
    await audit.append(newRecord(tenantA, 2));

    const [listedA, listedB] = [
      await audit.list(tenantA, { limit: 10 }),
      await audit.list(tenantB, { limit: 10 }),
    ];

    expect(listedA.map((record) => [record.tenantId, record.sequence])).toEqual([
      [tenantA, 1],
      [tenantA, 2],
    ]);
    expect(listedB.map((record) => [record.tenantId, record.sequence, record.actor])).toEqual([
      [tenantB, 1, 'user:bob'],
    ]);
    expect(listedB[0]?.previousHash).toBe(GENESIS_HASH);
    expect(await audit.verify(tenantA)).toEqual({ valid: true, checked: 2 });
    expect(await audit.verify(tenantB)).toEqual({ valid: true, checked: 1 });
    expect(await audit.list(randomUUID(), { limit: 10 })).toEqual([]);
    expect(await audit.verify(randomUUID())).toEqual({ valid: true, checked: 0 });
  });

  it('keeps two chains gap-free and valid under 20 concurrent, interleaved appends', async () => {
    const tenantId = randomUUID();
    const other = randomUUID();

    const appended = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        audit.append(newRecord(index % 5 === 0 ? other : tenantId, index + 1)),
      ),
    );

    expect(appended.filter((record) => record.tenantId === tenantId)).toHaveLength(16);
    const listed = await audit.list(tenantId, { limit: 100 });
    expect(listed.map((record) => record.sequence)).toEqual(
      Array.from({ length: 16 }, (_, index) => index + 1),
    );
    expect(listed.every((record) => record.verified)).toBe(true);
    expect(verifyChain(tenantId, listed)).toEqual({ valid: true, checked: 16 });
    expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 16 });
    expect(await audit.verify(other)).toEqual({ valid: true, checked: 4 });
  });

  it('gives exactly 20 concurrent appends of one tenant the sequences 1..20', async () => {
    const tenantId = randomUUID();

    await Promise.all(Array.from({ length: 20 }, (_, index) => audit.append(newRecord(tenantId, index + 1))));

    const listed = await audit.list(tenantId, { limit: 100 });
    expect(listed.map((record) => record.sequence)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 20 });
  });

  it('appends inside the caller transaction and keeps the record only if it commits', async () => {
    const tenantId = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await audit.append(newRecord(tenantId, 1), client);
      await client.query('rollback');
      await client.query('begin');
      const kept = await audit.append(newRecord(tenantId, 2), client);
      await client.query('commit');

      expect(kept.sequence).toBe(1);
      expect(await audit.list(tenantId, { limit: 10 })).toEqual([{ ...kept, verified: true }]);
    } finally {
      client.release();
    }
  });

  it('verifies a chain longer than one read batch', async () => {
    const tenantId = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('begin');
      for (let n = 1; n <= 1005; n += 1) await audit.append(newRecord(tenantId, n), client);
      await client.query('commit');
    } finally {
      client.release();
    }

    expect(await audit.verify(tenantId)).toEqual({ valid: true, checked: 1005 });
  });
});
