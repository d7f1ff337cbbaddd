import { isUtf8 } from 'node:buffer';
import type { PublicRoute } from '@platform/contracts';
import type { RawRequest } from './raw-http';

/**
 * Hostile requests for every route of the route table (issue 9): malformed bodies, numbers and
 * nesting no parser should choke on, bytes that are not UTF-8, wrong content types, repeated or
 * overlong headers, and path and query parameters built to escape. Deterministic: the random
 * mutations come from a seeded generator, so a failing case has the same name on every run.
 */
export interface HostileCase {
  readonly name: string;
  readonly request: RawRequest;
  /**
   * The request must be refused (4xx). Otherwise any answer but a 5xx will do: a header a route
   * does not read (`If-Match` where nothing has a version) is ignored, as HTTP intends.
   */
  readonly refuse: boolean;
}

/** What a valid request to each route needs: ids of real resources and a caller allowed to call it. */
export interface RouteFixture {
  /** Path parameter values that name real resources (`id` of an order or a tenant, `sku`, `slug`…). */
  readonly params: (route: PublicRoute) => Readonly<Record<string, string>>;
  /** A valid JSON body for the route (`undefined` for routes without a body). */
  readonly body: (route: PublicRoute) => Record<string, unknown> | undefined;
  /** `authorization` (and `x-tenant-id`) headers of a caller allowed to call the route. */
  readonly auth: (route: PublicRoute) => readonly (readonly [string, string])[];
}

/** mulberry32: a tiny seeded PRNG, so the "random" cases repeat exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hasBody = (route: PublicRoute): boolean => ['POST', 'PUT', 'PATCH'].includes(route.method);
const JSON_TYPE = ['content-type', 'application/json'] as const;

/** Numbers and strings that look like numbers, written as raw JSON text. */
const HOSTILE_SCALARS: readonly string[] = [
  '1e400',
  '-1e400',
  '18446744073709551616',
  '-9223372036854775809',
  '-0',
  '0.1e-400',
  '"NaN"',
  '"Infinity"',
  '"1e400"',
  'null',
  'true',
  '[]',
  '{}',
  `"${'x'.repeat(100_000)}"`,
  '"\\u0000"',
  '"\\ud800"',
];

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return isUtf8(bytes);
  } catch {
    return false;
  }
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function withField(body: Record<string, unknown>, field: string, rawValue: string): string {
  const marker = '"__hostile_marker__"';
  return JSON.stringify({ ...body, [field]: '__hostile_marker__' }).replace(marker, rawValue);
}

/** Bytes that no UTF-8 decoder may accept: a lone continuation, an overlong '/', a surrogate. */
const NOT_UTF8 = Buffer.from([0x61, 0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff]);

function withFieldBytes(body: Record<string, unknown>, field: string, bytes: Buffer): Buffer {
  const [before = '', after = ''] = JSON.stringify({ ...body, [field]: '__hostile_marker__' }).split(
    '__hostile_marker__',
  );
  return Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]);
}

function pathOf(route: PublicRoute, params: Readonly<Record<string, string>>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'missing');
}

/** Body cases: every JSON route gets each of these instead of its valid body. */
function bodyCases(route: PublicRoute, fixture: RouteFixture, random: () => number): HostileCase[] {
  if (!hasBody(route)) return [];
  const valid = fixture.body(route) ?? {};
  const validText = JSON.stringify(valid);
  const base = { method: route.method, target: pathOf(route, fixture.params(route)) };
  const json = (name: string, body: Buffer | string, type: string = JSON_TYPE[1]): HostileCase => ({
    name,
    refuse: true,
    request: {
      ...base,
      headers: [...fixture.auth(route), ['content-type', type]],
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    },
  });
  const cases: HostileCase[] = [
    json('truncated JSON', validText.slice(0, Math.max(1, validText.length - 3))),
    json('only an opening brace', '{'),
    json('empty body with a JSON content type', ''),
    json('a JSON string instead of an object', '"hello"'),
    json('a JSON array instead of an object', '[1,2,3]'),
    json('a JSON number instead of an object', '1e400'),
    json('10,000 levels of nested arrays', nested(10_000)),
    json('10,000 levels of nested objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
    json('a field nested 10,000 levels deep', withField(valid, 'nested', nested(10_000))),
    json('__proto__ pollution', `{"__proto__":{"polluted":true},${validText.slice(1)}`),
    json('constructor.prototype pollution', `{"constructor":{"prototype":{"polluted":true}}}`),
    json(
      'invalid UTF-8 bytes in a string',
      Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    ),
    ...Object.entries(valid)
      .filter(([, value]) => typeof value === 'string')
      .slice(0, 1)
      .map(([field]) =>
        json(`invalid UTF-8 bytes in field ${field}`, withFieldBytes(valid, field, NOT_UTF8)),
      ),
    json('a UTF-16 body', Buffer.from(validText, 'utf16le')),
    json('over the body limit (1 MiB + 1)', `{"x":"${'a'.repeat(1_048_576)}"}`),
    json('text/plain body', validText, 'text/plain'),
    json('application/xml body', '<order/>', 'application/xml'),
    json('form-encoded body', 'customerId=x', 'application/x-www-form-urlencoded'),
    json('multipart body', '--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b'),
    json('a content type that is not one', validText, 'json'),
    {
      name: 'a body without a content type',
      refuse: true,
      request: { ...base, headers: [...fixture.auth(route)], body: Buffer.from(validText) },
    },
  ];
  for (const [field, value] of Object.entries(valid)) {
    // "NaN" is a fine name: strings that look like numbers are hostile only where a number belongs
    const scalars = HOSTILE_SCALARS.filter((s) => typeof value !== 'string' || !/^"[\w.]+"$/.test(s));
    for (const scalar of scalars) {
      const kase = json(`field ${field} = ${scalar.slice(0, 24)}`, withField(valid, field, scalar));
      // -0 is zero, a fine stock or limit; a number field must refuse every other one of these
      cases.push(scalar === '-0' ? { ...kase, refuse: false } : kase);
    }
  }
  cases.push(json('an unknown field', withField(valid, 'unknownField', '1')));
  // seeded mutations of the valid body: a cut at a random place, a byte flipped
  for (let i = 0; i < 4; i += 1) {
    const bytes = Buffer.from(validText);
    const at = Math.floor(random() * bytes.length);
    const flipped = Buffer.from(bytes);
    flipped[at] = Math.floor(random() * 256);
    if (!flipped.equals(bytes)) {
      // a flip that leaves valid JSON (a letter of a name) may be accepted; any other must be refused
      cases.push({
        ...json(`byte ${at} of the body set to ${flipped[at]}`, flipped),
        refuse: !isJson(flipped),
      });
    }
    const cut = 1 + Math.floor(random() * (bytes.length - 1));
    cases.push(json(`body cut after ${cut} bytes`, bytes.subarray(0, cut)));
  }
  return cases;
}

/** Header cases: the route's valid request with one header made hostile. */
function headerCases(route: PublicRoute, fixture: RouteFixture): HostileCase[] {
  const body = fixture.body(route);
  const target = pathOf(route, fixture.params(route));
  const withHeaders = (
    name: string,
    headers: readonly (readonly [string, string | Buffer])[],
    auth: readonly (readonly [string, string | Buffer])[] = fixture.auth(route),
    refuse = true,
  ): HostileCase => ({
    name,
    refuse,
    request: {
      method: route.method,
      target,
      headers: [...auth, ...(hasBody(route) ? [JSON_TYPE] : []), ...headers],
      ...(hasBody(route) && { body: Buffer.from(JSON.stringify(body ?? {})) }),
    },
  });
  const authorization = fixture.auth(route).find(([name]) => name === 'authorization')?.[1] ?? '';
  const latin1 = Buffer.from([0x6b, 0xe9, 0xff, 0x80]);
  const auth = fixture.auth(route);
  // headers a route reads: the tenant on tenant routes, a version on commands to an aggregate,
  // a consistency token on the query side's reads
  const tenantRoute = route.access === 'tenant-read' || route.access === 'tenant-write';
  const versioned = route.path.includes('{') && route.method !== 'GET' && route.method !== 'DELETE';
  const queryRead = tenantRoute && route.method === 'GET';
  const cases: HostileCase[] = [
    withHeaders(
      'authorization repeated',
      [],
      [
        ['authorization', authorization],
        ['authorization', authorization],
      ],
    ),
    withHeaders(
      'authorization with bytes that are not ASCII',
      [],
      [['authorization', Buffer.concat([Buffer.from('Bearer '), latin1])]],
    ),
    withHeaders('authorization overlong (8 KiB)', [], [['authorization', `Bearer ${'a'.repeat(8_192)}`]]),
    withHeaders('authorization with another scheme', [], [['authorization', 'Basic dXNlcjpwYXNz']]),
    withHeaders('a bearer token that is not a JWT', [], [['authorization', 'Bearer a.b.c']]),
    withHeaders('x-api-key with bytes that are not ASCII', [], [['x-api-key', latin1]]),
    withHeaders('x-api-key overlong', [], [['x-api-key', 'k'.repeat(8_000)]]),
    withHeaders(
      'x-tenant-id repeated',
      [
        ['x-tenant-id', 'a'],
        ['x-tenant-id', 'b'],
      ],
      auth,
      tenantRoute,
    ),
    withHeaders('x-tenant-id not ASCII', [['x-tenant-id', latin1]], auth, tenantRoute),
    withHeaders('x-tenant-id overlong', [['x-tenant-id', 't'.repeat(8_000)]], auth, tenantRoute),
    withHeaders('headers over the server limit (20 KiB)', [['x-padding', 'p'.repeat(20_480)]]),
  ];
  if (route.method !== 'GET') {
    cases.push(
      withHeaders('idempotency-key repeated', [
        ['idempotency-key', 'key-one'],
        ['idempotency-key', 'key-two'],
      ]),
      withHeaders('idempotency-key not ASCII', [['idempotency-key', latin1]]),
      withHeaders('idempotency-key overlong', [['idempotency-key', 'k'.repeat(8_000)]]),
      withHeaders('idempotency-key empty', [['idempotency-key', '']]),
      withHeaders(
        'if-match repeated',
        [
          ['if-match', '"1"'],
          ['if-match', '"2"'],
        ],
        auth,
        versioned,
      ),
      withHeaders('if-match not a version', [['if-match', '"abc"']], auth, versioned),
      withHeaders('if-match a huge version', [['if-match', '"18446744073709551616"']], auth, versioned),
      withHeaders('if-match negative', [['if-match', '"-1"']], auth, versioned),
      withHeaders('if-match not ASCII', [['if-match', latin1]], auth, versioned),
    );
  } else {
    cases.push(
      withHeaders('x-consistency-token not a position', [['x-consistency-token', 'abc']], auth, queryRead),
      withHeaders('x-consistency-token huge', [['x-consistency-token', '1e400']], auth, queryRead),
      withHeaders(
        'x-consistency-token repeated',
        [
          ['x-consistency-token', '1'],
          ['x-consistency-token', '2'],
        ],
        auth,
        queryRead,
      ),
      withHeaders('x-consistency-token negative', [['x-consistency-token', '-5']], auth, queryRead),
    );
  }
  return cases;
}

/** Path cases: each path parameter in turn replaced by a hostile value. */
function pathCases(route: PublicRoute, fixture: RouteFixture): HostileCase[] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const values: readonly [string, string][] = [
    ['very long', 'i'.repeat(4_096)],
    ['longer than the server limit', 'i'.repeat(20_000)],
    ['%00', 'abc%00def'],
    ['../', '..%2F..%2Fetc%2Fpasswd'],
    ['raw ../', '../../etc/passwd'],
    ['%FF (not UTF-8)', '%FF%FE'],
    ['bad escape', '%zz%'],
    ['an emoji', '%F0%9F%92%A5'],
    ['a quote and a backslash', '%22%5C%27'],
    ['SQL', "1'%20OR%20'1'='1"],
    ['nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['upper-case UUID', 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA'],
  ];
  const body = fixture.body(route);
  return names.flatMap((param) =>
    values.map(([label, value]) => ({
      name: `path {${param}} ${label}`,
      refuse: true,
      request: {
        method: route.method,
        target: pathOf(route, { ...fixture.params(route), [param]: value }),
        headers: [...fixture.auth(route), ...(hasBody(route) ? [JSON_TYPE] : [])],
        ...(hasBody(route) && { body: Buffer.from(JSON.stringify(body ?? {})) }),
      },
    })),
  );
}

/** The query parameters each route reads (contract sections 4 and 5). */
const READ_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  '/v1/orders': ['limit', 'cursor', 'status'],
  '/v1/orders/summary': ['from', 'to'],
  '/v1/tenants': ['limit', 'cursor', 'status'],
};

/** Query cases for the routes that read one (lists and the summary); any GET route gets junk too. */
function queryCases(route: PublicRoute, fixture: RouteFixture): HostileCase[] {
  if (route.method !== 'GET') return [];
  const queries: readonly string[] = [
    'limit=1e400',
    'limit=-1',
    'limit=0',
    'limit=abc',
    'limit=18446744073709551616',
    'limit=1&limit=2',
    'cursor=garbage',
    'cursor=%FF%FE',
    `cursor=${'c'.repeat(4_096)}`,
    'status=unknown',
    'status[]=draft',
    'from=not-a-date&to=2026-01-01T00:00:00Z',
    'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    'from=99999-01-01T00:00:00Z',
    '__proto__[polluted]=1',
    'a=%zz',
    'customerId=%00',
  ];
  const target = pathOf(route, fixture.params(route));
  // a bad value of a parameter the route reads is refused; one it does not read is ignored
  const read = READ_PARAMETERS[route.path] ?? [];
  return queries.map((query) => ({
    name: `query ${query.slice(0, 40)}`,
    refuse: query.split('&').some((pair) => read.includes(pair.split(/[=[]/)[0] ?? '')),
    request: { method: 'GET', target: `${target}?${query}`, headers: [...fixture.auth(route)] },
  }));
}

/** Every hostile case for every route, named `<METHOD> <path> — <case>`. */
export function hostileCases(
  routes: readonly PublicRoute[],
  fixture: RouteFixture,
  seed: number,
): (HostileCase & { readonly route: PublicRoute })[] {
  const random = seededRandom(seed);
  return routes.flatMap((route) =>
    [
      ...bodyCases(route, fixture, random),
      ...headerCases(route, fixture),
      ...pathCases(route, fixture),
      ...queryCases(route, fixture),
    ].map((kase) => ({ ...kase, route, name: `${route.method} ${route.path} — ${kase.name}` })),
  );
}
