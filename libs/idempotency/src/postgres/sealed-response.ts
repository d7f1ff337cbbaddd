import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { StoredResponse } from '../idempotency-store';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const INFO = 'tenantflow/idempotency/response/v1';

/** The record's id: SHA-256 (hex) of scope, method, path and key; the key is not stored itself. */
export function recordIdOf(scope: string, method: string, path: string, key: string): string {
  return createHash('sha256')
    .update(JSON.stringify([scope, method, path, key]))
    .digest('hex');
}

/**
 * Encrypts a response (AES-256-GCM) with a key derived from the client's `Idempotency-Key`, bound
 * to the record: only a request that presents the same key can read it back.
 */
export function sealResponse(response: StoredResponse, key: string, recordId: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', responseKey(key, recordId), iv);
  cipher.setAAD(Buffer.from(recordId));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(response), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** The response {@link sealResponse} sealed; throws if the key or record differs or it was altered. */
export function openResponse(sealed: Buffer, key: string, recordId: string): StoredResponse {
  const decipher = createDecipheriv('aes-256-gcm', responseKey(key, recordId), sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(recordId));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as StoredResponse;
}

function responseKey(key: string, recordId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, recordId, INFO, 32));
}
