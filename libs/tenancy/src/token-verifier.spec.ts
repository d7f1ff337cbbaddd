import { createSigner } from 'fast-jwt';
import { ProblemError } from '@platform/contracts';
import { createTokenVerifier } from './token-verifier';

const secret = 'test-secret-with-enough-length-0123456789';
const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: 60_000 });

describe('createTokenVerifier', () => {
  const verify = createTokenVerifier({ secret });

  it('returns the claims of a valid token, tenant ids lower-cased', () => {
    const token = sign({ sub: 'u1', tenants: ['AAAAAAAA-0000-4000-8000-000000000001'], roles: ['member'] });
    expect(verify(token)).toEqual({
      sub: 'u1',
      tenants: ['aaaaaaaa-0000-4000-8000-000000000001'],
      roles: ['member'],
    });
  });

  it('refuses a token signed with another secret (forged) with 401', () => {
    const forged = createSigner({ key: 'another-secret-another-secret-0123', algorithm: 'HS256' })({
      sub: 'x',
    });
    expect(() => verify(forged)).toThrow(ProblemError);
  });

  it('refuses an expired token', () => {
    const expired = createSigner({ key: secret, algorithm: 'HS256', expiresIn: 1, clockTimestamp: 1_000 })({
      sub: 'u1',
    });
    expect(() => verify(expired)).toThrow(/unauthorized/);
  });

  it('refuses a token without sub', () => {
    expect(() => verify(sign({ tenants: [] }))).toThrow(/required claims/);
  });
});
