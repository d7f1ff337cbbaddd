import { Webhook } from 'standardwebhooks';
import { assertWebhookSecret, generateWebhookSecret, signatureHeaders } from './signing';

// Signatures are checked with the reference `standardwebhooks` package, never with our own code.

describe('signatureHeaders', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ type: 'tenant.suspended', data: { reason: 'unpaid' } });

  it('produces headers that the standardwebhooks package verifies', () => {
    const headers = signatureHeaders(secret, 'msg-1', new Date(), body);

    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(headers['webhook-id']).toBe('msg-1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
  });

  it('sends the timestamp in whole seconds', () => {
    const headers = signatureHeaders(secret, 'msg-1', new Date('2026-03-01T10:00:00.900Z'), body);

    expect(headers['webhook-timestamp']).toBe(String(Date.parse('2026-03-01T10:00:00Z') / 1000));
  });

  it('does not verify with another secret, another id or another body', () => {
    const headers = signatureHeaders(secret, 'msg-1', new Date(), body);

    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg-2' })).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
  });
});

describe('webhook secrets', () => {
  it('are whsec_ + base64 of 32 random bytes, different each time', () => {
    const [first, second] = [generateWebhookSecret(), generateWebhookSecret()];

    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(first.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(first).not.toBe(second);
    expect(() => assertWebhookSecret(first)).not.toThrow();
  });

  it('accepts a given secret of 24 to 64 bytes', () => {
    const of = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;

    expect(() => assertWebhookSecret(of(24))).not.toThrow();
    expect(() => assertWebhookSecret(of(64))).not.toThrow();
    expect(() => assertWebhookSecret(of(23))).toThrow(TypeError);
    expect(() => assertWebhookSecret(of(65))).toThrow(TypeError);
  });

  it.each(['', 'whsec_', 'secret', 'whsec_not base64!', 42])('refuses %p', (bad) => {
    expect(() => assertWebhookSecret(bad)).toThrow(TypeError);
  });
});
