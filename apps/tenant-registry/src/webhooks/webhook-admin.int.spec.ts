import { randomBytes } from 'node:crypto';
import {
  createTenant,
  asSuperuser,
  registryFixture,
  testCaller,
  type RegistryFixture,
} from '../testing/registry-fixture';
import type { TenantRecord } from '../registry/tenant-record';
import { WebhookAdmin } from './webhook-admin';

// The webhooks lib writes through a pool; here it joins the audit record's transaction, so a
// subscription whose audit record cannot be written is not created.

describe('WebhookAdmin on PostgreSQL', () => {
  let fixture: RegistryFixture;
  let admin: WebhookAdmin;

  async function activeTenant(plan: 'free' | 'standard' = 'standard'): Promise<TenantRecord> {
    const created = await createTenant(fixture.commands, { plan });
    const change = await fixture.commands.execute(
      { type: 'ActivateTenant', data: { tenantId: created.tenantId } },
      testCaller(),
    );
    if (!change.ok) throw new Error('not activated');
    return change.tenant;
  }

  beforeAll(async () => {
    fixture = await registryFixture();
    admin = new WebhookAdmin(fixture.db);
  });
  afterAll(() => fixture.close());

  it('subscribes and unsubscribes, each with its audit record (never the secret)', async () => {
    const tenant = await activeTenant();
    const created = await admin.subscribe(
      tenant,
      { url: 'https://example.com/hook', events: ['tenants.TenantSuspended'] },
      testCaller(),
    );
    if (!created.ok) throw new Error('refused');
    expect((await admin.list(tenant.id)).map((s) => s.id)).toEqual([created.value.id]);
    expect((await admin.unsubscribe(tenant.id, created.value.id, testCaller())).ok).toBe(true);
    expect(await admin.list(tenant.id)).toEqual([]);
    expect(await admin.unsubscribe(tenant.id, created.value.id, testCaller())).toMatchObject({
      ok: false,
      refusal: { kind: 'notFound' },
    });

    const records = await fixture.db.audit.list(tenant.id, { limit: 10 });
    expect(records.map((r) => r.action)).toEqual([
      'tenant.create',
      'tenant.activate',
      'webhook.create',
      'webhook.delete',
    ]);
    expect(JSON.stringify(records)).not.toContain(created.value.secret);
  });

  it('does not subscribe when the audit record cannot be written', async () => {
    const tenant = await activeTenant();
    const constraint = `no_webhooks_${randomBytes(3).toString('hex')}`;
    await asSuperuser((client) =>
      client.query(
        `alter table "${fixture.schemas.audit}".records add constraint ${constraint}
           check (action <> 'webhook.create' or tenant_id <> '${tenant.id}') not valid`,
      ),
    );
    try {
      await expect(
        admin.subscribe(tenant, { url: 'https://example.com/hook', events: ['*'] }, testCaller()),
      ).rejects.toMatchObject({ code: '23514' });
    } finally {
      await asSuperuser((client) =>
        client.query(`alter table "${fixture.schemas.audit}".records drop constraint ${constraint}`),
      );
    }
    expect(await fixture.db.subscriptions.list(tenant.id, { includeDisabled: true })).toEqual([]);
  });

  it('refuses a URL to an address webhooks may not reach, naming the url, and records nothing', async () => {
    const tenant = await activeTenant();
    for (const url of [
      'http://127.0.0.1:8085/v1/tenants',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hooks',
      'https://[fd00::1]/hooks',
    ]) {
      expect(await admin.subscribe(tenant, { url, events: ['*'] }, testCaller())).toEqual({
        ok: false,
        refusal: {
          kind: 'validation',
          code: 'webhook-invalid',
          detail: expect.stringMatching(/^url /) as string,
          errors: [{ path: '/url', message: expect.stringMatching(/^url /) as string }],
        },
      });
    }
    expect(await admin.list(tenant.id)).toEqual([]);
    expect((await fixture.db.audit.list(tenant.id, { limit: 10 })).map((r) => r.action)).not.toContain(
      'webhook.create',
    );
  });

  it("holds the plan's webhook quota", async () => {
    const tenant = await activeTenant('free');
    expect(
      (await admin.subscribe(tenant, { url: 'https://example.com/1', events: ['*'] }, testCaller())).ok,
    ).toBe(true);
    const second = await admin.subscribe(
      tenant,
      { url: 'https://example.com/2', events: ['*'] },
      testCaller(),
    );
    expect(second).toMatchObject({
      ok: false,
      refusal: { kind: 'quotaExceeded', headers: { 'retry-after': expect.any(String) } },
    });
    expect(await admin.list(tenant.id)).toHaveLength(1);
  });
});
