import { isUuid } from '@platform/contracts';

/** Where a page of tenants ends: the last item's creation time and id (newest first). */
export interface PageCursor {
  readonly createdAt: string;
  readonly id: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An opaque `cursor` for the next page: base64url of a small JSON document. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, t: cursor.createdAt, i: cursor.id }), 'utf8').toString(
    'base64url',
  );
}

/** The position a `cursor` stands for; undefined when it is not one this API gave out. */
export function decodeCursor(text: string): PageCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, t, i } = value as Record<string, unknown>;
  if (v !== 1 || typeof t !== 'string' || !ISO_INSTANT.test(t) || Number.isNaN(Date.parse(t)) || !isUuid(i)) {
    return undefined;
  }
  return { createdAt: t, id: i.toLowerCase() };
}
