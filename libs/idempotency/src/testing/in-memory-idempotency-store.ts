import { randomUUID } from 'node:crypto';
import {
  DEFAULT_STALE_CLAIM_MS,
  DEFAULT_TTL_MS,
  outcomeForExisting,
  scopeKey,
  type ClaimOutcome,
  type IdempotencyClaim,
  type IdempotencyStore,
  type IdempotentRequest,
  type StoredResponse,
} from '../idempotency-store';

/** A key's record: a claim, then (with `response`) a kept answer. */
export interface InMemoryIdempotencyRecord {
  readonly tenantId: string | undefined;
  readonly fingerprint: string;
  readonly token: string;
  readonly claimedAt: number;
  readonly expiresAt: number;
  readonly response?: StoredResponse;
}

export interface InMemoryIdempotencyStoreOptions {
  readonly ttlMs?: number;
  readonly staleClaimMs?: number;
  readonly now?: () => Date;
  /** Share records with another instance (two "gateways" on one store). */
  readonly records?: Map<string, InMemoryIdempotencyRecord>;
}

/**
 * {@link IdempotencyStore} in this process's memory, with the PostgreSQL store's rules: for tests of
 * what uses the port, and the second adapter the port's contract suite runs against.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly records: Map<string, InMemoryIdempotencyRecord>;
  private readonly ttlMs: number;
  private readonly staleClaimMs: number;
  private readonly now: () => Date;

  constructor(options: InMemoryIdempotencyStoreOptions = {}) {
    this.records = options.records ?? new Map<string, InMemoryIdempotencyRecord>();
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.staleClaimMs = options.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS;
    this.now = options.now ?? (() => new Date());
  }

  async claim(request: IdempotentRequest): Promise<ClaimOutcome> {
    const id = idOf(request);
    const now = this.now().getTime();
    const existing = this.records.get(id);
    const free =
      existing === undefined ||
      existing.expiresAt <= now ||
      (existing.response === undefined &&
        existing.claimedAt <= now - this.staleClaimMs &&
        existing.fingerprint === request.fingerprint);
    if (free) {
      const token = randomUUID();
      this.records.set(id, {
        tenantId: request.scope.kind === 'tenant' ? request.scope.tenantId.toLowerCase() : undefined,
        fingerprint: request.fingerprint,
        token,
        claimedAt: now,
        expiresAt: now + this.ttlMs,
      });
      return { kind: 'claimed', claim: { request, token } };
    }
    const state = existing.response === undefined ? 'in-flight' : 'completed';
    const outcome = outcomeForExisting({ fingerprint: existing.fingerprint, state }, request.fingerprint);
    if (outcome === 'replay' && existing.response !== undefined) {
      return { kind: 'replay', response: existing.response };
    }
    return { kind: outcome === 'mismatch' ? 'mismatch' : 'in-flight' };
  }

  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean> {
    const id = idOf(claim.request);
    const record = this.records.get(id);
    if (record?.token !== claim.token || record.response !== undefined) return false;
    this.records.set(id, { ...record, response });
    return true;
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    const id = idOf(claim.request);
    const record = this.records.get(id);
    if (record?.token === claim.token && record.response === undefined) this.records.delete(id);
  }

  async purgeTenant(tenantId: string): Promise<number> {
    let purged = 0;
    for (const [id, record] of this.records) {
      if (record.tenantId === tenantId.toLowerCase() && this.records.delete(id)) purged++;
    }
    return purged;
  }

  async deleteExpired(): Promise<number> {
    const now = this.now().getTime();
    let deleted = 0;
    for (const [id, record] of this.records) {
      if (record.expiresAt <= now && this.records.delete(id)) deleted++;
    }
    return deleted;
  }
}

const idOf = (request: IdempotentRequest): string =>
  JSON.stringify([scopeKey(request.scope), request.method, request.path, request.key]);
