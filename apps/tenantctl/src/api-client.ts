/** What the CLI sends: one HTTP call to the gateway. */
export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** Raw body (a manifest file) with its content type. */
  readonly raw?: { readonly text: string; readonly contentType: string };
  /**
   * Who answers: the gateway (default), or the projection service's operator routes (parked
   * messages, dead-letter topics; ADR 0021), which are not on the gateway.
   */
  readonly service?: 'gateway' | 'projection';
}

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
}

export interface Connection {
  /** Base URL of the service the call goes to (see {@link ApiCall.service}). */
  readonly url: string;
  readonly token: string;
  readonly tenant?: string;
}

/** Sends one call with the operator's token; the answer's JSON (or problem+json) comes back as is. */
export async function send(connection: Connection, call: ApiCall): Promise<ApiResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${connection.token}` };
  if (connection.tenant !== undefined) headers['x-tenant-id'] = connection.tenant;
  let body: string | undefined;
  if (call.raw) {
    headers['content-type'] = call.raw.contentType;
    body = call.raw.text;
  } else if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.body);
  }
  const response = await fetch(new URL(call.path, connection.url), {
    method: call.method,
    headers,
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}
