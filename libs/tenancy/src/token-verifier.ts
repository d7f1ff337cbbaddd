import { createVerifier, type DecodedJwt } from 'fast-jwt';
import { ProblemError } from '@platform/contracts';
import { claimsSchema, type Claims } from './claims';
import { JwksKeys } from './jwks';

/** HS256 with a shared secret: development and tests (`JWT_SECRET`). */
export interface SecretVerifierOptions {
  readonly secret: string;
  readonly issuer?: string;
  readonly audience?: string;
}

/**
 * RS256 / ES256 with the identity provider's published keys: production (`JWT_JWKS_URL`,
 * `JWT_ISSUER`, `JWT_AUDIENCE`). Issuer and audience are required: a token of another issuer or
 * minted for another service is refused.
 */
export interface JwksVerifierOptions {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** See {@link JwksKeys}: ttl of the key set and cooldown of refetches for unknown key ids. */
  readonly jwksTtlMs?: number;
  readonly jwksCooldownMs?: number;
}

export type TokenVerifierOptions = SecretVerifierOptions | JwksVerifierOptions;

/** The claims of a valid token; rejects with `ProblemError('unauthorized')` otherwise. */
export type TokenVerifier = (token: string) => Promise<Claims>;

/** The algorithms accepted with a JWKS: asymmetric only, so a public key can never act as an HMAC secret. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

/**
 * Builds the verifier once at start; verification results are cached per token (fast-jwt's LRU
 * cache honours `exp`), so the hot path does no crypto for a token it has seen.
 *
 * @example
 * const verify = createTokenVerifier({ secret: process.env.JWT_SECRET! });
 * const claims = await verify(bearerToken); // rejects with ProblemError('unauthorized') when invalid
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verifier = 'jwksUrl' in options ? jwksVerifier(options) : secretVerifier(options);
  return async (token: string): Promise<Claims> => {
    let payload: unknown;
    try {
      payload = await verifier(token);
    } catch {
      throw new ProblemError('unauthorized', 'the bearer token is invalid or expired');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new ProblemError('unauthorized', 'the bearer token lacks the required claims');
    return claims.data;
  };
}

function secretVerifier(options: SecretVerifierOptions): (token: string) => unknown {
  return createVerifier({
    key: options.secret,
    algorithms: ['HS256'],
    cache: 10_000,
    ...(options.issuer !== undefined && { allowedIss: options.issuer }),
    ...(options.audience !== undefined && { allowedAud: options.audience }),
  });
}

function jwksVerifier(options: JwksVerifierOptions): (token: string) => Promise<unknown> {
  const keys = new JwksKeys({
    url: options.jwksUrl,
    ...(options.jwksTtlMs !== undefined && { ttlMs: options.jwksTtlMs }),
    ...(options.jwksCooldownMs !== undefined && { cooldownMs: options.jwksCooldownMs }),
  });
  return createVerifier({
    algorithms: [...JWKS_ALGORITHMS],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    cache: 10_000,
    key: async (decoded: DecodedJwt) => {
      const kid: unknown = decoded.header.kid;
      const found = await keys.lookup(typeof kid === 'string' ? kid : undefined);
      if (!found.ok) throw new Error(found.reason);
      // fast-jwt takes a PEM; the key's own type (RSA or EC) must match the token's algorithm
      return found.key.export({ type: 'spki', format: 'pem' }).toString();
    },
  });
}
