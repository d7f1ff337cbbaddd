/**
 * Whose key it is: the tenant of a tenant-scoped request (from the authenticated context, never the
 * body), otherwise the authenticated caller (`sub`). Two scopes never share a key.
 */
export type IdempotencyScope =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'subject'; readonly subject: string };

/** A write request that carries an `Idempotency-Key`. */
export interface IdempotentRequest {
  readonly scope: IdempotencyScope;
  /** Upper case: `POST`, `PUT`, `PATCH`, `DELETE`. */
  readonly method: string;
  /** The request's path, without the query: a key is scoped to one method and path. */
  readonly path: string;
  /** The client's key, as validated by `parseIdempotencyKey`. */
  readonly key: string;
  /** `requestFingerprint` of the request: what "the same request" means. */
  readonly fingerprint: string;
}

/** The first answer to a key, as it is replayed: status, the headers that matter, the body. */
export interface StoredResponse {
  readonly status: number;
  /** Lower-case names: `content-type`, `location`, `etag` (see `KEPT_RESPONSE_HEADERS`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The right to execute a request: held by exactly one caller per key at a time. */
export interface IdempotencyClaim {
  readonly request: IdempotentRequest;
  /** Fences a claim that was taken over: only its holder can complete or release it. */
  readonly token: string;
}

/** What a claim attempt found. */
export type ClaimOutcome =
  /** The key is the caller's: execute the request, then `complete` or `release` the claim. */
  | { readonly kind: 'claimed'; readonly claim: IdempotencyClaim }
  /** The same request was answered before: send this again, execute nothing. */
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  /** The same request is being executed right now (elsewhere): retry shortly. */
  | { readonly kind: 'in-flight' }
  /** The key was used for another request (method, path or body): a 422. */
  | { readonly kind: 'mismatch' };

/**
 * Keeps the first response to each `Idempotency-Key` for a while (24 h by default), shared by every
 * instance on the same store. A key is claimed before its request runs: exactly one of concurrent
 * claimers wins; the others see `in-flight`, or `mismatch` if their request differs. A claim whose
 * holder vanished is taken over once it is older than a bound (a crashed gateway does not block a
 * key for good); expired records count as absent.
 *
 * @example
 * const outcome = await store.claim({ scope: { kind: 'tenant', tenantId }, method: 'POST',
 *   path: '/v1/orders', key, fingerprint: requestFingerprint({ method: 'POST', url, body }) });
 * if (outcome.kind === 'claimed') {
 *   const response = await execute();
 *   if (response.status >= 500) await store.release(outcome.claim);
 *   else await store.complete(outcome.claim, response);
 * }
 */
export interface IdempotencyStore {
  claim(request: IdempotentRequest): Promise<ClaimOutcome>;
  /** Keeps the answer of a claimed request. False when the claim was taken over meanwhile. */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean>;
  /** Gives the key back (the request failed on our side): the next request with it executes. */
  release(claim: IdempotencyClaim): Promise<void>;
  /** Deletes every record of a tenant's keys (the tenant is deleted); returns how many. */
  purgeTenant(tenantId: string): Promise<number>;
  /** Deletes expired records (a sweep); returns how many. */
  deleteExpired(): Promise<number>;
}

/** Nest token of the process's {@link IdempotencyStore}. */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/** How long a key's first response is kept: the contract's 24 h. */
export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1_000;

/**
 * After how long an unfinished claim is presumed dead and may be taken over. Longer than a write
 * may take at the gateway (command timeout, upstream timeouts), so a live request is not run twice.
 */
export const DEFAULT_STALE_CLAIM_MS = 60_000;

/** The scope as one string: `tenant:<id>` or `subject:<sub>`. */
export function scopeKey(scope: IdempotencyScope): string {
  return scope.kind === 'tenant' ? `tenant:${scope.tenantId.toLowerCase()}` : `subject:${scope.subject}`;
}

/** A record that holds a key: someone's claim, or a kept answer. */
export interface ExistingRecord {
  readonly fingerprint: string;
  readonly state: 'in-flight' | 'completed';
}

/**
 * What a claimer gets when the key is held (not expired, not a stale claim of the same request): a
 * different request is a mismatch whatever the record's state; the same one waits or is replayed.
 */
export function outcomeForExisting(
  existing: ExistingRecord,
  fingerprint: string,
): 'mismatch' | 'in-flight' | 'replay' {
  if (existing.fingerprint !== fingerprint) return 'mismatch';
  return existing.state === 'in-flight' ? 'in-flight' : 'replay';
}
