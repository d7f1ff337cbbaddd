import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { TenantIsolation } from '@platform/contracts';
import { STORAGE_BYTES_METRIC } from '@platform/quotas';
import { createTenant, registryFixture, testCaller, type RegistryFixture } from '../testing/registry-fixture';
import { eventually } from '@platform/testing';
import { StorageMeter } from './storage-meter';

// The storage meter on a real PostgreSQL: it measures live tenants (their events in the store, their
// read models through `readModelBytes`, here a stand-in the test sets), records the gauge the
// command service checks, and shows the verdict in the tenant's conditions.

const MIB = 1024 * 1024;

describe('storage meter on PostgreSQL', () => {
  let fixture: RegistryFixture;
  const readModels = new Map<string, number>();
  let meter: StorageMeter;

  beforeAll(async () => {
    fixture = await registryFixture();
    meter = new StorageMeter(
      {
        db: fixture.db,
        readModels: {
          bytes: async (tenantId: string, _isolation: TenantIsolation) => readModels.get(tenantId) ?? 0,
          close: async () => undefined,
        },
        logger: pino({ level: 'silent' }),
        now: () => new Date(),
      },
      60_000,
    );
  });
  afterAll(() => fixture.close());

  async function activeTenant(plan: 'free' | 'standard'): Promise<string> {
    const created = await createTenant(fixture.commands, { plan, isolation: 'shared' });
    await fixture.commands.execute(
      { type: 'ActivateTenant', data: { tenantId: created.tenantId } },
      testCaller(),
    );
    return created.tenantId;
  }

  const storageCondition = async (tenantId: string) =>
    (await fixture.db.tenants.find(tenantId))?.conditions.find((c) => c.type === 'StorageWithinQuota');
  const check = (tenantId: string, limitMb: number) =>
    fixture.db.usage.checkGauge(undefined, { tenantId, metric: STORAGE_BYTES_METRIC, limit: limitMb * MIB });

  it("records each live tenant's events plus read models, and flags one past its plan's quota", async () => {
    const [small, big] = [await activeTenant('free'), await activeTenant('free')];
    const eventBytes = await fixture.db.store.tenantStorageBytes(small);
    readModels.set(small, 4_096);
    readModels.set(big, 150 * MIB); // the free plan allows 100 MB

    await meter.measureAll();

    expect(await check(small, 100)).toEqual({ ok: true, value: eventBytes + 4_096, limit: 100 * MIB });
    expect(await check(big, 100)).toMatchObject({ ok: false, value: 150 * MIB });
    expect(await storageCondition(small)).toMatchObject({ status: 'True', reason: 'WithinQuota' });
    expect(await storageCondition(big)).toMatchObject({
      status: 'False',
      reason: 'QuotaExceeded',
      message: '150.0 MB of 100 MB (free plan)',
    });

    // back under the quota: the condition turns, and the gauge follows
    readModels.set(big, 1_024);
    await meter.measureAll();
    expect(await storageCondition(big)).toMatchObject({ status: 'True', reason: 'WithinQuota' });
    expect(await check(big, 100)).toMatchObject({ ok: true });
  });

  it('measures neither drafts nor archived tenants', async () => {
    const draft = await createTenant(fixture.commands, { plan: 'free', isolation: 'shared' });
    const archived = await activeTenant('standard');
    await fixture.commands.execute({ type: 'ArchiveTenant', data: { tenantId: archived } }, testCaller());
    readModels.set(draft.tenantId, 500 * MIB);
    readModels.set(archived, 500 * MIB);

    await meter.measureAll();

    expect(await check(draft.tenantId, 1)).toMatchObject({ ok: true, value: 0 });
    expect(await check(archived, 1)).toMatchObject({ ok: true, value: 0 });
    expect(await check(randomUUID(), 1)).toMatchObject({ ok: true, value: 0 });
  });
});

describe('storage meter pacing', () => {
  it("spreads a pass's measures over the interval instead of running them back to back", async () => {
    const fixture = await registryFixture();
    const intervalMs = 1_500;
    const tenants = 3;
    const measuredAt: number[] = [];
    const meter = new StorageMeter(
      {
        db: fixture.db,
        readModels: {
          bytes: async () => {
            measuredAt.push(performance.now());
            return 0;
          },
          close: async () => undefined,
        },
        logger: pino({ level: 'silent' }),
        now: () => new Date(),
      },
      intervalMs,
    );
    try {
      for (let i = 0; i < tenants; i += 1) {
        const created = await createTenant(fixture.commands, { plan: 'free', isolation: 'shared' });
        await fixture.commands.execute(
          { type: 'ActivateTenant', data: { tenantId: created.tenantId } },
          testCaller(),
        );
      }
      meter.start();
      await eventually(() => expect(measuredAt.length).toBeGreaterThanOrEqual(tenants), {
        timeoutMs: 10_000,
      });
      // one tenant every intervalMs / tenants (500 ms); a slow box only makes the gaps longer
      const gaps = measuredAt.slice(1, tenants).map((at, i) => at - measuredAt[i]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual((intervalMs / tenants) * 0.9);
    } finally {
      await meter.stop();
      await fixture.close();
    }
  });
});

describe('storage meter at shutdown', () => {
  it('stops within its grace even when a measure in flight never ends, and measures nothing after', async () => {
    const fixture = await registryFixture();
    try {
      const created = await createTenant(fixture.commands, { plan: 'free', isolation: 'shared' });
      await fixture.commands.execute(
        { type: 'ActivateTenant', data: { tenantId: created.tenantId } },
        testCaller(),
      );
      let started = 0;
      let stuck: () => void = () => undefined;
      const meter = new StorageMeter(
        {
          db: fixture.db,
          readModels: {
            bytes: () => {
              started += 1;
              return new Promise<number>((resolve) => {
                stuck = () => resolve(0);
              });
            },
            close: async () => undefined,
          },
          logger: pino({ level: 'silent' }),
          now: () => new Date(),
        },
        60_000,
      );
      meter.start();
      await eventually(() => expect(started).toBe(1));

      const began = performance.now();
      await meter.stop(300);

      expect(performance.now() - began).toBeLessThan(2_000);
      stuck();
      await new Promise((resolve) => setImmediate(resolve));
      expect(started).toBe(1);
    } finally {
      await fixture.close();
    }
  });
});
