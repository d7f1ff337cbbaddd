import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };

    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same text whatever the insertion order of keys', () => {
    const first = { tenant: 't', state: { status: 'active', plan: 'free' } };
    const second = { state: { plan: 'free', status: 'active' }, tenant: 't' };

    expect(canonicalJson(first)).toBe(canonicalJson(second));
  });

  it('keeps array order', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    const value = { é: 1, Z: 2, a: 3, '\u{1F600}': 4, '': 5, aa: 6, '10': 7, '9': 8 };

    expect(canonicalJson(value)).toBe('{"":5,"10":7,"9":8,"Z":2,"a":3,"aa":6,"é":1,"\u{1F600}":4}');
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1.5, '1.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1e+21'],
    [-1e-7, '-1e-7'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ])('writes the number %p as %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\u0001é"');
    expect(canonicalJson({ 'k"ey': 'v' })).toBe('{"k\\"ey":"v"}');
  });

  it('leaves out object properties whose value is undefined, like JSON.stringify', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('accepts objects without a prototype and a value shared by two branches', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    const shared = { x: 1 };

    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
    expect(canonicalJson({ p: shared, q: [shared] })).toBe('{"p":{"x":1},"q":[{"x":1}]}');
  });

  it('round-trips through JSON.parse to an equal value', () => {
    const value = { n: [1, -2.5, 1e300], s: 'ü\u2028', o: { nested: [null, false, {}] } };

    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['undefined', undefined],
    ['undefined in an array', [1, undefined]],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a class instance', new (class Point {})()],
    ['NaN deep inside', { a: [{ b: Number.NaN }] }],
  ])('refuses %s', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('refuses a cycle with a TypeError, not a stack overflow', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };

    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });

  it('names where the offending value is', () => {
    expect(() => canonicalJson({ a: [0, { b: Number.NaN }] })).toThrow('$.a[1].b');
  });
});
