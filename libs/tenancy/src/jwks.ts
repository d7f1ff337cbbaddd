import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface JwksOptions {
  /** Where the identity provider publishes its keys (`JWT_JWKS_URL`). */
  readonly url: string;
  /** How long fetched keys are used before they are fetched again; default 10 minutes. */
  readonly ttlMs?: number;
  /**
   * At most one fetch per this period because of a key id not in the set (a rotated key); default
   * 30 s. A flood of tokens with made-up key ids costs the identity provider one fetch per period.
   */
  readonly cooldownMs?: number;
  /** Abandons a fetch after this long; default 5 s. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/** The public key a JWT names by its `kid`, or the reason there is none. */
export type KeyLookup =
  { readonly ok: true; readonly key: KeyObject } | { readonly ok: false; readonly reason: string };

/**
 * The signing keys of an identity provider, from its JWKS document (RFC 7517), by key id. Keys are
 * fetched on first use and again after `ttlMs`; a key id not in the set triggers a fetch (the
 * provider rotated its keys), at most once per `cooldownMs`. Concurrent lookups share one fetch.
 * If a fetch fails, the keys already known stay in use. Only RSA and EC signing keys are kept.
 */
export class JwksKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastUnknownFetch = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly ttlMs: number;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: JwksOptions) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  async lookup(kid: string | undefined): Promise<KeyLookup> {
    if (kid === undefined || kid === '') return { ok: false, reason: 'the token names no key (kid)' };
    if (this.now() - this.fetchedAt >= this.ttlMs) await this.refresh().catch(() => undefined);
    if (!this.keys.has(kid) && this.now() - this.lastUnknownFetch >= this.cooldownMs) {
      this.lastUnknownFetch = this.now();
      await this.refresh().catch(() => undefined);
    }
    const key = this.keys.get(kid);
    return key ? { ok: true, key } : { ok: false, reason: `no key ${kid} in the JWKS` };
  }

  /** Fetches the set now (one fetch for concurrent callers); rejects if it cannot be read. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    const response = await fetch(this.options.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`JWKS ${this.options.url}: HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error(`JWKS ${this.options.url}: no "keys" array`);
    const keys = new Map<string, KeyObject>();
    for (const jwk of body.keys as JsonWebKey[]) {
      const kid = typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined;
      if (kid === undefined || (jwk.kty !== 'RSA' && jwk.kty !== 'EC')) continue;
      if (jwk['use'] !== undefined && jwk['use'] !== 'sig') continue;
      try {
        keys.set(kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // a malformed key is skipped, the others stay usable
      }
    }
    this.keys = keys;
    this.fetchedAt = this.now();
  }
}
