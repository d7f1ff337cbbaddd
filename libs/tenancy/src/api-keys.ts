import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ProblemError } from '@platform/contracts';
import type { Claims } from './claims';

/** What every service knows of an API key: never the secret, only its SHA-256. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** Hex SHA-256 of the secret part. Keys are 256-bit random: a fast hash is enough. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly revokedAt?: string | undefined;
}

const KEY_PATTERN = /^tfk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  /** Shown once to the caller, never stored. */
  readonly key: string;
  readonly keyId: string;
  readonly secretHash: string;
}

/** A new key: `tfk_<16 hex id>_<43 base64url chars of secret>`. */
export function issueApiKey(): IssuedApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `tfk_${keyId}_${secret}`, keyId, secretHash: sha256(secret) };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Local view of all API keys, fed from the control plane; lookups are map reads. */
export class ApiKeyDirectory {
  private readonly byId = new Map<string, ApiKeyRecord>();

  apply(record: ApiKeyRecord): void {
    const known = this.byId.get(record.keyId);
    // A revocation is final: a late "issued" never resurrects the key.
    if (known?.revokedAt !== undefined) return;
    this.byId.set(record.keyId, record);
  }

  get(keyId: string): ApiKeyRecord | undefined {
    return this.byId.get(keyId);
  }

  /**
   * The claims of a valid, unrevoked key: its tenant and roles. Any failure is the same 401, so an
   * attacker learns nothing about which part was wrong.
   */
  authenticate(key: string): Claims {
    const match = KEY_PATTERN.exec(key);
    const record = match ? this.byId.get(match[1] as string) : undefined;
    const given = Buffer.from(sha256(match?.[2] ?? ''), 'hex');
    const expected = Buffer.from(record?.secretHash ?? '0'.repeat(64), 'hex');
    const same = given.length === expected.length && timingSafeEqual(given, expected);
    if (!record || !same || record.revokedAt !== undefined) {
      throw new ProblemError('unauthorized', 'the API key is invalid or revoked');
    }
    return { sub: `api-key:${record.keyId}`, tenants: [record.tenantId], roles: [...record.roles] };
  }
}
