import { z } from 'zod';
import type { PublicRoute } from '@platform/contracts';
import { openApiDocument, operationIdOf, type JsonSchema, type OperationDoc } from './openapi-document';

const widgetBody = z.strictObject({ name: z.string().min(1), size: z.number().int().default(1) });

const ROUTES: readonly PublicRoute[] = [
  { method: 'POST', path: '/v1/widgets', access: 'tenant-write' },
  { method: 'GET', path: '/v1/widgets/{id}', access: 'tenant-read' },
  { method: 'DELETE', path: '/v1/gadgets/{id}', access: 'platform' },
];

const DOCS: Record<string, OperationDoc> = {
  'POST /v1/widgets': {
    summary: 'Create a widget',
    body: widgetBody,
    ifMatch: true,
    responses: [
      { status: 201, description: 'Created.', schema: z.object({ id: z.uuid() }), headers: ['ETag'] },
    ],
  },
  'GET /v1/widgets/{id}': {
    summary: 'A widget',
    params: { id: z.uuid() },
    query: z.strictObject({ expand: z.enum(['parts']).optional() }),
    responses: [{ status: 200, description: 'The widget.', schema: z.object({ id: z.uuid() }) }],
  },
};

const generate = (routes = ROUTES) =>
  openApiDocument({ title: 't', version: '1', routes, operationOf: (r) => DOCS[`${r.method} ${r.path}`] });

const operation = (doc: ReturnType<typeof generate>, method: string, path: string): JsonSchema => {
  const found = doc.paths[path]?.[method];
  if (!found) throw new Error(`${method} ${path} is not in the document`);
  return found;
};

const names = (op: JsonSchema): string[] => (op.parameters as { name: string }[]).map((p) => p.name);

describe('openApiDocument', () => {
  it('has one operation per route of the table, and a new route is in it at once', () => {
    const more: PublicRoute = { method: 'PUT', path: '/v1/widgets/{id}/colour', access: 'tenant-write' };
    const doc = generate([...ROUTES, more]);
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(listed.sort()).toEqual(
      [
        'post /v1/widgets',
        'get /v1/widgets/{id}',
        'delete /v1/gadgets/{id}',
        'put /v1/widgets/{id}/colour',
      ].sort(),
    );
    // undescribed: still there, with its path parameter and the error answers
    const undescribed = operation(doc, 'put', '/v1/widgets/{id}/colour');
    expect(names(undescribed)).toContain('id');
    expect(Object.keys(undescribed.responses as object)).toEqual(
      expect.arrayContaining(['default', '400', '401']),
    );
  });

  it('takes the request body from the zod schema the service parses with (defaults make fields optional)', () => {
    const op = operation(generate(), 'post', '/v1/widgets');
    const body = op.requestBody as { required: boolean; content: Record<string, { schema: JsonSchema }> };
    expect(body.required).toBe(true);
    expect(body.content['application/json']?.schema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, size: { type: 'integer', default: 1 } },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('documents the headers of the contract: Idempotency-Key and If-Match on writes, X-Consistency-Token on reads', () => {
    const doc = generate();
    expect(names(operation(doc, 'post', '/v1/widgets'))).toEqual([
      'X-Tenant-ID',
      'Idempotency-Key',
      'If-Match',
    ]);
    expect(names(operation(doc, 'get', '/v1/widgets/{id}'))).toEqual([
      'id',
      'expand',
      'X-Tenant-ID',
      'X-Consistency-Token',
    ]);
    const created = (operation(doc, 'post', '/v1/widgets').responses as Record<string, JsonSchema>)['201'];
    expect(Object.keys(created?.headers as object)).toEqual(['ETag', 'X-Trace-Id', 'Idempotent-Replayed']);
  });

  it('answers errors as problem+json of the contract types, derived from what the route is', () => {
    const doc = generate();
    const write = operation(doc, 'post', '/v1/widgets').responses as Record<string, JsonSchema>;
    expect(Object.keys(write)).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '412',
      '413',
      '415',
      '422',
      '429',
      '503',
      '504',
    ]);
    const read = operation(doc, 'get', '/v1/widgets/{id}').responses as Record<string, JsonSchema>;
    expect(Object.keys(read)).not.toContain('412');
    expect(Object.keys(read)).not.toContain('422');
    const tooMany = write['429'] as {
      content: Record<string, { schema: { allOf: JsonSchema[] } }>;
      headers: object;
    };
    expect(Object.keys(tooMany.content)).toEqual(['application/problem+json']);
    expect(tooMany.content['application/problem+json']?.schema.allOf[1]).toEqual({
      type: 'object',
      properties: {
        type: {
          type: 'string',
          enum: [
            'https://tenantflow.dev/problems/rate-limited',
            'https://tenantflow.dev/problems/quota-exceeded',
          ],
        },
        status: { type: 'integer', const: 429 },
      },
    });
    expect(Object.keys(tooMany.headers)).toEqual([
      'Retry-After',
      'RateLimit-Policy',
      'RateLimit',
      'X-Trace-Id',
    ]);
    // the control plane has no tenant header and no rate limit on reads
    const admin = operation(doc, 'delete', '/v1/gadgets/{id}');
    expect(names(admin)).toEqual(['id', 'Idempotency-Key']);
  });

  it('secures every operation with a bearer JWT or an API key', () => {
    const doc = generate();
    expect(doc.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect((doc.components.securitySchemes as Record<string, JsonSchema>).bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('names operations uniquely by method and path', () => {
    expect(operationIdOf({ method: 'POST', path: '/v1/orders/{id}/items', access: 'tenant-write' })).toBe(
      'postV1OrdersIdItems',
    );
    expect(
      operationIdOf({
        method: 'GET',
        path: '/v1/tenants/{id}/webhooks/dead-letters',
        access: 'tenant-admin',
      }),
    ).toBe('getV1TenantsIdWebhooksDeadLetters');
  });
});
