import { z } from 'zod';
import { openApiDocument } from './openapi-document';
import { responseMismatches } from './response-conformance';

const document = openApiDocument({
  title: 't',
  version: '1',
  routes: [
    { method: 'GET', path: '/v1/widgets/{id}', access: 'tenant-read' },
    { method: 'DELETE', path: '/v1/widgets/{id}', access: 'tenant-write' },
  ],
  operationOf: (route) =>
    route.method === 'GET'
      ? {
          summary: 'A widget',
          responses: [
            { status: 200, description: 'ok', schema: z.object({ id: z.uuid(), size: z.number().int() }) },
          ],
        }
      : { summary: 'Delete', responses: [{ status: 204, description: 'gone' }] },
});

const ID = '0b5b2a4e-6b1e-4d8e-9a57-3f2f6f0e8c11';
const problem = (status: number, slug: string) => ({
  type: `https://tenantflow.dev/problems/${slug}`,
  title: 'x',
  status,
  detail: 'x',
  traceId: 't',
});

describe('responseMismatches', () => {
  it('accepts an answer as documented', () => {
    const ok = { status: 200, contentType: 'application/json; charset=utf-8', body: { id: ID, size: 2 } };
    expect(responseMismatches(document, 'GET', '/v1/widgets/{id}', ok)).toEqual([]);
    const gone = { status: 204, contentType: null, body: undefined };
    expect(responseMismatches(document, 'DELETE', '/v1/widgets/{id}', gone)).toEqual([]);
    const notFound = {
      status: 404,
      contentType: 'application/problem+json',
      body: problem(404, 'not-found'),
    };
    expect(responseMismatches(document, 'GET', '/v1/widgets/{id}', notFound)).toEqual([]);
  });

  it('reports a body its schema refuses: a missing field, a wrong type, a field too many', () => {
    const answer = (body: unknown) => ({ status: 200, contentType: 'application/json', body });
    expect(responseMismatches(document, 'GET', '/v1/widgets/{id}', answer({ id: ID }))).toHaveLength(1);
    expect(responseMismatches(document, 'GET', '/v1/widgets/{id}', answer({ id: 'x', size: 2 }))).not.toEqual(
      [],
    );
    expect(
      responseMismatches(document, 'GET', '/v1/widgets/{id}', answer({ id: ID, size: 2, colour: 'red' })),
    ).toHaveLength(1);
  });

  it('reports an undocumented status, another media type, a problem of another type or status', () => {
    const get = (status: number, contentType: string, body: unknown) =>
      responseMismatches(document, 'GET', '/v1/widgets/{id}', { status, contentType, body });
    expect(get(201, 'application/json', { id: ID, size: 1 })).toEqual([
      expect.stringContaining('status not documented'),
    ]);
    expect(get(404, 'application/json', problem(404, 'not-found'))).toEqual([
      expect.stringContaining('content-type application/json'),
    ]);
    expect(get(404, 'application/problem+json', problem(404, 'conflict'))).not.toEqual([]);
    expect(get(404, 'application/problem+json', problem(409, 'not-found'))).not.toEqual([]);
    expect(get(404, 'application/problem+json', { title: 'no type' })).not.toEqual([]);
  });

  it('knows which operations the document has', () => {
    expect(
      responseMismatches(document, 'PUT', '/v1/widgets/{id}', { status: 200, contentType: null, body: {} }),
    ).toEqual(['PUT /v1/widgets/{id} is not in the document']);
  });
});
