import { OrderCursorCodec, type CursorScope } from './order-cursor';

const secret = 'a-secret-of-at-least-thirty-two-characters';
const tenantId = '3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const key = { createdAt: '2026-12-03T10:42:05.123456Z', id: '0b6f1d2e-8d1c-4a0e-b6a4-6f0f5b3c2d1a' };
const scope: CursorScope = { tenantId, customerId: 'c-1' };
const codec = new OrderCursorCodec(secret);

describe('OrderCursorCodec', () => {
  it('gives back the key of a cursor it made, for the same list', () => {
    const cursor = codec.encode(key, scope);
    expect(cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(codec.decode(cursor, { ...scope })).toEqual({ ok: true, key });
  });

  it('refuses a cursor of another tenant, other filters or another secret', () => {
    const cursor = codec.encode(key, scope);
    const forged = { ok: false, reason: 'forged' };
    expect(codec.decode(cursor, { ...scope, tenantId: '9f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b' })).toEqual(
      forged,
    );
    expect(codec.decode(cursor, { tenantId })).toEqual(forged);
    expect(codec.decode(cursor, { ...scope, status: 'draft' })).toEqual(forged);
    expect(new OrderCursorCodec(`${secret}!`).decode(cursor, scope)).toEqual(forged);
  });

  it('refuses a cursor whose key was altered, even to a well-formed one', () => {
    const cursor = codec.encode(key, scope);
    const [, mac] = cursor.split('.');
    const other = Buffer.from(JSON.stringify({ t: '2030-01-01T00:00:00.000000Z', i: key.id })).toString(
      'base64url',
    );
    expect(codec.decode(`${other}.${mac}`, scope)).toEqual({ ok: false, reason: 'forged' });
    const flipped = cursor.startsWith('e') ? `f${cursor.slice(1)}` : `e${cursor.slice(1)}`;
    expect(codec.decode(flipped, scope).ok).toBe(false);
  });

  it.each(['', 'abc', 'a.b.c', 'not a cursor', '.x', `${'a'.repeat(300)}.b`])(
    'refuses %j as malformed',
    (cursor) => {
      expect(codec.decode(cursor, scope)).toEqual({ ok: false, reason: 'malformed' });
    },
  );
});
