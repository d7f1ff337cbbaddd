import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signatureHeaders } from '../signing';
import { type TestDatabase, createTestDatabase } from '../testing/postgres-test-schema';
import { WebhookSubscriptions } from './webhook-subscriptions';

describe('WebhookSubscriptions on PostgreSQL', () => {
  let db: TestDatabase;
  let subscriptions: WebhookSubscriptions;
  const tenant = randomUUID();
  const otherTenant = randomUUID();
  const url = 'https://receiver.example.com/hooks';

  beforeAll(async () => {
    db = await createTestDatabase();
    subscriptions = new WebhookSubscriptions({ pool: db.pool, schema: db.schema });
  });
  afterAll(() => db.drop());

  it('creates a subscription with a generated secret that standardwebhooks accepts', async () => {
    const created = await subscriptions.create(tenant, { url, events: ['tenant.suspended', '*'] });

    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId: tenant,
      url,
      events: ['tenant.suspended', '*'],
      secret: expect.stringMatching(/^whsec_/),
      createdAt: expect.any(Date),
    });
    const headers = signatureHeaders(created.secret, 'msg', new Date(), '{}');
    expect(new Webhook(created.secret).verify('{}', { ...headers })).toEqual({});
    expect(await subscriptions.get(tenant, created.id)).toEqual(created);
  });

  it('keeps a secret given by the caller', async () => {
    const secret = generateWebhookSecret();

    const created = await subscriptions.create(tenant, { url, events: ['a'], secret });

    expect(created.secret).toBe(secret);
  });

  it('refuses bad input before touching the database', async () => {
    await expect(subscriptions.create('not-a-tenant', { url, events: ['a'] })).rejects.toThrow(TypeError);
    await expect(
      subscriptions.create(tenant, { url: 'mailto:x@example.com', events: ['a'] }),
    ).rejects.toThrow(TypeError);
    await expect(subscriptions.create(tenant, { url, events: [] })).rejects.toThrow(TypeError);
  });

  it('lists, gets and deletes only within the tenant', async () => {
    const mine = await subscriptions.create(tenant, { url, events: ['a'] });
    const theirs = await subscriptions.create(otherTenant, { url, events: ['a'] });

    expect((await subscriptions.list(otherTenant)).map((s) => s.id)).toEqual([theirs.id]);
    expect((await subscriptions.list(tenant)).map((s) => s.id)).toContain(mine.id);
    expect((await subscriptions.list(tenant)).map((s) => s.id)).not.toContain(theirs.id);
    expect(await subscriptions.get(otherTenant, mine.id)).toBeUndefined();
    expect(await subscriptions.delete(otherTenant, mine.id)).toBe(false);
    expect((await subscriptions.get(tenant, mine.id))?.disabledAt).toBeUndefined();
  });

  it('deletes softly: the record stays, disabled, out of the default list', async () => {
    const created = await subscriptions.create(tenant, { url, events: ['a'] });

    expect(await subscriptions.delete(tenant, created.id)).toBe(true);
    expect(await subscriptions.delete(tenant, created.id)).toBe(false);

    expect((await subscriptions.get(tenant, created.id))?.disabledAt).toEqual(expect.any(Date));
    expect((await subscriptions.list(tenant)).map((s) => s.id)).not.toContain(created.id);
    expect((await subscriptions.list(tenant, { includeDisabled: true })).map((s) => s.id)).toContain(
      created.id,
    );
  });

  it('answers "not found" for an id that is not a UUID', async () => {
    expect(await subscriptions.get(tenant, 'nope')).toBeUndefined();
    expect(await subscriptions.delete(tenant, 'nope')).toBe(false);
  });
});
