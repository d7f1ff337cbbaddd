import { z } from 'zod';
import { ProblemTypes, problemTypeUri, type ProblemKind, type PublicRoute } from '@platform/contracts';

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect) as plain data. */
export type JsonSchema = { readonly [key: string]: unknown };

/** A header the platform documents once and routes refer to by name. */
export type HeaderName =
  | 'ETag'
  | 'Location'
  | 'Retry-After'
  | 'Idempotent-Replayed'
  | 'RateLimit-Policy'
  | 'RateLimit'
  | 'X-Trace-Id';

/** One successful answer of an operation. */
export interface SuccessResponse {
  readonly status: number;
  readonly description: string;
  /** The JSON body; none for a `204` or `304`. */
  readonly schema?: z.ZodType;
  readonly headers?: readonly HeaderName[];
}

/**
 * What the route table does not say about a route: its schemas and answers. The request schemas
 * are the ones the services validate with, so the document cannot drift from them.
 */
export interface OperationDoc {
  readonly summary: string;
  readonly description?: string;
  /** The JSON request body, as the service parses it. */
  readonly body?: z.ZodType;
  /** The request body may be left out (e.g. `POST …/suspend`). */
  readonly bodyOptional?: boolean;
  /** A body that is not JSON: its media type (e.g. a tenant archive, `application/gzip`). */
  readonly binaryBody?: string;
  /** The query string, as the service parses it: an object schema, one parameter per key. */
  readonly query?: z.ZodObject;
  /** Path parameters by name; a placeholder without one is a plain string. */
  readonly params?: Readonly<Record<string, z.ZodType>>;
  readonly responses: readonly SuccessResponse[];
  /** Takes `If-Match` (ADR 0011): answers `412` on another version. */
  readonly ifMatch?: boolean;
  /** Takes `If-None-Match`: answers `304` when the tag matches. */
  readonly ifNoneMatch?: boolean;
  /** A business rule or lifecycle transition may refuse it: `409`. */
  readonly conflicts?: boolean;
}

export interface OpenApiInput {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly routes: readonly PublicRoute[];
  /** The operation of a route, or `undefined` when nobody described it (it is still listed). */
  readonly operationOf: (route: PublicRoute) => OperationDoc | undefined;
}

export type OpenApiDocument = {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, JsonSchema>>>>;
  readonly components: JsonSchema;
  readonly security: readonly JsonSchema[];
  readonly tags: readonly JsonSchema[];
};

const PROBLEM_JSON = 'application/problem+json';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const HEADERS: Readonly<Record<HeaderName, JsonSchema>> = {
  ETag: { description: 'The version of the resource, `"<version>"`.', schema: { type: 'string' } },
  Location: { description: 'Where the created resource is read.', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string' } },
  'Idempotent-Replayed': {
    description: '`true` when this is the kept answer of an earlier request with the same key.',
    schema: { type: 'string', enum: ['true'] },
  },
  'RateLimit-Policy': { description: "The tenant plan's limit.", schema: { type: 'string' } },
  RateLimit: { description: 'What is left of the limit.', schema: { type: 'string' } },
  'X-Trace-Id': { description: 'The trace of this request.', schema: { type: 'string' } },
};

const REQUEST_HEADERS = {
  tenant: {
    name: 'X-Tenant-ID',
    in: 'header',
    required: false,
    description: 'The tenant (id or slug); may be left out when the token names exactly one.',
    schema: { type: 'string', minLength: 1, maxLength: 100 },
  },
  idempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'A repeat with the same key and body within 24 h returns the first answer (ADR 0010); another body is `422`.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
  },
  ifMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'An entity tag (`"<version>"`), a list of them, or `*` (ADR 0011).',
    schema: { type: 'string' },
  },
  ifNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'Answers `304` when the resource is still at this version.',
    schema: { type: 'string' },
  },
  consistencyToken: {
    name: 'X-Consistency-Token',
    in: 'header',
    required: false,
    description:
      "A command's `position`: the read waits until the read models applied it, `504` past the bound (ADR 0012).",
    schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
  },
} as const;

/** The JSON Schema of a zod schema, as a request (`input`: defaults make fields optional) or an answer. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** `POST /v1/orders/{id}/items` → `postV1OrdersIdItems`: unique per method and path. */
export function operationIdOf(route: PublicRoute): string {
  const words = route.path
    .split(/[/{}-]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1));
  return route.method.toLowerCase() + words.join('');
}

function paramNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1]!);
}

/** The problems a route may answer, from what it is: derived, never listed per route. */
function problemKinds(route: PublicRoute, doc: OperationDoc | undefined): ProblemKind[] {
  const write = WRITES.has(route.method);
  const tenantScoped = route.access === 'tenant-read' || route.access === 'tenant-write';
  const kinds: ProblemKind[] = ['validation', 'unauthorized', 'forbidden', 'notFound'];
  if (write || doc?.conflicts) kinds.push('conflict');
  if (doc?.ifMatch) kinds.push('versionMismatch');
  if (doc?.body || doc?.binaryBody) kinds.push('payloadTooLarge', 'unsupportedMediaType');
  if (write) kinds.push('unprocessable');
  if (tenantScoped || write) kinds.push('rateLimited');
  kinds.push('unavailable');
  if (tenantScoped) kinds.push('timeout');
  return kinds;
}

/**
 * One problem+json answer per status the route's kinds have, listing every problem type of that
 * status (a route that may answer `rate-limited` may answer `quota-exceeded` too: both are 429s).
 */
function problemResponses(kinds: readonly ProblemKind[]): Record<string, JsonSchema> {
  const statuses = [...new Set(kinds.map((kind) => ProblemTypes[kind].status))].sort((a, b) => a - b);
  const allKinds = Object.keys(ProblemTypes) as ProblemKind[];
  const byStatus = statuses.map(
    (status) => [status, allKinds.filter((kind) => ProblemTypes[kind].status === status)] as const,
  );
  const responses: Record<string, JsonSchema> = {};
  for (const [status, ofStatus] of byStatus) {
    const retry = status === 429 || status === 503 || status === 409;
    responses[String(status)] = {
      description: ofStatus
        .map((kind) => `\`${ProblemTypes[kind].slug}\`: ${ProblemTypes[kind].title}`)
        .join('; '),
      headers: {
        ...(retry && { 'Retry-After': { $ref: '#/components/headers/Retry-After' } }),
        ...(status === 429 && {
          'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
          RateLimit: { $ref: '#/components/headers/RateLimit' },
        }),
        'X-Trace-Id': { $ref: '#/components/headers/X-Trace-Id' },
      },
      content: {
        [PROBLEM_JSON]: {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/Problem' },
              {
                type: 'object',
                properties: {
                  type: { type: 'string', enum: ofStatus.map(problemTypeUri) },
                  status: { type: 'integer', const: status },
                },
              },
            ],
          },
        },
      },
    };
  }
  return responses;
}

function successResponse(response: SuccessResponse, write: boolean): JsonSchema {
  const names: HeaderName[] = [...(response.headers ?? []), 'X-Trace-Id'];
  if (write) names.push('Idempotent-Replayed');
  return {
    description: response.description,
    headers: Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }])),
    ...(response.schema && {
      content: { 'application/json': { schema: jsonSchemaOf(response.schema, 'output') } },
    }),
  };
}

function parametersOf(route: PublicRoute, doc: OperationDoc | undefined): JsonSchema[] {
  const path = paramNames(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: doc?.params?.[name] ? jsonSchemaOf(doc.params[name], 'input') : { type: 'string' },
  }));
  const shape = doc?.query
    ? (jsonSchemaOf(doc.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] })
    : {};
  const query = Object.entries(shape.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: shape.required?.includes(name) ?? false,
    schema,
  }));
  const tenantScoped = route.access === 'tenant-read' || route.access === 'tenant-write';
  const headers: JsonSchema[] = [];
  if (tenantScoped) headers.push(REQUEST_HEADERS.tenant);
  if (WRITES.has(route.method)) headers.push(REQUEST_HEADERS.idempotencyKey);
  if (doc?.ifMatch) headers.push(REQUEST_HEADERS.ifMatch);
  if (doc?.ifNoneMatch) headers.push(REQUEST_HEADERS.ifNoneMatch);
  if (route.access === 'tenant-read') headers.push(REQUEST_HEADERS.consistencyToken);
  return [...path, ...query, ...headers];
}

function operationOf(route: PublicRoute, doc: OperationDoc | undefined): JsonSchema {
  const write = WRITES.has(route.method);
  const success: Record<string, JsonSchema> = doc
    ? Object.fromEntries(
        doc.responses.map((response) => [String(response.status), successResponse(response, write)]),
      )
    : { default: { description: 'Not described yet.' } };
  if (doc?.ifNoneMatch) {
    success['304'] = successResponse({ status: 304, description: 'Not modified.', headers: ['ETag'] }, false);
  }
  return {
    operationId: operationIdOf(route),
    tags: [tagOf(route.path)],
    summary: doc?.summary ?? `${route.method} ${route.path}`,
    ...(doc?.description && { description: doc.description }),
    'x-access': route.access,
    parameters: parametersOf(route, doc),
    ...(doc?.body && {
      requestBody: {
        required: !doc.bodyOptional,
        content: { 'application/json': { schema: jsonSchemaOf(doc.body, 'input') } },
      },
    }),
    ...(doc?.binaryBody && {
      requestBody: {
        required: true,
        content: { [doc.binaryBody]: { schema: { type: 'string', contentMediaType: doc.binaryBody } } },
      },
    }),
    responses: { ...success, ...problemResponses(problemKinds(route, doc)) },
  };
}

/** `/v1/orders/{id}` → `orders`. */
function tagOf(path: string): string {
  return path.split('/')[2] ?? 'other';
}

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, with the trace of the request.',
  required: ['type', 'title', 'status', 'detail', 'traceId'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    traceId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/**
 * The OpenAPI 3.1 document of a route table: one operation per route, its schemas from the zod
 * schemas the services validate with, its error answers derived from what the route is (a write,
 * tenant-scoped, with a body, with `If-Match`) and the contract's problem types. Pure.
 *
 * @example
 * const document = openApiDocument({
 *   title: 'tenantflow', version: '1', routes: PUBLIC_ROUTES, operationOf: (r) => DOCS[`${r.method} ${r.path}`],
 * });
 */
export function openApiDocument(input: OpenApiInput): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of input.routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operationOf(route, input.operationOf(route));
  }
  const tags = [...new Set(input.routes.map((route) => tagOf(route.path)))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: input.title,
      version: input.version,
      ...(input.description && { description: input.description }),
    },
    paths,
    components: {
      schemas: { Problem: problemSchema },
      headers: HEADERS,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    tags,
  };
}
