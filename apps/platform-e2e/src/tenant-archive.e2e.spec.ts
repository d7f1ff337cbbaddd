import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { eventually, uniqueSuffix } from '@platform/testing';
import { api } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

// Export, delete, import through the whole platform and the built `tenantctl` (ADR 0034): every
// read of the imported tenant answers as the original did; a tampered archive is refused.

const exec = promisify(execFile);
const CLI = path.resolve(__dirname, '../../../dist/apps/tenantctl/src/main.js');

describe('tenant export and import with tenantctl', () => {
  let platform: Platform;
  let gw: string;
  let admin: string;
  let directory: string;

  beforeAll(async () => {
    platform = await startPlatform(29_380);
    gw = platform.gateways[0]?.url ?? '';
    admin = platform.sign({ sub: 'ops-e2e', roles: ['platform-admin'] });
    directory = await mkdtemp(path.join(tmpdir(), 'tenant-archive-e2e-'));
  }, 240_000);

  afterAll(async () => {
    await stopCleanly(platform);
    await rm(directory, { recursive: true, force: true });
  }, 60_000);

  async function tenantctl(...args: string[]): Promise<{ code: number; out: unknown }> {
    try {
      const { stdout } = await exec(process.execPath, [CLI, ...args], {
        env: { ...process.env, TENANTFLOW_URL: gw, TENANTFLOW_TOKEN: admin },
      });
      return { code: 0, out: JSON.parse(stdout) };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, out: failed.stderr ?? failed.stdout };
    }
  }

  const active = async (tenantId: string): Promise<void> => {
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/tenants/${tenantId}`, { token: admin })).body.status).toBe('active'),
    );
  };

  /** Every read the data plane answers for these orders and the product. */
  const reads = async (token: string, orders: readonly string[]): Promise<unknown> => ({
    orders: await Promise.all(
      orders.map(async (id) => (await api(gw, 'GET', `/v1/orders/${id}`, { token })).body),
    ),
    list: (await api(gw, 'GET', '/v1/orders?limit=100', { token })).body.items,
    histories: await Promise.all(
      orders.map(async (id) => (await api(gw, 'GET', `/v1/orders/${id}/history`, { token })).body),
    ),
    product: (await api(gw, 'GET', '/v1/products/SKU-1', { token })).body,
  });

  it('round trip: export, archive, delete, import with a new slug; every read answers as before', async () => {
    const slug = `archive-${uniqueSuffix()}`;
    const created = await api(gw, 'POST', '/v1/tenants', {
      token: admin,
      // enterprise: the reads below, repeated until they hold, would pass the free plan's rate
      body: { slug, name: 'Archive Co', plan: 'enterprise' },
    });
    const source = String(created.body.id);
    await active(source);
    const member = platform.sign({ sub: 'm', roles: ['member'], tenants: [source] });
    await eventually(async () =>
      expect(
        (
          await api(gw, 'POST', '/v1/products', {
            token: member,
            body: { sku: 'SKU-1', name: 'Widget', stock: 50 },
          })
        ).status,
      ).toBe(201),
    );
    const orders: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const order = await api(gw, 'POST', '/v1/orders', {
        token: member,
        body: { customerId: `c-${index}` },
      });
      const id = String(order.body.orderId);
      orders.push(id);
      const item = await api(gw, 'POST', `/v1/orders/${id}/items`, {
        token: member,
        body: { sku: 'SKU-1', quantity: index + 1, unitPrice: { amount: '9.99', currency: 'EUR' } },
      });
      expect(item.status).toBe(200);
    }
    const before = await eventually(async () => {
      const seen = (await reads(member, orders)) as {
        list: unknown[];
        orders: { itemCount?: number }[];
        histories: { events?: unknown[] }[];
      };
      expect(seen.list).toHaveLength(3);
      expect(seen.orders.every((order) => order.itemCount === 1)).toBe(true);
      expect(seen.histories.every((history) => history.events?.length === 2)).toBe(true);
      return seen;
    });

    const file = path.join(directory, `${slug}.ndjson.gz`);
    const exported = await tenantctl('export', source, '-o', file);
    expect(exported).toMatchObject({ code: 0, out: { file } });
    expect(gunzipSync(await readFile(file)).toString()).toContain(orders[0]);

    expect((await api(gw, 'POST', `/v1/tenants/${source}/archive`, { token: admin })).status).toBe(200);
    expect((await api(gw, 'DELETE', `/v1/tenants/${source}`, { token: admin })).status).toBe(202);
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/tenants/${source}`, { token: admin })).body.status).toBe('deleted'),
    );

    const imported = await tenantctl('import', file, '--new-slug', `${slug}-back`);
    expect(imported.code).toBe(0);
    const target = String((imported.out as { tenant: { id: string } }).tenant.id);
    expect(target).not.toBe(source);
    const restored = platform.sign({ sub: 'm', roles: ['member'], tenants: [target] });
    await eventually(async () => expect(await reads(restored, orders)).toEqual(before));

    // a tampered copy is refused, and no tenant appears
    const lines = gunzipSync(await readFile(file))
      .toString()
      .split('\n');
    const index = lines.findIndex((line) => line.includes('"OrderItemAdded"'));
    lines[index] = (lines[index] ?? '').replace('"9.99"', '"0.01"');
    const tampered = path.join(directory, 'tampered.ndjson.gz');
    await writeFile(tampered, gzipSync(lines.join('\n')));
    const refused = await tenantctl('import', tampered, '--new-slug', `${slug}-bad`);
    expect(refused.code).toBe(1);
    expect(String(refused.out)).toContain('checksum mismatch');
    expect((await api(gw, 'GET', `/v1/tenants/${slug}-bad`, { token: admin })).status).toBe(404);
  });
});
