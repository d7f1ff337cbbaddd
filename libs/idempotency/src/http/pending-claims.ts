import { Injectable } from '@nestjs/common';
import type { IdempotencyClaim } from '../idempotency-store';
import { retryIds, type RetryIds } from './retry-ids';

/**
 * The claims of requests being handled, by request object: the interceptor leaves a claim here, and
 * the response recorder takes it when the answer goes out (whatever sends it: the handler, Nest,
 * or the problem filter). A request that never answers leaves nothing behind (a WeakMap).
 */
@Injectable()
export class PendingClaims {
  private readonly byRequest = new WeakMap<object, IdempotencyClaim>();

  hold(request: object, claim: IdempotencyClaim): void {
    this.byRequest.set(request, claim);
  }

  /**
   * Ids for the work this request starts that a retry under the same key repeats (see
   * {@link retryIds}); fresh random ones when the request has no key. For handlers.
   */
  idsFor(request: object): RetryIds {
    return retryIds(this.byRequest.get(request)?.request);
  }

  /** The request's claim, once: later calls get `undefined`. */
  take(request: object): IdempotencyClaim | undefined {
    const claim = this.byRequest.get(request);
    this.byRequest.delete(request);
    return claim;
  }
}
