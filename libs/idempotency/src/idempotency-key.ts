/** The request header of a client's key (contract section 3), lower case as Node delivers it. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Set to `true` on an answer that is a replay of the first one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Printable ASCII, space included (a UUID, a ULID, `order-42/retry`...). */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export type ParsedIdempotencyKey =
  { readonly ok: true; readonly key: string } | { readonly ok: false; readonly reason: string };

/**
 * Validates an `Idempotency-Key` header: one value of 1 to 255 printable ASCII characters. Node
 * trims the value's surrounding whitespace; a value of only blanks is therefore empty.
 */
export function parseIdempotencyKey(value: string | readonly string[]): ParsedIdempotencyKey {
  if (typeof value !== 'string') return { ok: false, reason: 'send one Idempotency-Key header, not several' };
  if (value.length === 0) return { ok: false, reason: 'the Idempotency-Key header is empty' };
  if (value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      ok: false,
      reason: `the Idempotency-Key header is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    };
  }
  if (!PRINTABLE_ASCII.test(value)) {
    return { ok: false, reason: 'the Idempotency-Key header must be printable ASCII characters only' };
  }
  return { ok: true, key: value };
}
