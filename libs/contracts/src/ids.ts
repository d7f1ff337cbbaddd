/** RFC 4122 textual UUID (any version), lower or upper case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tenant slug: DNS-safe, 3 to 63 characters (contract section 2). */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{2,62}$/;

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);
