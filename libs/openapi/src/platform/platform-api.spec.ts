import { addOrderItemBodySchema, listOrdersQuerySchema, PUBLIC_ROUTES } from '@platform/contracts';
import { jsonSchemaOf, operationIdOf, type JsonSchema } from '../openapi-document';
import { referencePage } from '../reference-page';
import { platformApiDocument } from './platform-api';
import { operationKey, PLATFORM_OPERATIONS } from './platform-operations';

describe("the platform's OpenAPI document", () => {
  const doc = platformApiDocument();

  it('has every route of the table, and nothing else', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(PUBLIC_ROUTES.map(operationKey).sort());
  });

  it('describes every route of the table (schemas and answers), and no route that is not in it', () => {
    expect(PUBLIC_ROUTES.map(operationKey).filter((key) => !PLATFORM_OPERATIONS[key])).toEqual([]);
    const table = new Set(PUBLIC_ROUTES.map(operationKey));
    expect(Object.keys(PLATFORM_OPERATIONS).filter((key) => !table.has(key))).toEqual([]);
  });

  it('has unique operation ids', () => {
    const ids = PUBLIC_ROUTES.map(operationIdOf);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses the very schemas the services validate with', () => {
    const items = doc.paths['/v1/orders/{id}/items']?.post as {
      requestBody: { content: Record<string, { schema: JsonSchema }> };
    };
    expect(items.requestBody.content['application/json']?.schema).toEqual(
      jsonSchemaOf(addOrderItemBodySchema, 'input'),
    );
    const list = doc.paths['/v1/orders']?.get as { parameters: { name: string; in: string }[] };
    const query = list.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect(query).toEqual(Object.keys(listOrdersQuerySchema.shape));
  });

  it('is plain JSON (serializes and parses to the same document)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('renders a reference page with every operation and nothing fetched from elsewhere', () => {
    const html = referencePage(doc);
    for (const route of PUBLIC_ROUTES) expect(html).toContain(`id="${operationIdOf(route)}"`);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!tenantflow\.dev\/problems)/);
  });
});
