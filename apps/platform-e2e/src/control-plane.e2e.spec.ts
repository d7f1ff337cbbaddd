import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { eventually, uniqueSuffix } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

/**
 * The control plane over HTTP, through the gateway, with every service running: a tenant's whole
 * lifecycle, manifests, API keys used on the data plane, and webhooks received by a real HTTP
 * receiver. What the data plane enforces depends on `tenants.lifecycle`, which the event relay
 * publishes from the event store (the registry itself publishes nothing but API key records).
 */
/** A request with a tenant's API key instead of a token. */
async function withApiKey(url: string, method: string, path: string, key: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A tenant's webhook endpoint: node:http on 127.0.0.1, answering 204 to everything, on the port the
 * platform's `WEBHOOK_ALLOWED_HOSTS` names (a loopback address is refused otherwise).
 */
async function startReceiver(
  port: number,
): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('control plane: tenants, manifests, API keys and webhooks over HTTP', () => {
  let platform: Platform;
  let gw: string;
  let admin: string;
  const token = (roles: string[], tenants: string[] = [], sub = 'e2e-user'): string =>
    platform.token(roles, tenants, sub);
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    platform = await startPlatform(19_080, { extraEnv: { RECONCILE_INTERVAL_MS: '250' } });
    gw = platform.gateways[0]?.url ?? '';
    admin = token(['platform-admin'], [], 'e2e-cp-admin');
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  async function createTenant(name: string, body: Record<string, unknown> = {}): Promise<string> {
    const slug = `${name}-${suffix}`;
    const created = await api(gw, 'POST', '/v1/tenants', {
      token: admin,
      body: { slug, name: slug, ...body },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ slug, status: 'draft' });
    const id = String(created.body.id);
    expect(created.headers.get('location')).toBe(`/v1/tenants/${id}`);
    await eventually(
      async () =>
        expect((await api(gw, 'GET', `/v1/tenants/${id}`, { token: admin })).body.status).toBe('active'),
      { what: `tenant ${slug} active` },
    );
    return id;
  }

  const lifecycle = (id: string, action: string, body?: unknown) =>
    api(gw, 'POST', `/v1/tenants/${id}/${action}`, { token: admin, ...(body !== undefined && { body }) });

  it('drives a tenant through its lifecycle and purges it on deletion, with a last webhook', async () => {
    const receiver = await startReceiver(platform.webhookReceiverPort);
    try {
      await lifecycleToDeletion(receiver);
    } finally {
      await receiver.close();
    }
  });

  async function lifecycleToDeletion(receiver: Awaited<ReturnType<typeof startReceiver>>): Promise<void> {
    const id = await createTenant('life', { isolation: 'schema', plan: 'standard', region: 'us-east-1' });
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const subscribed = await api(gw, 'POST', `/v1/tenants/${id}/webhooks`, {
      token: admin,
      body: { url: receiver.url, events: ['tenants.TenantDeleted'], secret },
    });
    expect(subscribed.status).toBe(201);
    const tenant = await api(gw, 'GET', `/v1/tenants/life-${suffix}`, { token: admin });
    expect(tenant.body).toMatchObject({
      id,
      status: 'active',
      plan: 'standard',
      isolation: 'schema',
      region: 'us-east-1',
      version: 2,
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Provisioned', status: 'True' }),
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      ]),
    });

    expectProblem(await api(gw, 'DELETE', `/v1/tenants/${id}`, { token: admin }), 409, 'conflict');
    expect((await lifecycle(id, 'suspend', { reason: 'unpaid invoice' })).body).toMatchObject({
      status: 'suspended',
    });
    expectProblem(await lifecycle(id, 'suspend'), 409, 'conflict');
    expect((await lifecycle(id, 'resume')).body).toMatchObject({ status: 'active' });
    expectProblem(await lifecycle(id, 'resume'), 409, 'conflict');
    const patched = await api(gw, 'PATCH', `/v1/tenants/${id}`, {
      token: admin,
      body: { plan: 'enterprise' },
    });
    expect(patched.body).toMatchObject({ plan: 'enterprise' });
    expect((await lifecycle(id, 'archive')).body).toMatchObject({ status: 'archived' });
    expectProblem(await lifecycle(id, 'resume'), 409, 'conflict');

    const deleting = await api(gw, 'DELETE', `/v1/tenants/${id}`, { token: admin });
    expect(deleting.status).toBe(202);
    const deleted = await eventually(
      async () => {
        const response = await api(gw, 'GET', `/v1/tenants/${id}`, { token: admin });
        expect(response.body.status).toBe('deleted');
        return response;
      },
      { what: 'tenant deleted' },
    );
    expect(deleted.body.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Deleting', status: 'True', reason: 'Purged' }),
      ]),
    );
    // Its audit chain is purged (the platform chain records what was); what is left verifies.
    const audit = await api(gw, 'GET', `/v1/tenants/${id}/audit`, { token: admin });
    expect(audit.body).toEqual({ records: [], verification: { valid: true, checked: 0 } });
    // Neither its id nor its slug is given again.
    expectProblem(
      await api(gw, 'POST', '/v1/tenants', { token: admin, body: { slug: `life-${suffix}`, name: 'again' } }),
      409,
      'conflict',
    );
    // Its webhook got the deletion, signed, and nothing else: the last thing the platform sends it.
    await eventually(() => expect(receiver.received).toHaveLength(1), {
      what: 'the TenantDeleted webhook',
      timeoutMs: 30_000,
    });
    const [last] = receiver.received;
    const flat = Object.fromEntries(Object.entries(last?.headers ?? {}).map(([k, v]) => [k, String(v)]));
    new Webhook(secret).verify(last?.body ?? '', flat);
    expect(JSON.parse(last?.body ?? '{}')).toMatchObject({
      type: 'tenants.TenantDeleted',
      tenantId: id,
      sequence: 1,
      data: { status: 'deleted', purged: { events: expect.any(Number) } },
    });
  }

  it('keeps an audit trail that verifies, and refuses what the control plane must refuse', async () => {
    const id = await createTenant('audit');
    await lifecycle(id, 'suspend');
    const audit = await api(gw, 'GET', `/v1/tenants/${id}/audit`, { token: admin });
    expect(audit.body.verification).toEqual({ valid: true, checked: 3 });
    expect(
      (audit.body.records as { action: string; verified: boolean; actor: string }[]).map((r) => r.action),
    ).toEqual(['tenant.create', 'tenant.activate', 'tenant.suspend']);

    // A refused command is recorded too (contract §8), and the chain still verifies.
    expectProblem(await lifecycle(id, 'suspend'), 409, 'conflict');
    const after = await api(gw, 'GET', `/v1/tenants/${id}/audit`, { token: admin });
    expect(after.body.verification).toEqual({ valid: true, checked: 4 });
    expect((after.body.records as { action: string }[]).map((r) => r.action).at(-1)).toBe(
      'tenant.suspend.refused',
    );

    const outOfPolicy = await api(gw, 'POST', '/v1/tenants', {
      token: admin,
      body: { slug: `far-${suffix}`, name: 'far', plan: 'standard', region: 'ap-south-1' },
    });
    expectProblem(outOfPolicy, 400, 'validation');
    expect(outOfPolicy.body.errors).toEqual([{ path: '/region', message: expect.any(String) }]);
    expectProblem(
      await api(gw, 'GET', `/v1/tenants/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { token: admin }),
      404,
    );
    expectProblem(await api(gw, 'GET', '/v1/tenants/Not_A_Slug', { token: admin }), 400, 'validation');
    expectProblem(await api(gw, 'GET', '/v1/tenants?cursor=nope', { token: admin }), 400, 'validation');
    expectProblem(await api(gw, 'GET', `/v1/tenants/${id}`, { token: token(['tenant-admin'], [id]) }), 403);
  });

  it('lists tenants newest first, a page at a time', async () => {
    await Promise.all(['page-a', 'page-b', 'page-c'].map((name) => createTenant(name)));
    const first = await api(gw, 'GET', '/v1/tenants?limit=2&status=active', { token: admin });
    expect(first.status).toBe(200);
    const items = first.body.items as { id: string; createdAt: string; status: string }[];
    expect(items).toHaveLength(2);
    expect(items.every((t) => t.status === 'active')).toBe(true);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await api(
      gw,
      'GET',
      `/v1/tenants?limit=2&status=active&cursor=${String(first.body.nextCursor)}`,
      {
        token: admin,
      },
    );
    const next = second.body.items as { id: string; createdAt: string }[];
    expect(next.length).toBeGreaterThan(0);
    expect(next.map((t) => t.id)).not.toContain(items[0]?.id);
    expect(Date.parse(next[0]?.createdAt ?? '')).toBeLessThanOrEqual(Date.parse(items[1]?.createdAt ?? ''));
  });

  it('applies a YAML manifest once: the same manifest again changes nothing; a new plan is a new version', async () => {
    const slug = `manifest-${suffix}`;
    const yaml = (plan: string) =>
      `apiVersion: tenantflow/v1\nkind: Tenant\nmetadata:\n  slug: ${slug}\nspec:\n  name: Manifest Co\n  plan: ${plan}\n  isolation: shared\n  region: eu-west-1\n`;
    const put = (text: string, contentType = 'application/yaml') =>
      api(gw, 'PUT', `/v1/tenants/${slug}/manifest`, { token: admin, rawBody: text, contentType });

    const created = await put(yaml('standard'));
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      manifestVersion: 1,
      tenant: { slug, status: 'draft', plan: 'standard' },
    });
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/tenants/${slug}`, { token: admin })).body.status).toBe('active'),
    );
    const before = await api(gw, 'GET', `/v1/tenants/${slug}`, { token: admin });

    const again = await put(yaml('standard'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ manifestVersion: 1, tenant: { version: before.body.version } });

    const upgraded = await put(yaml('enterprise'));
    expect(upgraded.body).toMatchObject({ manifestVersion: 2, tenant: { plan: 'enterprise' } });
    const json = JSON.stringify({
      apiVersion: 'tenantflow/v1',
      kind: 'Tenant',
      metadata: { slug },
      spec: { region: 'eu-west-1', isolation: 'shared', plan: 'enterprise', name: 'Manifest Co' },
    });
    expect((await put(json, 'application/json')).body).toMatchObject({ manifestVersion: 2 });

    expectProblem(await put(yaml('standard'), 'text/plain'), 415);
    const invalid = await put(
      'apiVersion: tenantflow/v1\nkind: Tenant\nmetadata: {slug: x}\nspec: {plan: gold}\n',
    );
    expectProblem(invalid, 400, 'validation');
    expect(Array.isArray(invalid.body.errors)).toBe(true);
  });

  it('enforces the tenant status on the data plane: suspended writes 403, reads 200; archived 403 [needs the relay]', async () => {
    // Enterprise: the probes below poll faster than a free plan's rate limit allows.
    const id = await createTenant('status', { plan: 'enterprise' });
    const member = token(['member'], [id], 'status-member');
    const order = await eventually(
      async () => {
        const response = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-1' } });
        expect(response.status).toBe(201);
        return response;
      },
      {
        what: 'the gateway knows the tenant is active (tenants.lifecycle, from the relay)',
        timeoutMs: 30_000,
      },
    );
    const orderId = String(order.body.orderId);
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/orders/${orderId}`, { token: member })).status).toBe(200),
    );

    await lifecycle(id, 'suspend');
    await eventually(async () =>
      expectProblem(
        await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-2' } }),
        403,
        'tenant-suspended',
      ),
    );
    expect((await api(gw, 'GET', `/v1/orders/${orderId}`, { token: member })).status).toBe(200);

    await lifecycle(id, 'resume');
    await eventually(async () =>
      expect(
        (await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-3' } })).status,
      ).toBe(201),
    );
    await lifecycle(id, 'archive');
    await eventually(async () =>
      expectProblem(
        await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-4' } }),
        403,
        'tenant-archived',
      ),
    );
  });

  it('issues an API key that works on the data plane until revoked [needs the relay]', async () => {
    const id = await createTenant('keys', { plan: 'enterprise' });
    const other = await createTenant('keys-other');
    const tenantAdmin = token(['tenant-admin'], [id], 'keys-admin');

    expectProblem(
      await api(gw, 'POST', `/v1/tenants/${other}/api-keys`, { token: tenantAdmin, body: { name: 'x' } }),
      403,
    );
    expectProblem(
      await api(gw, 'POST', `/v1/tenants/${id}/api-keys`, {
        token: tenantAdmin,
        body: { name: 'x', roles: ['platform-admin'] },
      }),
      400,
      'validation',
    );
    const created = await api(gw, 'POST', `/v1/tenants/${id}/api-keys`, {
      token: tenantAdmin,
      body: { name: 'ci', roles: ['member'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      key: expect.stringMatching(/^tfk_/),
      name: 'ci',
      roles: ['member'],
      createdAt: expect.any(String),
    });
    const key = String(created.body.key);
    const listed = await api(gw, 'GET', `/v1/tenants/keys-${suffix}/api-keys`, { token: admin });
    // The secret is base64url, so it may itself contain '_': everything after the key id is secret.
    const secret = key.replace(/^tfk_[0-9a-f]{16}_/, '');
    expect(secret).toHaveLength(43);
    expect(listed.text).not.toContain(secret);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, revokedAt: null })]);

    await eventually(
      async () =>
        expect((await withApiKey(gw, 'POST', '/v1/orders', key, { customerId: 'k-1' })).status).toBe(201),
      { what: 'the API key works on the data plane', timeoutMs: 30_000 },
    );

    const revoked = await api(gw, 'DELETE', `/v1/tenants/${id}/api-keys/${String(created.body.id)}`, {
      token: tenantAdmin,
    });
    expect(revoked.status).toBe(204);
    await eventually(async () =>
      expect((await withApiKey(gw, 'POST', '/v1/orders', key, { customerId: 'k-2' })).status).toBe(401),
    );
  });

  it('refuses webhooks to loopback, private, link-local, multicast and unspecified addresses (400, url)', async () => {
    const id = await createTenant('ssrf');
    const tenantAdmin = token(['tenant-admin'], [id]);
    const registryPort = new URL(platform.env.TENANT_REGISTRY_URL ?? '').port;
    const refused = [
      `http://127.0.0.1:${registryPort}/v1/tenants`, // the registry itself, over http
      'http://169.254.169.254/latest/meta-data', // the cloud metadata endpoint
      'https://127.0.0.1/hooks',
      'https://2130706433/hooks', // 127.0.0.1, decimal
      'https://0177.0.0.1/hooks', // octal
      'https://0x7f.0.0.1/hooks', // hex
      'https://localhost/hooks',
      'https://[::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks', // IPv4-mapped
      'https://[::ffff:169.254.169.254]/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/hooks',
      'https://10.0.0.1/hooks',
      'https://172.16.0.1/hooks',
      'https://192.168.1.1/hooks',
      'https://100.64.0.1/hooks', // carrier-grade NAT
      'https://[fd00::1]/hooks', // unique local
      'https://224.0.0.1/hooks',
      'https://[ff02::1]/hooks',
      'https://0.0.0.0/hooks',
      'https://[::]/hooks',
      'https://255.255.255.255/hooks',
      `http://127.0.0.1:${platform.webhookReceiverPort + 1}/hooks`, // next to the allow-listed port
      'http://example.com/hooks', // not https, not allow-listed
    ];
    for (const url of refused) {
      const response = await api(gw, 'POST', `/v1/tenants/${id}/webhooks`, {
        token: tenantAdmin,
        body: { url, events: ['*'] },
      });
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ path: '/url', message: expect.stringMatching(/^url /) }]);
    }
    expect((await api(gw, 'GET', `/v1/tenants/${id}/webhooks`, { token: admin })).body).toEqual({
      items: [],
    });
  });

  it('delivers a signed, sequenced webhook for each suspension [needs the relay]', async () => {
    const receiver = await startReceiver(platform.webhookReceiverPort);
    try {
      const id = await createTenant('hooks');
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const subscribed = await api(gw, 'POST', `/v1/tenants/${id}/webhooks`, {
        token: token(['tenant-admin'], [id]),
        body: { url: receiver.url, events: ['tenants.TenantSuspended'], secret },
      });
      expect(subscribed.status).toBe(201);
      expect(subscribed.body).toMatchObject({
        url: receiver.url,
        events: ['tenants.TenantSuspended'],
        secret,
      });
      const listed = await api(gw, 'GET', `/v1/tenants/${id}/webhooks`, { token: admin });
      expect(listed.text).not.toContain(secret);

      await lifecycle(id, 'suspend', { reason: 'first' });
      await lifecycle(id, 'resume');
      await lifecycle(id, 'suspend', { reason: 'second' });

      await eventually(() => expect(receiver.received).toHaveLength(2), {
        what: 'two deliveries (tenants.lifecycle from the relay, then the dispatcher)',
        timeoutMs: 30_000,
      });
      const verifier = new Webhook(secret);
      const deliveries = receiver.received
        .map(({ headers, body }) => {
          const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
          verifier.verify(body, flat); // throws unless signed with the subscription's secret
          return {
            sequence: flat['webhook-sequence'],
            payload: JSON.parse(body) as {
              type: string;
              sequence: number;
              tenantId: string;
              data: { reason: string };
            },
          };
        })
        .sort((a, b) => a.payload.sequence - b.payload.sequence);
      expect(
        deliveries.map((d) => [d.sequence, d.payload.sequence, d.payload.type, d.payload.data.reason]),
      ).toEqual([
        ['1', 1, 'tenants.TenantSuspended', 'first'],
        ['2', 2, 'tenants.TenantSuspended', 'second'],
      ]);
      expect(deliveries.every((d) => d.payload.tenantId === id)).toBe(true);
      const deadLetters = await api(gw, 'GET', `/v1/tenants/${id}/webhooks/dead-letters`, { token: admin });
      expect(deadLetters.body).toEqual({ items: [] });
    } finally {
      await receiver.close();
    }
  });
});
