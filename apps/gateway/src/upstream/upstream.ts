import { context, propagation } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'undici';
import { ProblemError } from '@platform/contracts';

/**
 * The caller's headers an upstream sees; conditional requests (ADR 0011) and consistency tokens are
 * the upstream's to evaluate.
 */
const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'x-correlation-id',
  'content-type',
  'x-api-key',
  'if-match',
  'if-none-match',
  'x-consistency-token',
];

const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'etag',
  'location',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
];

/**
 * A keep-alive connection pool to an internal HTTP service (query service, tenant registry).
 * The caller's credentials travel along: the upstream authenticates and scopes by tenant again.
 */
export class Upstream {
  private readonly pool: Pool;

  constructor(
    readonly name: string,
    baseUrl: string,
  ) {
    this.pool = new Pool(baseUrl, { connections: 32, keepAliveTimeout: 30_000 });
  }

  async forward(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    tenantId?: string,
  ): Promise<void> {
    const headers: Record<string, string> = { 'x-request-id': request.id };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (tenantId !== undefined) headers['x-tenant-id'] = tenantId;
    propagation.inject(context.active(), headers);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
    let response;
    try {
      response = await this.pool.request({
        method: request.method,
        path,
        headers,
        body: hasBody
          ? typeof request.body === 'string'
            ? request.body
            : JSON.stringify(request.body)
          : null,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch {
      throw new ProblemError('unavailable', `the ${this.name} does not answer`, undefined, {
        'retry-after': '5',
      });
    }
    const body = await response.body.text();
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers[name];
      if (typeof value === 'string') void reply.header(name, value);
    }
    await reply.status(response.statusCode).send(body);
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
