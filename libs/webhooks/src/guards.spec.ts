import { parseAllowedHosts } from './egress/allowed-hosts';
import { WebhookFieldError, checkEvent, checkNewSubscription } from './guards';

describe('checkNewSubscription', () => {
  const valid = { url: 'https://example.com/hooks', events: ['tenant.suspended'] };

  it('returns the event types without duplicates', () => {
    expect(checkNewSubscription({ ...valid, events: ['a', '*', 'a'] })).toEqual(['a', '*']);
  });

  it.each(['ftp://example.com', 'example.com/hooks', 'https://user:pw@example.com', ''])(
    'refuses the url %p',
    (url) => {
      expect(() => checkNewSubscription({ ...valid, url })).toThrow(TypeError);
    },
  );

  it.each([[[]], [['']], [['a'.repeat(201)]]])('refuses the events %j', (events) => {
    expect(() => checkNewSubscription({ ...valid, events })).toThrow(
      expect.objectContaining({ field: 'events' }) as Error,
    );
  });

  it('refuses a malformed secret', () => {
    expect(() => checkNewSubscription({ ...valid, secret: 'hunter2' })).toThrow(
      expect.objectContaining({ field: 'secret' }) as Error,
    );
  });

  it.each([
    'http://127.0.0.1:8085/v1/tenants',
    'https://127.0.0.1:8085/v1/tenants',
    'https://169.254.169.254/latest/meta-data',
    'https://[::ffff:127.0.0.1]/',
    'https://2130706433/',
  ])('refuses %s, naming the url', (url) => {
    const refused = (): string[] => checkNewSubscription({ ...valid, url });
    expect(refused).toThrow(WebhookFieldError);
    expect(refused).toThrow(expect.objectContaining({ field: 'url' }) as Error);
  });

  it('accepts a host of the allow-list over http, at a loopback address', () => {
    const allowed = parseAllowedHosts('127.0.0.1');
    expect(checkNewSubscription({ ...valid, url: 'http://127.0.0.1:8085/hooks' }, allowed)).toEqual([
      'tenant.suspended',
    ]);
  });
});

describe('checkEvent', () => {
  const valid = { id: 'e-1', type: 'tenant.suspended', data: {}, occurredAt: '2026-03-01T10:00:00+01:00' };

  it('returns occurredAt as ISO 8601 in UTC', () => {
    expect(checkEvent(valid)).toBe('2026-03-01T09:00:00.000Z');
    expect(checkEvent({ ...valid, occurredAt: new Date(0) })).toBe('1970-01-01T00:00:00.000Z');
  });

  it.each([
    { id: '' },
    { type: '' },
    { type: '*' },
    { data: undefined },
    { data: () => 1 },
    { occurredAt: 'yesterday' },
  ])('refuses %p', (change) => {
    expect(() => checkEvent({ ...valid, ...change })).toThrow(TypeError);
  });
});
