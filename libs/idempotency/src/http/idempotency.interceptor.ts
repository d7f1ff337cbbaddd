import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Observable, of } from 'rxjs';
import { ProblemError } from '@platform/contracts';
import type { IdentifiedRequest, RequestIdentity } from '@platform/tenancy';
import { requestFingerprint } from '../fingerprint';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, parseIdempotencyKey } from '../idempotency-key';
import {
  IDEMPOTENCY_STORE,
  type ClaimOutcome,
  type IdempotencyScope,
  type IdempotencyStore,
  type IdempotentRequest,
  type StoredResponse,
} from '../idempotency-store';
import { PendingClaims } from './pending-claims';

/** The methods that change something: the only ones a key applies to. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The (fastify) request as the interceptor reads it: after the guard, with the parsed body. */
export interface WriteRequest extends IdentifiedRequest {
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
}

/** The part of a (fastify) reply a replay writes to. `send` may return a thenable: it is awaited. */
export interface ReplaySink {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
  send(payload: string): unknown;
}

/**
 * `Idempotency-Key` on write requests (contract section 3). Runs after the guards (the caller and
 * tenant are known) and after the rate-limit interceptor (a replay is counted like any request).
 * Without the header, or on a read, it does nothing. Otherwise it claims the key in the
 * {@link IdempotencyStore}, scoped to the request's tenant (or the caller when the route is not
 * tenant-scoped), its method and path, and:
 * - claimed: runs the handler; the {@link PendingClaims} entry lets the response recorder keep the
 *   answer (or release the key on a 5xx or 429);
 * - replay: sends the first answer again with `Idempotent-Replayed: true`, the handler does not run;
 * - in flight: `409` problem with `Retry-After: 1`;
 * - another request under the same key: `422` problem `idempotency-key-reused`;
 * - a malformed key: `400`; the store unreachable: `503`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    private readonly pending: PendingClaims,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<WriteRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    const method = request.method.toUpperCase();
    if (header === undefined || !IDEMPOTENT_METHODS.has(method)) return next.handle();

    const parsed = parseIdempotencyKey(header);
    if (!parsed.ok) {
      throw new ProblemError('validation', parsed.reason, [
        { path: `/headers/${IDEMPOTENCY_KEY_HEADER}`, message: parsed.reason },
      ]);
    }
    const scope = scopeOf(request.identity);
    // Only public routes have no identity; none of them writes.
    if (scope === undefined) return next.handle();

    const idempotent: IdempotentRequest = {
      scope,
      method,
      path: pathOf(request.url),
      key: parsed.key,
      fingerprint: requestFingerprint({
        method,
        url: request.url,
        body: request.body,
        ...(typeof request.headers['if-match'] === 'string' && { ifMatch: request.headers['if-match'] }),
      }),
    };
    const outcome = await this.claim(idempotent);
    switch (outcome.kind) {
      case 'claimed':
        this.pending.hold(request, outcome.claim);
        return next.handle();
      case 'replay':
        await replay(http.getResponse<ReplaySink>(), outcome.response);
        // Sent: Nest finds the reply sent and adds nothing; the handler never runs.
        return of(undefined);
      case 'in-flight':
        throw new ProblemError(
          'conflict',
          'a request with this Idempotency-Key is still being processed; retry shortly',
          undefined,
          { 'retry-after': '1' },
        );
      case 'mismatch':
        throw new ProblemError(
          'unprocessable',
          'this Idempotency-Key was used for another request (method, path or body); use a new key',
        );
      default:
        return assertNever(outcome);
    }
  }

  private async claim(request: IdempotentRequest): Promise<ClaimOutcome> {
    try {
      return await this.store.claim(request);
    } catch {
      throw new ProblemError(
        'unavailable',
        'the Idempotency-Key store does not answer; nothing was done, retry later',
        undefined,
        { 'retry-after': '5' },
      );
    }
  }
}

/** Whose key it is: the request's tenant, else the caller; none on a public route. */
export function scopeOf(identity: RequestIdentity | undefined): IdempotencyScope | undefined {
  if (identity === undefined) return undefined;
  if (identity.tenant !== undefined) return { kind: 'tenant', tenantId: identity.tenant.tenantId };
  return { kind: 'subject', subject: identity.claims.sub };
}

const pathOf = (url: string): string => url.split('?', 1)[0] ?? url;

async function replay(reply: ReplaySink, response: StoredResponse): Promise<void> {
  reply.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  // fastify's reply is a thenable that settles once the answer is written out.
  await reply.send(response.body);
}

function assertNever(value: never): never {
  throw new Error(`unexpected claim outcome ${JSON.stringify(value)}`);
}
