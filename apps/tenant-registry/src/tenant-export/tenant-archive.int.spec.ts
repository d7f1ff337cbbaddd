import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { TenantIsolation } from '@platform/contracts';
import type { NewEvent, StreamAppend } from '@platform/event-store';
import {
  OrderViewReader,
  ProductViewStore,
  SeenPositions,
  TenantDataSources,
  createReadModelDataSource,
  deprovisionTenantStorage,
  provisionTenantStorage,
} from '@platform/read-models';
import { testInfra } from '@platform/testing';
import { createTenant, registryFixture, testCaller, type RegistryFixture } from '../testing/registry-fixture';
import { ArchiveRefusedError, readArchive } from './archive-reader';
import { archiveFileLines } from './archive-file';
import { exportTenant } from './export-tenant';
import { importTenant, type ImportTenantDeps } from './import-tenant';
import { ReadModelsRebuild } from './read-models-rebuild';

// Export and import against the real PostgreSQL: the registry's stores in throwaway schemas, the
// tenants' read-model storage real (schema mode), read models fed from the store.

// the tenants' read-model storage, as its owner (the projection service) provisions it
const storage = {
  provision: (tenantId: string, isolation: TenantIsolation) =>
    provisionTenantStorage(testInfra.databaseUrl, tenantId, isolation),
  deprovision: (tenantId: string, isolation: TenantIsolation) =>
    deprovisionTenantStorage(testInfra.databaseUrl, tenantId, isolation),
};
const ISOLATION: TenantIsolation = 'schema';

describe('tenant export and import', () => {
  let fx: RegistryFixture;
  let rebuild: ReadModelsRebuild;
  let reader: OrderViewReader;
  let products: ProductViewStore;
  let sources: TenantDataSources;
  let directory: string;
  const provisioned: string[] = [];

  const deps = (): ImportTenantDeps => ({
    db: fx.db,
    commands: fx.commands,
    readModels: rebuild,
    newId: randomUUID,
    now: () => new Date(),
    untilActive: async (tenantId) => {
      await provision(tenantId);
      const tenant = await fx.db.tenants.find(tenantId);
      if (!tenant) throw new Error('not created');
      return tenant;
    },
  });

  const provision = async (tenantId: string): Promise<void> => {
    await storage.provision(tenantId, ISOLATION);
    provisioned.push(tenantId);
  };

  beforeAll(async () => {
    fx = await registryFixture();
    rebuild = new ReadModelsRebuild(testInfra.databaseUrl);
    reader = new OrderViewReader(testInfra.databaseUrl, () => ISOLATION, { poolSize: 2 });
    const main = createReadModelDataSource(testInfra.databaseUrl, 2);
    await main.initialize();
    sources = new TenantDataSources(main, testInfra.databaseUrl);
    products = new ProductViewStore(sources, () => ISOLATION, new SeenPositions(main));
    directory = await mkdtemp(path.join(tmpdir(), 'tenant-archive-it-'));
  });

  afterAll(async () => {
    for (const tenantId of provisioned) await storage.deprovision(tenantId, ISOLATION);
    await rebuild.close();
    await reader.close();
    await sources.close();
    await fx.close();
    await rm(directory, { recursive: true, force: true });
  });

  const exportToFile = async (tenantId: string, name: string): Promise<string> => {
    const tenant = await fx.db.tenants.find(tenantId);
    if (!tenant) throw new Error('no tenant');
    const file = path.join(directory, name);
    await pipeline(await exportTenant(fx.db, tenant, testCaller(), new Date()), createWriteStream(file));
    return file;
  };

  /** Everything the data plane reads of a tenant: each order, the list, each history, the product. */
  const reads = async (tenantId: string, orderIds: readonly string[]): Promise<unknown> => ({
    orders: await Promise.all(
      orderIds.map(async (id) => withoutPosition(await reader.findOrder(tenantId, id))),
    ),
    list: (await reader.listOrders(tenantId, { limit: 100 })).items.map(withoutPosition),
    histories: await Promise.all(
      orderIds.map(async (id) =>
        (await fx.db.store.readStream(tenantId, `order-${id}`)).map((e) => ({
          type: e.type,
          version: e.streamVersion,
          time: e.metadata.occurredAt,
          actor: e.metadata.actor,
          data: e.data,
        })),
      ),
    ),
    product: withoutPosition(await products.findProduct(tenantId, 'SKU-1')),
  });

  it('round trip: export, delete, import into a new tenant; every read answers as before', async () => {
    const { tenantId: source } = await createTenant(fx.commands, { isolation: ISOLATION });
    const orderIds = await seedOrders(fx, source, 5);
    await provision(source);
    await rebuild.rebuildTenant(source, ISOLATION, fx.db.store.exportTenant(source));
    const before = await reads(source, orderIds);
    expect((before as { orders: unknown[] }).orders.every((order) => order !== undefined)).toBe(true);

    const file = await exportToFile(source, 'round-trip.ndjson.gz');
    // the tenant's data goes (what the controller's purge does to events and read models)
    await fx.db.store.purgeTenant(source);
    await storage.deprovision(source, ISOLATION);
    provisioned.splice(provisioned.indexOf(source), 1);

    const slug = `imported-${randomUUID().slice(0, 8)}`;
    const result = await importTenant(deps(), { file, slug }, testCaller(), (t) => t.region);
    if (!result.ok) throw new Error(JSON.stringify(result.refusal));
    const target = result.imported.tenant.id;
    expect(target).not.toBe(source);
    expect(result.imported).toMatchObject({ sourceTenantId: source, events: 5 * 3 + 1, readModelEvents: 16 });
    expect(await reads(target, orderIds)).toEqual(before);

    // audited: the new chain names the source chain's head; the events say where they come from
    const chain = await fx.db.audit.list(target, { limit: 10 });
    const imported = chain.find((record) => record.action === 'tenant.import');
    expect(imported?.newState).toMatchObject({
      sourceTenantId: source,
      sourceAuditHead: result.imported.sourceAuditChain.headHash,
    });
    expect(await fx.db.audit.verify(target)).toMatchObject({ valid: true });
    const [first] = await fx.db.store.readStream(target, `order-${orderIds[0]}`);
    expect((first?.metadata as { importedFrom?: string }).importedFrom).toMatch(new RegExp(`^${source}/`));
  });

  it('never puts another tenant, a key secret hash or a webhook secret in the archive', async () => {
    const { tenantId: mine } = await createTenant(fx.commands, { isolation: ISOLATION });
    const { tenantId: other } = await createTenant(fx.commands, { isolation: ISOLATION });
    await seedOrders(fx, mine, 2);
    const otherOrders = await seedOrders(fx, other, 2);
    const secretHash = createHash('sha256').update(randomUUID()).digest('hex');
    await fx.db.apiKeys.insert(fx.db.pool, {
      keyId: randomUUID().replace(/-/g, '').slice(0, 16),
      tenantId: mine,
      name: 'ci',
      roles: ['member'],
      secretHash,
      createdAt: new Date().toISOString(),
    });
    const hook = await fx.db.subscriptions.create(mine, {
      url: 'https://hooks.example.com/in',
      events: ['*'],
    });

    const file = await exportToFile(mine, 'isolation.ndjson.gz');
    const text = gunzipSync(await readFile(file)).toString('utf8');
    const verified = await readArchive(archiveFileLines(file));
    expect(verified.manifest.sections).toMatchObject({
      event: { count: 2 * 3 + 1 },
      'api-key': { count: 1 },
      webhook: { count: 1 },
    });
    expect(text).not.toContain(other);
    for (const id of otherOrders) expect(text).not.toContain(id);
    expect(text).not.toContain(secretHash);
    expect(text).not.toContain(hook.secret);
    expect(text).toContain('hooks.example.com');
  });

  describe('a tampered archive is refused before anything is written', () => {
    let file: string;
    let lines: string[];
    beforeAll(async () => {
      const { tenantId } = await createTenant(fx.commands, { isolation: ISOLATION });
      await seedOrders(fx, tenantId, 2);
      file = await exportToFile(tenantId, 'original.ndjson.gz');
      lines = gunzipSync(await readFile(file))
        .toString('utf8')
        .split('\n');
    });

    const refusedAs = async (edited: string[], pattern: RegExp): Promise<void> => {
      const tampered = path.join(directory, `tampered-${randomUUID()}.ndjson.gz`);
      await writeFile(tampered, gzipSync(edited.join('\n')));
      const slug = `tampered-${randomUUID().slice(0, 8)}`;
      const attempt = importTenant(deps(), { file: tampered, slug }, testCaller(), (t) => t.region);
      await expect(attempt).rejects.toThrow(ArchiveRefusedError);
      await expect(
        importTenant(deps(), { file: tampered, slug }, testCaller(), (t) => t.region),
      ).rejects.toThrow(pattern);
      expect(await fx.db.tenants.find(slug)).toBeUndefined();
    };

    it('an edited event: its section checksum no longer matches', async () => {
      const index = lines.findIndex((line) => line.includes('"OrderItemAdded"'));
      const edited = [...lines];
      edited[index] = (edited[index] ?? '').replace('"quantity":2', '"quantity":200');
      expect(edited[index]).not.toBe(lines[index]);
      await refusedAs(edited, /\/manifest\/event: checksum mismatch/);
    });

    it('an edited audit record with its checksum recomputed: the chain breaks', async () => {
      const index = lines.findIndex((line) => line.includes('"kind":"audit"'));
      const edited = [...lines];
      edited[index] = (edited[index] ?? '').replace('"actor":"it-admin"', '"actor":"someone-else"');
      expect(edited[index]).not.toBe(lines[index]);
      const audit = edited.filter((line) => line.includes('"kind":"audit"'));
      const sha = createHash('sha256')
        .update(audit.map((line) => `${line}\n`).join(''))
        .digest('hex');
      const last = edited.findIndex((line) => line.includes('"kind":"manifest"'));
      const manifest = JSON.parse(edited[last] ?? '{}') as { sections: { audit: { sha256: string } } };
      manifest.sections.audit.sha256 = sha;
      edited[last] = JSON.stringify(manifest);
      await refusedAs(edited, /the audit chain breaks: hash-mismatch/);
    });

    it('an archive cut short: no manifest', async () => {
      await refusedAs(lines.slice(0, -3), /\/manifest: missing/);
    });
  });

  it('exports 50,000 events as the reader asks: a reader that stops stops the reads (backpressure)', async () => {
    const { tenantId } = await createTenant(fx.commands, { isolation: ISOLATION });
    await seedBulk(fx, tenantId, 50_000);
    const tenant = await fx.db.tenants.find(tenantId);
    if (!tenant) throw new Error('no tenant');
    let produced = 0;
    const archive = await exportTenant(fx.db, tenant, testCaller(), new Date(), ({ events }) => {
      produced = events;
    });
    // read 64 KiB of the gzip stream, then stop reading
    let received = 0;
    while (received < 65_536) {
      const chunk = archive.read() as Buffer | null;
      if (chunk === null) await new Promise((resolve) => archive.once('readable', resolve));
      else received += chunk.length;
    }
    // the reads settle: nothing more is asked of the store while nobody reads
    let last = -1;
    await until(async () => {
      const settled = produced === last;
      last = produced;
      return settled;
    });
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(10_000);

    // the rest, to a file: every event, and the manifest
    const file = path.join(directory, 'bulk.ndjson.gz');
    const output = createWriteStream(file);
    await pipeline(archive, output);
    expect(produced).toBe(50_000);
  }, 120_000);
});

/** A read model row without its store-local position (an import gives events new positions). */
function withoutPosition<T>(row: T): T {
  if (row === undefined || row === null) return row;
  const { lastPosition: _position, ...rest } = row as T & { lastPosition?: unknown };
  return rest as T;
}

/** Polls `probe` every 200 ms until it holds, for 10 s at most. */
async function until(probe: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (await probe()) return;
  }
  throw new Error('the probe never held');
}

/** Orders with two lines each, and a product: 3 events per order + 1, written as the command service would. */
async function seedOrders(fx: RegistryFixture, tenantId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const start = Date.parse('2026-11-01T10:00:00Z');
  await fx.db.store.appendToStream(
    tenantId,
    'product-SKU-1',
    [event(tenantId, 'ProductCreated', { sku: 'SKU-1', name: 'Widget', stock: 50 }, start)],
    { expectedVersion: 'no-stream' },
  );
  for (let index = 0; index < count; index += 1) {
    const orderId = randomUUID();
    ids.push(orderId);
    const at = start + index * 60_000;
    await fx.db.store.appendToStream(
      tenantId,
      `order-${orderId}`,
      [
        event(tenantId, 'OrderCreated', { orderId, customerId: `cust-${index % 2}` }, at),
        event(
          tenantId,
          'OrderItemAdded',
          { orderId, sku: 'SKU-1', quantity: 2, unitPrice: { amount: '9.99', currency: 'EUR' } },
          at + 1,
        ),
        event(
          tenantId,
          'OrderItemAdded',
          { orderId, sku: 'SKU-2', quantity: 1, unitPrice: { amount: '1.50', currency: 'EUR' } },
          at + 2,
        ),
      ],
      { expectedVersion: 'no-stream' },
    );
  }
  return ids;
}

/** `total` events straight into the store: streams of 50 OrderCreated/OrderItemAdded, 500 per round trip. */
export async function seedBulk(fx: RegistryFixture, tenantId: string, total: number): Promise<void> {
  const perStream = 50;
  const client = await fx.db.pool.connect();
  try {
    for (let done = 0; done < total;) {
      await client.query('begin');
      const appends: StreamAppend[] = [];
      for (let s = 0; s < 10 && done < total; s += 1) {
        const orderId = randomUUID();
        const events: NewEvent[] = [];
        for (let v = 0; v < perStream && done < total; v += 1, done += 1) {
          events.push(
            v === 0
              ? event(tenantId, 'OrderCreated', { orderId, customerId: 'bulk' }, Date.now())
              : event(
                  tenantId,
                  'OrderItemAdded',
                  { orderId, sku: `SKU-${v}`, quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
                  Date.now(),
                ),
          );
        }
        appends.push({ tenantId, streamName: `order-${orderId}`, events, expectedVersion: 'no-stream' });
      }
      await fx.db.store.appendManyWithin(client, appends);
      await client.query('commit');
    }
  } finally {
    client.release();
  }
}

function event(tenantId: string, type: string, data: unknown, at: number): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'user-1',
      occurredAt: new Date(at).toISOString(),
    },
  };
}
