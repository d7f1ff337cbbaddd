import { MANIFEST_EXAMPLE } from './manifest-example';
import { manifestHash } from './manifest-hash';
import { manifestFormatOf, parseManifest, type ParsedManifest } from './parse-manifest';

const YAML = 'application/yaml';
const JSON_TYPE = 'application/json';

const example = {
  apiVersion: 'tenantflow/v1',
  kind: 'Tenant',
  metadata: { slug: 'acme' },
  spec: { name: 'Acme Inc', plan: 'standard', isolation: 'schema', region: 'eu-west-1', status: 'active' },
} as const;

const errorsOf = (parsed: ParsedManifest) => (parsed.ok ? [] : parsed.rejection.errors);

describe('parseManifest', () => {
  it('reads the README example, as YAML', () => {
    expect(parseManifest(MANIFEST_EXAMPLE, YAML)).toEqual({
      ok: true,
      manifest: example,
      hash: manifestHash(example.spec),
    });
  });

  it('reads the same manifest as JSON, in another key order, with the same hash', () => {
    const json = JSON.stringify({
      spec: {
        region: 'eu-west-1',
        status: 'active',
        isolation: 'schema',
        plan: 'standard',
        name: 'Acme Inc',
      },
      metadata: { slug: 'acme' },
      kind: 'Tenant',
      apiVersion: 'tenantflow/v1',
    });
    expect(parseManifest(json, JSON_TYPE)).toEqual(parseManifest(MANIFEST_EXAMPLE, YAML));
  });

  it('asks for an active tenant when status is left out, hashing as if it were written', () => {
    const withoutStatus = MANIFEST_EXAMPLE.replace('  status: active\n', '');
    expect(withoutStatus).not.toContain('status');
    expect(parseManifest(withoutStatus, YAML)).toEqual(parseManifest(MANIFEST_EXAMPLE, YAML));
  });

  it('lists every field error with its path', () => {
    const parsed = parseManifest(
      `apiVersion: tenantflow/v2
kind: Tenant
metadata:
  slug: Acme
spec:
  name: ""
  plan: gold
  isolation: schema
  status: archived
  colour: blue
`,
      YAML,
    );
    expect(parsed).toMatchObject({
      ok: false,
      rejection: { kind: 'validation', code: 'manifest-invalid', detail: 'the manifest is not valid' },
    });
    expect(
      errorsOf(parsed)
        .map((error) => error.path)
        .sort(),
    ).toEqual([
      '/apiVersion',
      '/metadata/slug',
      '/spec/colour',
      '/spec/name',
      '/spec/plan',
      '/spec/region',
      '/spec/status',
    ]);
    expect(errorsOf(parsed)).toContainEqual({ path: '/spec/colour', message: 'unknown field' });
    expect(errorsOf(parsed)).toContainEqual({
      path: '/spec/plan',
      message: expect.stringContaining('"enterprise"'),
    });
  });

  it('reports field errors of a JSON manifest the same way', () => {
    const json = JSON.stringify({ ...example, spec: { ...example.spec, isolation: 'vm', region: 'EU' } });
    expect(
      errorsOf(parseManifest(json, JSON_TYPE))
        .map((error) => error.path)
        .sort(),
    ).toEqual(['/spec/isolation', '/spec/region']);
  });

  it('refuses a document that is not a mapping, at the root', () => {
    expect(parseManifest('just a string', YAML)).toMatchObject({
      ok: false,
      rejection: { code: 'manifest-invalid', errors: [{ path: '/' }] },
    });
    expect(parseManifest('', YAML)).toMatchObject({ ok: false, rejection: { errors: [{ path: '/' }] } });
    expect(parseManifest('[1, 2]', JSON_TYPE)).toMatchObject({
      ok: false,
      rejection: { errors: [{ path: '/' }] },
    });
  });

  it('refuses YAML that does not parse, saying where', () => {
    const parsed = parseManifest('apiVersion: tenantflow/v1\nkind: Tenant\nspec: [unclosed\n', YAML);
    expect(parsed).toMatchObject({
      ok: false,
      rejection: { kind: 'validation', code: 'manifest-syntax', detail: 'the manifest is not valid YAML' },
    });
    expect(errorsOf(parsed)[0]).toEqual({
      path: '/',
      message: expect.stringMatching(/^line \d+, column \d+: /),
    });
  });

  it('refuses a YAML key written twice rather than keeping the last', () => {
    const twice = MANIFEST_EXAMPLE.replace('  plan: standard\n', '  plan: standard\n  plan: free\n');
    expect(errorsOf(parseManifest(twice, YAML))).toEqual([
      { path: '/', message: expect.stringMatching(/^line 8, column 3: Map keys must be unique/) },
    ]);
  });

  it('refuses several YAML documents in one body', () => {
    expect(parseManifest(`${MANIFEST_EXAMPLE}---\n${MANIFEST_EXAMPLE}`, YAML)).toMatchObject({
      ok: false,
      rejection: { code: 'manifest-syntax' },
    });
  });

  it('refuses a YAML alias bomb without throwing', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]']
      .concat([
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      ])
      .join('\n');
    expect(parseManifest(bomb, YAML)).toMatchObject({ ok: false, rejection: { code: 'manifest-syntax' } });
  });

  it('refuses JSON that does not parse', () => {
    expect(parseManifest('{"apiVersion": ', JSON_TYPE)).toMatchObject({
      ok: false,
      rejection: { kind: 'validation', code: 'manifest-syntax', detail: 'the manifest is not valid JSON' },
    });
  });

  it.each([undefined, 'text/plain', 'application/xml', ''])('refuses the content type %j', (contentType) => {
    expect(parseManifest(MANIFEST_EXAMPLE, contentType)).toMatchObject({
      ok: false,
      rejection: { kind: 'unsupportedMediaType', code: 'unsupported-media-type' },
    });
  });
});

describe('manifestFormatOf', () => {
  it.each([
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['Application/JSON', 'json'],
    ['application/vnd.tenantflow.manifest+json', 'json'],
    ['application/yaml', 'yaml'],
    ['application/x-yaml', 'yaml'],
    ['text/yaml; charset=utf-8', 'yaml'],
    ['text/x-yaml', 'yaml'],
    ['application/vnd.tenantflow.manifest+yaml', 'yaml'],
    ['text/plain', undefined],
  ])('reads %j as %s', (contentType, format) => {
    expect(manifestFormatOf(contentType)).toBe(format);
  });
});
