import { openResponse, recordIdOf, sealResponse } from './sealed-response';

describe('sealed responses', () => {
  const response = {
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: '{"key":"tf_secret_shown_once"}',
  };
  const id = recordIdOf('tenant:t-1', 'POST', '/v1/tenants/t-1/api-keys', 'client-key');

  it('names a record by a hash that changes with each part', () => {
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const others = [
      recordIdOf('tenant:t-2', 'POST', '/v1/tenants/t-1/api-keys', 'client-key'),
      recordIdOf('tenant:t-1', 'PUT', '/v1/tenants/t-1/api-keys', 'client-key'),
      recordIdOf('tenant:t-1', 'POST', '/v1/tenants/t-1', 'client-key'),
      recordIdOf('tenant:t-1', 'POST', '/v1/tenants/t-1/api-keys', 'client-key2'),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('opens with the same key and record what it sealed, and hides it otherwise', () => {
    const sealed = sealResponse(response, 'client-key', id);
    expect(sealed.toString('utf8')).not.toContain('tf_secret');
    expect(openResponse(sealed, 'client-key', id)).toEqual(response);
  });

  it('refuses another key, another record, or altered bytes', () => {
    const sealed = sealResponse(response, 'client-key', id);
    expect(() => openResponse(sealed, 'other-key', id)).toThrow();
    expect(() => openResponse(sealed, 'client-key', recordIdOf('x', 'POST', '/', 'client-key'))).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => openResponse(altered, 'client-key', id)).toThrow();
  });

  it('seals the same answer differently each time (a fresh IV)', () => {
    expect(sealResponse(response, 'client-key', id).equals(sealResponse(response, 'client-key', id))).toBe(
      false,
    );
  });
});
