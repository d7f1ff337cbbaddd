import type { PoolClient } from 'pg';
import type { AuditEntry, JsonValue } from '@platform/audit';
import { tenantLabel } from '@platform/observability';
import { quotaRefusalsTotal } from '@platform/quotas';
import { issueApiKey, type ApiKeyRecord } from '@platform/tenancy';
import { type Refusal } from '@platform/command-handling';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import { RefusedInTransaction } from '../tenants/refused-in-transaction';
import type { ApiKeyAnnouncer } from './api-key-announcer';
import { apiKeyQuotaRefusal, credentialsRefusal } from './api-key-rules';

/** What the caller sees of a new key: the secret, once. */
export interface IssuedKey {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly createdAt: string;
}

export type KeyOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

/**
 * A tenant's API keys: issued with the plan's quota checked under the tenant's row lock, stored
 * hashed, revocable; each issue and revocation is audited in its transaction and announced to
 * every service once committed.
 */
export class ApiKeys {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly announcer: ApiKeyAnnouncer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async issue(
    tenant: TenantRecord,
    input: { name: string; roles: readonly string[] },
    caller: Caller,
  ): Promise<KeyOutcome<IssuedKey>> {
    const closed = credentialsRefusal(tenant.status);
    if (closed) return { ok: false, refusal: closed };
    const issued = issueApiKey();
    const record: ApiKeyRecord = {
      keyId: issued.keyId,
      tenantId: tenant.id,
      name: input.name,
      roles: [...input.roles],
      secretHash: issued.secretHash,
      createdAt: this.now().toISOString(),
    };
    try {
      await this.db.audit.withAudit(
        tenant.id,
        () => this.auditEntry('api-key.create', record, null, publicView(record), caller),
        async (tx: PoolClient) => {
          const locked = await this.db.tenants.lock(tx, tenant.id);
          const refusal =
            (locked && credentialsRefusal(locked.status)) ??
            apiKeyQuotaRefusal(locked?.plan ?? tenant.plan, await this.db.apiKeys.countActive(tx, tenant.id));
          if (refusal) {
            if (refusal.kind === 'quotaExceeded')
              quotaRefusalsTotal.inc({ tenant: tenantLabel(tenant.id), quota: 'api-keys' });
            throw new RefusedInTransaction(refusal);
          }
          await this.db.apiKeys.insert(tx, record);
        },
      );
    } catch (error) {
      if (error instanceof RefusedInTransaction) return { ok: false, refusal: error.refusal };
      throw error;
    }
    await this.announcer.announce([record]);
    const { keyId, name, roles, createdAt } = record;
    return { ok: true, value: { id: keyId, key: issued.key, name, roles, createdAt } };
  }

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.db.apiKeys.list(tenantId);
  }

  /**
   * Revokes a key; revoking it again changes nothing but announces it again (so a revocation whose
   * announcement was lost reaches every service on a retry).
   */
  async revoke(tenantId: string, keyId: string, caller: Caller): Promise<KeyOutcome<ApiKeyRecord>> {
    const known = await this.db.apiKeys.get(tenantId, keyId);
    if (!known)
      return {
        ok: false,
        refusal: { kind: 'notFound', code: 'api-key-not-found', detail: `API key ${keyId} not found` },
      };
    let revoked = known;
    if (known.revokedAt === undefined) {
      const at = this.now().toISOString();
      const { result } = await this.db.audit.withAudit(
        tenantId,
        (after: ApiKeyRecord | undefined) =>
          this.auditEntry(
            'api-key.revoke',
            known,
            publicView(known),
            after ? publicView(after) : null,
            caller,
          ),
        (tx: PoolClient) => this.db.apiKeys.revoke(tx, tenantId, keyId, at),
      );
      revoked = result ?? known;
    }
    await this.announcer.announce([revoked]);
    return { ok: true, value: revoked };
  }

  /** Every key of every tenant, again: at start, so a fresh service can rebuild its key view. */
  async announceAll(): Promise<number> {
    const all = await this.db.apiKeys.all();
    for (let i = 0; i < all.length; i += 500) await this.announcer.announce(all.slice(i, i + 500));
    return all.length;
  }

  private auditEntry(
    action: string,
    record: ApiKeyRecord,
    previousState: JsonValue,
    newState: JsonValue,
    caller: Caller,
  ): AuditEntry {
    return {
      actor: caller.actor,
      action,
      target: `tenant/${record.tenantId}/api-key/${record.keyId}`,
      previousState,
      newState,
      requestId: caller.requestId,
      correlationId: caller.correlationId,
    };
  }
}

/** A key as it is listed and audited: never its secret nor its hash. */
export function publicView(record: ApiKeyRecord): { [key: string]: JsonValue } {
  return {
    id: record.keyId,
    name: record.name,
    roles: [...record.roles],
    createdAt: record.createdAt,
    revokedAt: record.revokedAt ?? null,
  };
}
