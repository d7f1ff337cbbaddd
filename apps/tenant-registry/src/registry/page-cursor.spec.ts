import { decodeCursor, encodeCursor } from './page-cursor';

describe('tenant list cursor', () => {
  const cursor = { createdAt: '2026-01-02T03:04:05.678Z', id: '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f' };

  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('is opaque and URL-safe', () => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text).not.toContain(cursor.id);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    [
      'another version',
      Buffer.from(JSON.stringify({ v: 2, t: cursor.createdAt, i: cursor.id })).toString('base64url'),
    ],
    ['a bad id', Buffer.from(JSON.stringify({ v: 1, t: cursor.createdAt, i: 'x' })).toString('base64url')],
    ['a bad time', Buffer.from(JSON.stringify({ v: 1, t: 'yesterday', i: cursor.id })).toString('base64url')],
    ['a JSON array', Buffer.from('[1]').toString('base64url')],
  ])('refuses %s', (_what, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
