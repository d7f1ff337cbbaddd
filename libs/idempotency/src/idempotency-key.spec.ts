import { MAX_IDEMPOTENCY_KEY_LENGTH, parseIdempotencyKey } from './idempotency-key';

describe('parseIdempotencyKey', () => {
  it.each([
    'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    'a',
    'order 42 / retry #1',
    '~!@#$%^&*()_+{}|:"<>?',
    'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH),
  ])('accepts %j as it is', (value) => {
    expect(parseIdempotencyKey(value)).toEqual({ ok: true, key: value });
  });

  it.each([
    ['', /empty/],
    ['k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1), /longer than 255/],
    ['tab\there', /printable/],
    ['new\nline', /printable/],
    ['nul\u0000', /printable/],
    ['del\u007f', /printable/],
    ['clé', /printable/],
  ])('refuses %j', (value, reason) => {
    const parsed = parseIdempotencyKey(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('refuses several values', () => {
    expect(parseIdempotencyKey(['a', 'b'])).toEqual({
      ok: false,
      reason: 'send one Idempotency-Key header, not several',
    });
  });
});
