import { canonicalJson, requestFingerprint } from './fingerprint';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('writes scalars and strings as JSON does', () => {
    expect(canonicalJson('x"y')).toBe('"x\\"y"');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({ é: 'ü' })).toBe('{"é":"ü"}');
  });

  it('leaves out undefined members like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
});

describe('requestFingerprint', () => {
  const order = { method: 'POST', url: '/v1/orders', body: { customerId: 'c-1', note: { a: 1, b: 2 } } };

  it('is a SHA-256 in hex', () => {
    expect(requestFingerprint(order)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells requests with another If-Match (or none) apart', () => {
    const guarded = { ...order, ifMatch: '"3"' };
    expect(requestFingerprint(guarded)).not.toBe(requestFingerprint(order));
    expect(requestFingerprint(guarded)).not.toBe(requestFingerprint({ ...order, ifMatch: '"4"' }));
    expect(requestFingerprint(guarded)).toBe(requestFingerprint({ ...order, ifMatch: '"3"' }));
  });

  it('does not depend on the order of JSON keys', () => {
    const reordered = { ...order, body: { note: { b: 2, a: 1 }, customerId: 'c-1' } };
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(order));
  });

  it('ignores the case of the method', () => {
    expect(requestFingerprint({ ...order, method: 'post' })).toBe(requestFingerprint(order));
  });

  it.each([
    ['another body', { body: { customerId: 'c-2', note: { a: 1, b: 2 } } }],
    ['another nested value', { body: { customerId: 'c-1', note: { a: 1, b: 3 } } }],
    ['another method', { method: 'PUT' }],
    ['another path', { url: '/v1/orders/1/items' }],
    ['another query', { url: '/v1/orders?dry=1' }],
    ['no body', { body: undefined }],
    ['an array in another order', { body: [2, 1] }],
  ])('differs for %s', (_what, change) => {
    expect(requestFingerprint({ ...order, ...change })).not.toBe(requestFingerprint(order));
  });

  it('takes a text body (a YAML manifest) as sent: whitespace counts', () => {
    const manifest = { method: 'PUT', url: '/v1/tenants/acme/manifest', body: 'plan: free\nname: Acme\n' };
    expect(requestFingerprint({ ...manifest })).toBe(requestFingerprint(manifest));
    expect(requestFingerprint({ ...manifest, body: 'plan: free\nname:  Acme\n' })).not.toBe(
      requestFingerprint(manifest),
    );
  });

  it('tells a JSON body from no body and from an empty object', () => {
    const none = requestFingerprint({ method: 'POST', url: '/x', body: undefined });
    const empty = requestFingerprint({ method: 'POST', url: '/x', body: {} });
    const nul = requestFingerprint({ method: 'POST', url: '/x', body: null });
    expect(new Set([none, empty, nul]).size).toBe(3);
  });
});
