import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '@platform/contracts';
import type { OrderListKey } from '@platform/read-models';

/** What a cursor is good for: the tenant and the filters of the list it continues. */
export interface CursorScope {
  readonly tenantId: string;
  readonly customerId?: string | undefined;
  readonly status?: string | undefined;
}

/** Why a cursor was refused (each a 400). */
export type CursorRefusal = 'malformed' | 'forged';

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const MAC_BYTES = 16;
const MAX_LENGTH = 256;

/**
 * The opaque `cursor` of `GET /v1/orders`: `<base64url JSON key>.<base64url MAC>`, the key being the
 * last order of the page (`created_at` to the microsecond and id), the MAC (HMAC-SHA256, 128 bits)
 * over the key and its scope, the tenant and the filters of the list. A cursor edited by hand, or
 * sent by another tenant or with other filters, is refused rather than silently continuing some
 * other list. The MAC's key is derived from the service's secret for this use only.
 *
 * @example
 * const cursors = new OrderCursorCodec(config.INTERNAL_CONTEXT_SECRET);
 * const cursor = cursors.encode(page.next, { tenantId, status: 'draft' });
 * cursors.decode(cursor, { tenantId, status: 'draft' }); // { ok: true, key: page.next }
 */
export class OrderCursorCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('tenantflow/order-list-cursor/v1').digest();
  }

  encode(key: OrderListKey, scope: CursorScope): string {
    const payload = Buffer.from(JSON.stringify({ t: key.createdAt, i: key.id })).toString('base64url');
    return `${payload}.${this.mac(payload, scope).toString('base64url')}`;
  }

  decode(
    cursor: string,
    scope: CursorScope,
  ):
    | { readonly ok: true; readonly key: OrderListKey }
    | { readonly ok: false; readonly reason: CursorRefusal } {
    const [payload, mac, ...rest] = cursor.split('.');
    if (cursor.length > MAX_LENGTH || rest.length > 0 || !payload || !mac || !/^[\w-]+$/.test(mac)) {
      return { ok: false, reason: 'malformed' };
    }
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(payload, scope);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'forged' };
    }
    const key = keyOf(payload);
    return key ? { ok: true, key } : { ok: false, reason: 'malformed' };
  }

  private mac(payload: string, scope: CursorScope): Buffer {
    // JSON keeps the parts apart: no filter value can pass for another.
    const scoped = JSON.stringify([scope.tenantId, scope.customerId ?? null, scope.status ?? null, payload]);
    return createHmac('sha256', this.key).update(scoped).digest().subarray(0, MAC_BYTES);
  }
}

function keyOf(payload: string): OrderListKey | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { t, i } = parsed as { t?: unknown; i?: unknown };
    if (typeof t !== 'string' || !CREATED_AT.test(t) || typeof i !== 'string' || !isUuid(i)) return undefined;
    return { createdAt: t, id: i.toLowerCase() };
  } catch {
    return undefined;
  }
}
