import {
  InternalContextCodec,
  INTERNAL_CONTEXT_TTL_MS,
  type InternalRequestTarget,
} from './internal-context';

const secret = 'internal-test-secret-0123456789abcdef';
const codec = new InternalContextCodec(secret);
const tenantA = 'aaaaaaaa-0000-4000-8000-000000000001';
const tenantB = 'bbbbbbbb-0000-4000-8000-000000000002';
const context = { tenantId: tenantA, actor: 'alice', roles: ['member'], correlationId: 'corr-1' };
const target: InternalRequestTarget = {
  method: 'GET',
  path: '/v1/orders/0b8c0c1e-4bd8-4bd5-9b0e-1b4f1d1c1a01',
};
const now = 1_800_000_000_000;

/** The header with its payload replaced by `payload` (JSON), signature kept. */
function withPayload(header: string, payload: unknown): string {
  const [version, , signature] = header.split('.');
  return `${version}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

function payloadOf(header: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

describe('InternalContextCodec', () => {
  it('verifies what it signed, for the same request, until it expires', () => {
    const header = codec.sign(context, target, now);
    expect(header).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(codec.verify(header, target, now)).toEqual({
      ok: true,
      context: { ...context, expiresAt: now + INTERNAL_CONTEXT_TTL_MS },
    });
    expect(codec.verify(header, target, now + INTERNAL_CONTEXT_TTL_MS - 1).ok).toBe(true);
  });

  it('refuses a missing or empty context', () => {
    expect(codec.verify(undefined, target, now)).toEqual({ ok: false, reason: 'missing' });
    expect(codec.verify('', target, now)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a context signed with another secret (forged)', () => {
    const forged = new InternalContextCodec('another-secret-another-secret-0123456789').sign(
      context,
      target,
      now,
    );
    expect(codec.verify(forged, target, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses an expired context, and one that expires further ahead than any it signs', () => {
    const header = codec.sign(context, target, now);
    expect(codec.verify(header, target, now + INTERNAL_CONTEXT_TTL_MS)).toEqual({
      ok: false,
      reason: 'expired',
    });
    const fromTheFuture = codec.sign(context, target, now + 60_000);
    expect(codec.verify(fromTheFuture, target, now)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a context whose tenant was changed (tampered), even into a valid one', () => {
    const header = codec.sign(context, target, now);
    const tampered = withPayload(header, { ...payloadOf(header), t: tenantB });
    expect(codec.verify(tampered, target, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a context whose roles or expiry were changed', () => {
    const header = codec.sign(context, target, now);
    const payload = payloadOf(header);
    expect(codec.verify(withPayload(header, { ...payload, r: ['platform-admin'] }), target, now).ok).toBe(
      false,
    );
    expect(codec.verify(withPayload(header, { ...payload, x: Number(payload.x) + 1 }), target, now).ok).toBe(
      false,
    );
  });

  it('is good for the request it was signed for only', () => {
    const header = codec.sign(context, target, now);
    expect(codec.verify(header, { ...target, path: `${target.path}x` }, now).ok).toBe(false);
    expect(codec.verify(header, { ...target, method: 'DELETE' }, now).ok).toBe(false);
  });

  it('refuses malformed values without throwing', () => {
    const header = codec.sign(context, target, now);
    const [, payload, signature] = header.split('.');
    for (const value of [
      'garbage',
      'v1..',
      `v2.${payload}.${signature}`,
      `v1.${payload}`,
      `v1.${payload}.${signature}=`,
      `v1.${payload}.${signature?.slice(1)}`,
      `${header}${'a'.repeat(5_000)}`,
    ]) {
      expect(codec.verify(value, target, now)).toMatchObject({ ok: false });
    }
  });

  it('refuses an authentic payload that is not a context (a signer bug)', () => {
    const sloppy = new InternalContextCodec(secret);
    const notATenant = sloppy.sign({ ...context, tenantId: 'acme' }, target, now);
    expect(codec.verify(notATenant, target, now)).toEqual({ ok: false, reason: 'malformed' });
    const badCorrelation = sloppy.sign({ ...context, correlationId: 'a b' }, target, now);
    expect(codec.verify(badCorrelation, target, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('needs a secret of at least 32 characters', () => {
    expect(() => new InternalContextCodec('short')).toThrow(TypeError);
  });
});
