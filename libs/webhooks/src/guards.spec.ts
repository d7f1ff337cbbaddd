import { checkEvent, checkNewSubscription } from './guards';

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
    expect(() => checkNewSubscription({ ...valid, events })).toThrow(TypeError);
  });

  it('refuses a malformed secret', () => {
    expect(() => checkNewSubscription({ ...valid, secret: 'hunter2' })).toThrow(TypeError);
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
