import { createVerifier } from 'fast-jwt';
import { ProblemError } from '@platform/contracts';
import { claimsSchema, type Claims } from './claims';

export interface TokenVerifierOptions {
  /** HS256 shared secret (development and tests). */
  readonly secret: string;
  readonly issuer?: string;
  readonly audience?: string;
}

export type TokenVerifier = (token: string) => Claims;

/**
 * Builds the verifier once at start; verification results are cached per token (fast-jwt's
 * LRU cache honours `exp`), so the hot path does no crypto for a token it has seen.
 *
 * @example
 * const verify = createTokenVerifier({ secret: process.env.JWT_SECRET! });
 * const claims = verify(bearerToken); // throws ProblemError('unauthorized') when invalid
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verifier = createVerifier({
    key: options.secret,
    algorithms: ['HS256'],
    cache: 10_000,
    ...(options.issuer !== undefined && { allowedIss: options.issuer }),
    ...(options.audience !== undefined && { allowedAud: options.audience }),
  });
  return (token: string): Claims => {
    let payload: unknown;
    try {
      payload = verifier(token);
    } catch {
      throw new ProblemError('unauthorized', 'the bearer token is invalid or expired');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new ProblemError('unauthorized', 'the bearer token lacks the required claims');
    return claims.data;
  };
}
