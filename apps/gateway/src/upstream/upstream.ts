import { Readable } from 'node:stream';
import { context, propagation } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'undici';
import { ProblemError } from '@platform/contracts';
import { INTERNAL_CONTEXT_HEADER, type InternalContextCodec, type TenantContext } from '@platform/tenancy';

const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'etag',
  'location',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
];

/** A streamed exchange (an archive import verifies and writes before it answers): 30 min at most. */
const STREAM_TIMEOUT_MS = 30 * 60_000;

/** How an upstream learns who the caller is. */
export type UpstreamIdentity =
  /** The caller's credentials travel along (in `requestHeaders`); the upstream authenticates them again. */
  | { readonly kind: 'credentials' }
  /**
   * The identity the gateway established, signed (ADR 0017): the caller's credentials stay here and
   * the upstream verifies one HMAC instead of a token.
   */
  | { readonly kind: 'signed-context'; readonly codec: InternalContextCodec };

export interface UpstreamOptions {
  readonly identity: UpstreamIdentity;
  /** The caller's headers the upstream sees (its preconditions, consistency tokens, credentials). */
  readonly requestHeaders: readonly string[];
  /** Keep-alive connections at most; a request beyond them waits in the gateway for a free one. */
  readonly connections: number;
}

/**
 * The body as the client sent it: the JSON text the parser kept (`rawBody`), or YAML as text. A
 * re-serialisation would change what the upstream validates (`1e400` would become `null`).
 */
function bodyOf(request: FastifyRequest): string {
  const { rawBody } = request as { rawBody?: unknown };
  if (typeof rawBody === 'string') return rawBody;
  return typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
}

/** A keep-alive connection pool to an internal HTTP service (query service, tenant registry). */
export class Upstream {
  private readonly pool: Pool;

  constructor(
    readonly name: string,
    baseUrl: string,
    private readonly options: UpstreamOptions,
  ) {
    this.pool = new Pool(baseUrl, { connections: options.connections, keepAliveTimeout: 30_000 });
  }

  /**
   * Sends the request on to `path` and the answer back: status, the headers a client needs, and the
   * body's bytes as they came (no parsing, no re-serialising).
   */
  async forward(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    tenant?: TenantContext,
  ): Promise<void> {
    const headers: Record<string, string> = { 'x-request-id': request.id };
    for (const name of this.options.requestHeaders) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const { identity } = this.options;
    if (identity.kind === 'signed-context') {
      if (tenant === undefined) throw new Error(`the ${this.name} is only reached in a tenant's context`);
      headers[INTERNAL_CONTEXT_HEADER] = identity.codec.sign(tenant, { method: request.method, path });
    } else if (tenant !== undefined) {
      headers['x-tenant-id'] = tenant.tenantId;
    }
    propagation.inject(context.active(), headers);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
    let response;
    try {
      response = await this.pool.request({
        method: request.method,
        path,
        headers,
        body: hasBody ? bodyOf(request) : null,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch {
      throw new ProblemError('unavailable', `the ${this.name} does not answer`, undefined, {
        'retry-after': '5',
      });
    }
    const body = Buffer.from(await response.body.arrayBuffer());
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers[name];
      if (typeof value === 'string') void reply.header(name, value);
    }
    void reply.status(response.statusCode);
    await (body.length > 0 ? reply.send(body) : reply.send());
  }

  /**
   * As {@link forward}, for bodies of any size both ways (a tenant archive, ADR 0034): the request
   * body (a stream, see the archive content-type parser) and the answer are piped, never buffered,
   * and the answer may take as long as the upstream needs to verify and write.
   */
  async stream(request: FastifyRequest, reply: FastifyReply, path: string): Promise<void> {
    const headers: Record<string, string> = { 'x-request-id': request.id };
    for (const name of [...this.options.requestHeaders, 'content-type']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    propagation.inject(context.active(), headers);
    const body = request.body;
    let response;
    try {
      response = await this.pool.request({
        method: request.method,
        path,
        headers,
        body: body instanceof Readable ? body : null,
        headersTimeout: STREAM_TIMEOUT_MS,
        bodyTimeout: STREAM_TIMEOUT_MS,
      });
    } catch {
      throw new ProblemError('unavailable', `the ${this.name} does not answer`, undefined, {
        'retry-after': '5',
      });
    }
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers[name];
      if (typeof value === 'string') void reply.header(name, value);
    }
    void reply.status(response.statusCode);
    await reply.send(response.body);
  }

  /** Readiness of the upstream itself. */
  async ready(): Promise<void> {
    const response = await this.pool.request({ method: 'GET', path: '/health/ready', headersTimeout: 2_000 });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`${this.name} is not ready (${response.statusCode})`);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
