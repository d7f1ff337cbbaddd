import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import {
  IDEMPOTENCY_STORE,
  type IdempotencyClaim,
  type IdempotencyStore,
  type StoredResponse,
} from '../idempotency-store';
import { PendingClaims } from './pending-claims';

/** The response headers a replay repeats; rate-limit, trace and other headers are the replay's own. */
export const KEPT_RESPONSE_HEADERS = ['content-type', 'location', 'etag'] as const;

/** Nest token of the logger the recorder warns on. */
export const IDEMPOTENCY_LOGGER = Symbol('IDEMPOTENCY_LOGGER');

/** What the recorder logs with (a pino logger is one). */
export interface IdempotencyLogger {
  warn(fields: object, message: string): void;
}

/** A response as it is about to be sent (fastify's `onSend`): the payload is serialized by then. */
export interface OutgoingResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly payload: unknown;
}

/**
 * Whether a key keeps this answer. A 5xx is our failure, a 429 says "later": the key is given back
 * so that a retry executes. Every other answer (2xx, 4xx) is the key's answer for good.
 */
export const isKeptStatus = (status: number): boolean => status < 500 && status !== 429;

/** The stored form of an outgoing response, or `undefined` if it cannot be kept (a stream). */
export function storedResponseOf(response: OutgoingResponse): StoredResponse | undefined {
  const { payload } = response;
  let body: string;
  if (payload === undefined || payload === null) body = '';
  else if (typeof payload === 'string') body = payload;
  else if (Buffer.isBuffer(payload)) body = payload.toString('utf8');
  else return undefined;
  const headers: Record<string, string> = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const value = response.headers[name];
    if (typeof value === 'string' || typeof value === 'number') headers[name] = String(value);
    else if (Array.isArray(value)) headers[name] = value.map(String).join(', ');
  }
  return { status: response.status, headers, body };
}

/**
 * Completes a claim with its response, or releases it when the response is not kept. Never throws:
 * the answer goes out either way; a claim left behind is taken over once stale.
 */
export async function recordResponse(
  store: IdempotencyStore,
  claim: IdempotencyClaim,
  response: OutgoingResponse,
  logger?: IdempotencyLogger,
): Promise<'kept' | 'released' | 'failed'> {
  const stored = isKeptStatus(response.status) ? storedResponseOf(response) : undefined;
  try {
    if (stored === undefined) {
      await store.release(claim);
      return 'released';
    }
    if (!(await store.complete(claim, stored))) {
      logger?.warn({ path: claim.request.path }, 'idempotency: the claim was taken over; answer not kept');
      return 'failed';
    }
    return 'kept';
  } catch (error) {
    logger?.warn({ err: error, path: claim.request.path }, 'idempotency: could not record the answer');
    await store.release(claim).catch(() => undefined);
    return 'failed';
  }
}

/**
 * Records the answer of every claimed request from fastify's `onSend` hook, which sees each response
 * whoever sends it (a handler's return value, a forwarded upstream answer, a problem from the filter)
 * with its final status, headers and serialized body. The record is written before the answer
 * leaves, so a client that got it and retries gets the replay, never a 409.
 */
@Injectable()
export class IdempotencyResponseRecorder implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    private readonly pending: PendingClaims,
    @Inject(IDEMPOTENCY_LOGGER) private readonly logger: IdempotencyLogger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify === undefined) return;
    // Hooks added before the server is ready apply to every route, those Nest registered included.
    fastify.addHook('onSend', async (request, reply, payload) => {
      const claim = this.pending.take(request);
      if (claim !== undefined) {
        const response = { status: reply.statusCode, headers: reply.getHeaders(), payload };
        await recordResponse(this.store, claim, response, this.logger);
      }
      return payload;
    });
  }
}
