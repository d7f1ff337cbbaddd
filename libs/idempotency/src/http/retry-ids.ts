import { createHash, randomUUID } from 'node:crypto';
import { scopeKey, type IdempotentRequest } from '../idempotency-store';

/** Names the work a request starts: `ids('command')`, `ids('order')`. */
export type RetryIds = (purpose: string) => string;

/**
 * Ids that every retry of the same keyed request repeats (ADR 0010). A key's answer is kept, but a
 * 5xx is not: when the gateway times out while the command still runs, the retry executes again.
 * If it names its work as the first execution did (the same command id, the same id for a new
 * order), the service doing the work finds that work done and changes nothing.
 *
 * The ids are UUIDs (version 8, RFC 9562) hashed from the request's scope, method, path, key and
 * fingerprint, and the purpose: another tenant, another body or another purpose gives other ids.
 * Without a key (`request` undefined) every call gives a fresh random UUID.
 */
export function retryIds(request: IdempotentRequest | undefined): RetryIds {
  if (request === undefined) return () => randomUUID();
  const seed = [scopeKey(request.scope), request.method, request.path, request.key, request.fingerprint];
  return (purpose) =>
    uuidV8(
      createHash('sha256')
        .update([purpose, ...seed].join('\n'))
        .digest(),
    );
}

function uuidV8(hash: Buffer): string {
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
