import { randomUUID } from 'node:crypto';
import type { ClientBase, Pool } from 'pg';
import { isUuid } from '@platform/contracts';
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
import { DEFAULT_SCHEMA, assertSchemaName, migrationLockKey, schemaDdl } from './schema.sql';
import { openResponse, recordIdOf, sealResponse } from './sealed-response';
import { migrateUnderLock } from '@platform/postgres-kit';

export interface PostgresIdempotencyStoreOptions {
  /** PostgreSQL schema holding the `records` table; default `idempotency`. */
  readonly schema?: string;
  /** How long a first response is kept; default 24 h. */
  readonly ttlMs?: number;
  /** After how long an unfinished claim may be taken over; default 60 s. */
  readonly staleClaimMs?: number;
  /** The clock (tests move it); default the system's. */
  readonly now?: () => Date;
}

/** How often a claim is retried when the record changes hands between two statements. */
const CLAIM_ATTEMPTS = 3;

/** Records deleted per sweep statement, so that a sweep never holds many locks for long. */
const SWEEP_BATCH = 1_000;

interface ExistingRow {
  readonly fingerprint: string;
  readonly state: 'in-flight' | 'completed';
  readonly response: Buffer | null;
}

/**
 * {@link IdempotencyStore} on PostgreSQL: one row per key in `<schema>.records`, shared by every
 * instance on the database. A claim is ONE statement: an insert that, on conflict, takes the row
 * over only if it expired or is a stale claim of the same request; the unique key makes exactly one
 * of concurrent claimers win. Completing and releasing are fenced by the claim's token. Answers are
 * sealed with a key derived from the client's key (see `sealResponse`).
 *
 * @example
 * const store = new PostgresIdempotencyStore(pool);
 * await store.migrate();
 * const outcome = await store.claim(request);
 * await store.purgeTenant(tenantId); // when the tenant is deleted
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly schema: string;
  private readonly ttlMs: number;
  private readonly staleClaimMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly pool: Pool,
    options: PostgresIdempotencyStoreOptions = {},
  ) {
    this.schema = assertSchemaName(options.schema ?? DEFAULT_SCHEMA);
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.staleClaimMs = options.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS;
    this.now = options.now ?? (() => new Date());
  }

  /** Creates or updates the schema. Idempotent; concurrent calls from several processes are safe. */
  async migrate(): Promise<void> {
    await migrateUnderLock(this.pool, migrationLockKey(this.schema), schemaDdl(this.schema));
  }

  async claim(request: IdempotentRequest): Promise<ClaimOutcome> {
    const scope = scopeKey(request.scope);
    const tenantId = request.scope.kind === 'tenant' ? tenantIdOf(request.scope.tenantId) : null;
    const id = recordIdOf(scope, request.method, request.path, request.key);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const now = this.now();
      const token = randomUUID();
      const claimed = await this.pool.query(
        `insert into "${this.schema}".records as r
           (id, scope, tenant_id, method, path, fingerprint, claim_token, state, claimed_at, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, 'in-flight', $8, $9)
         on conflict (id) do update set
           fingerprint = excluded.fingerprint, claim_token = excluded.claim_token, state = 'in-flight',
           claimed_at = excluded.claimed_at, expires_at = excluded.expires_at,
           completed_at = null, status = null, response = null
         where r.expires_at <= $8
            or (r.state = 'in-flight' and r.claimed_at <= $10 and r.fingerprint = excluded.fingerprint)
         returning id`,
        [
          id,
          scope,
          tenantId,
          request.method,
          request.path,
          request.fingerprint,
          token,
          now,
          new Date(now.getTime() + this.ttlMs),
          new Date(now.getTime() - this.staleClaimMs),
        ],
      );
      if (claimed.rowCount === 1) return { kind: 'claimed', claim: { request, token } };

      const { rows } = await this.pool.query<ExistingRow>(
        `select fingerprint, state, response from "${this.schema}".records where id = $1 and expires_at > $2`,
        [id, now],
      );
      const [existing] = rows;
      // Released, purged or expired between the two statements: try again.
      if (existing === undefined) continue;
      const outcome = outcomeForExisting(existing, request.fingerprint);
      if (outcome !== 'replay') return { kind: outcome };
      if (existing.response === null)
        throw new Error(`idempotency record ${id} completed without a response`);
      return { kind: 'replay', response: openResponse(existing.response, request.key, id) };
    }
    throw new Error(`idempotency record ${id} changed hands ${CLAIM_ATTEMPTS} times during one claim`);
  }

  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean> {
    const id = this.idOf(claim);
    const { rowCount } = await this.pool.query(
      `update "${this.schema}".records
          set state = 'completed', status = $3, response = $4, completed_at = $5
        where id = $1 and claim_token = $2 and state = 'in-flight'`,
      [id, claim.token, response.status, sealResponse(response, claim.request.key, id), this.now()],
    );
    return rowCount === 1;
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    await this.pool.query(
      `delete from "${this.schema}".records where id = $1 and claim_token = $2 and state = 'in-flight'`,
      [this.idOf(claim), claim.token],
    );
  }

  /**
   * Deletes every record of a tenant's keys, e.g. when the tenant is deleted; inside the caller's
   * transaction when `executor` is given. Returns the number of records removed.
   */
  async purgeTenant(tenantId: string, executor?: ClientBase): Promise<number> {
    const { rowCount } = await (executor ?? this.pool).query(
      `delete from "${this.schema}".records where tenant_id = $1`,
      [tenantIdOf(tenantId)],
    );
    return rowCount ?? 0;
  }

  /** Deletes expired records in batches (short statements, few locks at a time). */
  async deleteExpired(): Promise<number> {
    const now = this.now();
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `delete from "${this.schema}".records where id = any(array(
           select id from "${this.schema}".records where expires_at <= $1 limit $2))`,
        [now, SWEEP_BATCH],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < SWEEP_BATCH) return total;
    }
  }

  private idOf(claim: IdempotencyClaim): string {
    const { request } = claim;
    return recordIdOf(scopeKey(request.scope), request.method, request.path, request.key);
  }
}

function tenantIdOf(tenantId: unknown): string {
  if (!isUuid(tenantId)) throw new TypeError(`tenantId must be a UUID; got ${JSON.stringify(tenantId)}`);
  return tenantId.toLowerCase();
}
