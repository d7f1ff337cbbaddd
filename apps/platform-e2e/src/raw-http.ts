import { connect } from 'node:net';

/** One HTTP/1.1 request as bytes on a socket: what `fetch` refuses to send (bad bytes, repeated headers). */
export interface RawRequest {
  readonly method: string;
  /** Sent as-is on the request line (not encoded). */
  readonly target: string | Buffer;
  /** Name and value pairs, in order; a name may repeat. Values may hold any byte. */
  readonly headers: readonly (readonly [string, string | Buffer])[];
  readonly body?: Buffer;
}

export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const CRLF = '\r\n';

/** The request's bytes: request line, headers (plus Host, Content-Length, Connection: close), body. */
export function encodeRequest(request: RawRequest, host: string): Buffer {
  const line = (parts: (string | Buffer)[]): Buffer =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
  const head: Buffer[] = [line([request.method, ' ', request.target, ' HTTP/1.1', CRLF])];
  head.push(line([`host: ${host}`, CRLF, 'connection: close', CRLF]));
  for (const [name, value] of request.headers) head.push(line([name, ': ', value, CRLF]));
  if (request.body !== undefined) head.push(line([`content-length: ${request.body.length}`, CRLF]));
  head.push(Buffer.from(CRLF));
  return Buffer.concat([...head, ...(request.body ? [request.body] : [])]);
}

function decodeChunked(payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = payload.indexOf(CRLF, at);
    if (end < 0) break;
    const size = parseInt(payload.subarray(at, end).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(payload.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Parses a complete HTTP/1.1 response, or returns undefined if `bytes` holds none yet. */
export function parseResponse(bytes: Buffer): RawResponse | undefined {
  const split = bytes.indexOf(CRLF + CRLF);
  if (split < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, split).toString('latin1').split(CRLF);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const headerLine of lines) {
    const colon = headerLine.indexOf(':');
    const name = headerLine.slice(0, colon).trim().toLowerCase();
    const value = headerLine.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const payload = bytes.subarray(split + 4);
  const length = headers['content-length'];
  if (length !== undefined) {
    if (payload.length < Number(length)) return undefined;
    return { status, headers, body: payload.subarray(0, Number(length)).toString('utf8') };
  }
  if (headers['transfer-encoding']?.includes('chunked')) {
    if (payload.indexOf(`0${CRLF}${CRLF}`) < 0) return undefined;
    return { status, headers, body: decodeChunked(payload).toString('utf8') };
  }
  return undefined;
}

/**
 * Sends `request` on a fresh connection to 127.0.0.1:`port` and resolves with the response. Rejects
 * when no complete response arrives within `timeoutMs` (a hang) or the connection ends without one.
 * A server may answer and close before reading a large body (413): the answer still counts.
 */
export function sendRaw(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      const response = parseResponse(Buffer.concat(received));
      if (response === undefined && error === undefined) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (response) resolve(response);
      else reject(error ?? new Error('no response'));
    };
    const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      settle();
    });
    socket.on('end', () => settle(new Error('connection closed without a complete response')));
    socket.on('error', (error) => settle(error));
    socket.on('connect', () => socket.write(encodeRequest(request, `127.0.0.1:${port}`)));
  });
}
