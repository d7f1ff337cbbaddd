import { z } from 'zod';
import type { JsonSchema, OpenApiDocument } from './openapi-document';

/** An answer as a client saw it. */
export interface ObservedResponse {
  readonly status: number;
  /** The `content-type` header, if any. */
  readonly contentType: string | null;
  /** The parsed JSON body; `undefined` when there was none. */
  readonly body: unknown;
}

/** `$ref`s into the document replaced by what they point at (the document has no cycles). */
function dereference(value: unknown, document: OpenApiDocument): unknown {
  if (Array.isArray(value)) return value.map((item) => dereference(item, document));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.$ref === 'string' && record.$ref.startsWith('#/')) {
    const target = record.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
    return dereference(target, document);
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, dereference(item, document)]));
}

/**
 * Where `response` differs from what the document says `method path` answers: an undocumented
 * status, another media type, a body its schema refuses. Empty when it conforms. Pure.
 *
 * @example
 * responseMismatches(document, 'GET', '/v1/orders/{id}', { status: 200, contentType: 'application/json', body })
 */
export function responseMismatches(
  document: OpenApiDocument,
  method: string,
  path: string,
  response: ObservedResponse,
): string[] {
  const operation = document.paths[path]?.[method.toLowerCase()];
  const where = `${method.toUpperCase()} ${path} ${response.status}`;
  if (!operation) return [`${method.toUpperCase()} ${path} is not in the document`];
  const responses = operation.responses as Record<string, JsonSchema>;
  const documented = responses[String(response.status)] ?? responses.default;
  if (!documented) return [`${where}: status not documented (${Object.keys(responses).join(', ')})`];
  const content = documented.content as Record<string, { schema: JsonSchema }> | undefined;
  if (!content) {
    return response.body === undefined ? [] : [`${where}: a body where the document has none`];
  }
  const mediaType = (response.contentType ?? '').split(';')[0]!.trim();
  const media = content[mediaType];
  if (!media)
    return [`${where}: content-type ${mediaType || '(none)'}, documented ${Object.keys(content).join(', ')}`];
  const schema = z.fromJSONSchema(
    dereference(media.schema, document) as Parameters<typeof z.fromJSONSchema>[0],
  );
  const parsed = schema.safeParse(response.body);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${where}: /${issue.path.map(String).join('/')} ${issue.message}`);
}
