export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

export interface ApiRequest {
  readonly token?: string;
  readonly tenant?: string;
  readonly body?: unknown;
  /** Sent as-is instead of JSON. */
  readonly rawBody?: string;
  readonly contentType?: string;
  /** More request headers (e.g. `idempotency-key`), sent as given. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A thin client of the public HTTP API. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  request: ApiRequest = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  if (request.tenant !== undefined) headers['x-tenant-id'] = request.tenant;
  Object.assign(headers, request.headers);
  let body: string | undefined;
  if (request.rawBody !== undefined || request.body !== undefined) {
    headers['content-type'] = request.contentType ?? 'application/json';
    body = request.rawBody ?? JSON.stringify(request.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined && { body }) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The contract's error shape (RFC 9457 problem+json, with a traceId), and its type when given. */
export function expectProblem(response: ApiResponse, status: number, typeSuffix?: string): void {
  expect({ status: response.status, contentType: response.headers.get('content-type') }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json(;|$)/),
  });
  expect(response.body).toMatchObject({
    status,
    title: expect.any(String),
    detail: expect.any(String),
    traceId: expect.any(String),
  });
  if (typeSuffix) expect(String(response.body.type)).toMatch(new RegExp(`/${typeSuffix}$`));
}
