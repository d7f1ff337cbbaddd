import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '@platform/contracts';

/** The header that carries a request's {@link InternalContext} from the gateway to an internal service. */
export const INTERNAL_CONTEXT_HEADER = 'x-internal-context';

/**
 * How long a signed context is accepted: it is made for one forwarded request, which reaches the
 * service behind in milliseconds; the rest is room for clock skew between hosts.
 */
export const INTERNAL_CONTEXT_TTL_MS = 5_000;

/**
 * Who a request forwarded by the gateway acts for, as the gateway established it (token or API key
 * verified, tenant resolved and allowed, status checked): the only identity a service behind it
 * trusts.
 */
export interface InternalContext {
  readonly tenantId: string;
  /** JWT `sub` or API key id. */
  readonly actor: string;
  readonly roles: readonly string[];
  readonly correlationId: string;
  /** Epoch ms from which the context is refused. */
  readonly expiresAt: number;
}

/** The request a context is signed for: it is good for this method and path only. */
export interface InternalRequestTarget {
  readonly method: string;
  /** Path with query string, as the service behind sees it (`request.url`). */
  readonly path: string;
}

export type InternalContextCheck =
  | { readonly ok: true; readonly context: InternalContext }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'forged' | 'expired' };

const VERSION = 'v1';
const MAX_LENGTH = 4_096;
/** A base64url SHA-256 HMAC: 32 bytes, 43 characters, no padding. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const CORRELATION = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_ACTOR_LENGTH = 256;

/** The JSON inside the header: short keys, it travels with every forwarded request. */
interface Payload {
  /** tenant id */ readonly t: string;
  /** actor */ readonly a: string;
  /** roles */ readonly r: readonly string[];
  /** correlation id */ readonly c: string;
  /** expires at, epoch ms */ readonly x: number;
}

/**
 * Signs and verifies the compact context the gateway attaches to the requests it forwards, so the
 * services behind it neither verify the caller's token again nor trust a bare `X-Tenant-ID`:
 * `v1.<base64url JSON>.<base64url HMAC-SHA256>`, the HMAC over the first two parts and the request's
 * method and path, with a secret only the internal services share (`INTERNAL_CONTEXT_SECRET`).
 * Contexts expire {@link INTERNAL_CONTEXT_TTL_MS} after signing. Signatures are compared in constant
 * time.
 *
 * @example
 * const codec = new InternalContextCodec(config.INTERNAL_CONTEXT_SECRET);
 * // gateway
 * headers[INTERNAL_CONTEXT_HEADER] = codec.sign(tenant, { method: 'GET', path: `/v1/orders/${id}` });
 * // service behind it
 * const checked = codec.verify(request.headers[INTERNAL_CONTEXT_HEADER], { method: request.method, path: request.url });
 * if (!checked.ok) throw new ProblemError('unauthorized', `internal context ${checked.reason}`);
 */
export class InternalContextCodec {
  constructor(
    private readonly secret: string,
    private readonly ttlMs = INTERNAL_CONTEXT_TTL_MS,
  ) {
    if (secret.length < 32) throw new TypeError('the internal context secret needs at least 32 characters');
  }

  sign(
    context: Omit<InternalContext, 'expiresAt'>,
    target: InternalRequestTarget,
    now: number = Date.now(),
  ): string {
    const payload: Payload = {
      t: context.tenantId,
      a: context.actor,
      r: context.roles,
      c: context.correlationId,
      x: now + this.ttlMs,
    };
    const signed = `${VERSION}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${signed}.${this.mac(signed, target).toString('base64url')}`;
  }

  /** The context of a header value, if it is well formed, signed with the secret for `target` and not expired. */
  verify(
    value: string | undefined,
    target: InternalRequestTarget,
    now: number = Date.now(),
  ): InternalContextCheck {
    if (value === undefined || value === '') return { ok: false, reason: 'missing' };
    const first = value.indexOf('.');
    const last = value.lastIndexOf('.');
    if (value.length > MAX_LENGTH || value.slice(0, first) !== VERSION || last <= first + 1) {
      return { ok: false, reason: 'malformed' };
    }
    const signature = value.slice(last + 1);
    if (!SIGNATURE.test(signature)) return { ok: false, reason: 'malformed' };
    const signed = value.slice(0, last);
    if (!timingSafeEqual(Buffer.from(signature, 'base64url'), this.mac(signed, target))) {
      return { ok: false, reason: 'forged' };
    }
    // Authentic from here on: a payload that does not parse is a bug of the signer, not an attack.
    const context = contextOf(signed.slice(first + 1));
    if (!context) return { ok: false, reason: 'malformed' };
    // Also refused: an expiry further ahead than a context is ever signed for (a signer's clock
    // far ahead would otherwise mint long-lived contexts).
    if (now >= context.expiresAt || context.expiresAt > now + 2 * this.ttlMs) {
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, context };
  }

  private mac(signed: string, target: InternalRequestTarget): Buffer {
    // The newline cannot occur in the base64url parts, so method and path cannot shift into them.
    return createHmac('sha256', this.secret).update(`${signed}\n${target.method} ${target.path}`).digest();
  }
}

function contextOf(encoded: string): InternalContext | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { t, a, r, c, x } = payload as Partial<Record<keyof Payload, unknown>>;
  if (
    typeof t !== 'string' ||
    !isUuid(t) ||
    typeof a !== 'string' ||
    a.length === 0 ||
    a.length > MAX_ACTOR_LENGTH ||
    !Array.isArray(r) ||
    !r.every((role): role is string => typeof role === 'string') ||
    typeof c !== 'string' ||
    !CORRELATION.test(c) ||
    typeof x !== 'number' ||
    !Number.isSafeInteger(x)
  ) {
    return undefined;
  }
  return { tenantId: t.toLowerCase(), actor: a, roles: r, correlationId: c, expiresAt: x };
}
