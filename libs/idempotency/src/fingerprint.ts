import { createHash } from 'node:crypto';

/** The parts of a request that make it "the same request" for a key. */
export interface FingerprintedRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  /** The parsed body: JSON values, a string for text (a YAML manifest), `undefined` for none. */
  readonly body: unknown;
  /** The `If-Match` header as sent, if any: another precondition is another request. */
  readonly ifMatch?: string;
}

/**
 * SHA-256 (hex) of method, URL, body and `If-Match`. A JSON body counts in its canonical form, so
 * the order of its keys (and the whitespace it was sent with) does not matter; a text body (YAML)
 * counts as sent.
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  const body =
    request.body === undefined
      ? 'none'
      : typeof request.body === 'string'
        ? `text:${request.body}`
        : `json:${canonicalJson(request.body)}`;
  return createHash('sha256')
    .update(
      JSON.stringify([
        request.method.toUpperCase(),
        request.url,
        body,
        ...(request.ifMatch === undefined ? [] : [`if-match:${request.ifMatch}`]),
      ]),
    )
    .digest('hex');
}

/**
 * JSON with object keys sorted at every depth (arrays keep their order). Like `JSON.stringify`,
 * leaves out object members whose value is `undefined`.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
