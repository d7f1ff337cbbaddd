import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner } from 'fast-jwt';
import { ProblemError } from '@platform/contracts';
import { createTokenVerifier } from './token-verifier';

const secret = 'test-secret-with-enough-length-0123456789';
const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: 60_000 });
const claims = { sub: 'u1', tenants: ['AAAAAAAA-0000-4000-8000-000000000001'], roles: ['member'] };

describe('createTokenVerifier with a shared secret (HS256)', () => {
  const verify = createTokenVerifier({ secret });

  it('returns the claims of a valid token, tenant ids lower-cased', async () => {
    await expect(verify(sign(claims))).resolves.toEqual({
      sub: 'u1',
      tenants: ['aaaaaaaa-0000-4000-8000-000000000001'],
      roles: ['member'],
    });
  });

  it('refuses a token signed with another secret (forged) with 401', async () => {
    const forged = createSigner({ key: 'another-secret-another-secret-0123', algorithm: 'HS256' })({
      sub: 'x',
    });
    await expect(verify(forged)).rejects.toThrow(ProblemError);
  });

  it('refuses an expired token', async () => {
    const expired = createSigner({ key: secret, algorithm: 'HS256', expiresIn: 1, clockTimestamp: 1_000 })({
      sub: 'u1',
    });
    await expect(verify(expired)).rejects.toThrow(/unauthorized/);
  });

  it('refuses a token without sub', async () => {
    await expect(verify(sign({ tenants: [] }))).rejects.toThrow(/required claims/);
  });
});

/** An identity provider's JWKS endpoint on a local port: serves `keys`, counts fetches, can fail. */
class JwksServer {
  keys: { kid: string; publicKey: KeyObject }[] = [];
  fetches = 0;
  failing = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((_request, response) => {
      this.fetches += 1;
      if (this.failing) {
        response.writeHead(500).end();
        return;
      }
      const keys = this.keys.map(({ kid, publicKey }) => ({
        ...publicKey.export({ format: 'jwk' }),
        kid,
        use: 'sig',
      }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'platform-api';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rotated = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

const signedWith = (
  privateKey: KeyObject,
  algorithm: 'RS256' | 'ES256',
  kid: string,
  overrides: { iss?: string; aud?: string; expiresIn?: number } = {},
): string =>
  createSigner({
    key: pem(privateKey),
    algorithm,
    kid,
    iss: overrides.iss ?? ISSUER,
    aud: overrides.aud ?? AUDIENCE,
    expiresIn: overrides.expiresIn ?? 60_000,
  })(claims);

describe('createTokenVerifier with a JWKS (RS256 / ES256)', () => {
  const idp = new JwksServer();

  beforeAll(async () => {
    await idp.start();
  });
  afterAll(() => idp.stop());
  beforeEach(() => {
    idp.keys = [
      { kid: 'rsa-1', publicKey: rsa.publicKey },
      { kid: 'ec-1', publicKey: ec.publicKey },
    ];
    idp.fetches = 0;
    idp.failing = false;
  });

  const verifier = (cooldownMs = 60_000, ttlMs = 600_000) =>
    createTokenVerifier({
      jwksUrl: idp.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksCooldownMs: cooldownMs,
      jwksTtlMs: ttlMs,
    });

  it('accepts RS256 and ES256 tokens signed with the published keys, fetching the set once', async () => {
    const verify = verifier();

    await expect(verify(signedWith(rsa.privateKey, 'RS256', 'rsa-1'))).resolves.toMatchObject({ sub: 'u1' });
    await expect(verify(signedWith(ec.privateKey, 'ES256', 'ec-1'))).resolves.toMatchObject({
      tenants: ['aaaaaaaa-0000-4000-8000-000000000001'],
    });
    expect(idp.fetches).toBe(1);
  });

  it.each([
    ['another issuer', () => signedWith(rsa.privateKey, 'RS256', 'rsa-1', { iss: 'https://evil.test/' })],
    ['another audience', () => signedWith(rsa.privateKey, 'RS256', 'rsa-1', { aud: 'another-api' })],
    ['an expired token', () => signedWith(ec.privateKey, 'ES256', 'ec-1', { expiresIn: -1_000 })],
    ['a key id not published', () => signedWith(rsa.privateKey, 'RS256', 'rsa-9')],
    ['a published key id with another key', () => signedWith(rotated.privateKey, 'ES256', 'ec-1')],
    [
      'an HS256 token whose secret is the public key (algorithm confusion)',
      () =>
        createSigner({
          key: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          algorithm: 'HS256',
          kid: 'rsa-1',
          iss: ISSUER,
          aud: AUDIENCE,
        })(claims),
    ],
    [
      'an unsigned token (alg none)',
      () => createSigner({ algorithm: 'none', iss: ISSUER, aud: AUDIENCE })(claims),
    ],
  ])('refuses %s with 401', async (_, token) => {
    await expect(verifier()(token())).rejects.toMatchObject({ kind: 'unauthorized' });
  });

  it('picks up a rotated key, and lets unknown key ids fetch at most once per cooldown', async () => {
    let clock = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    try {
      const verify = verifier(30_000);
      await verify(signedWith(rsa.privateKey, 'RS256', 'rsa-1'));
      clock = 40_000;
      idp.keys = [...idp.keys, { kid: 'ec-2', publicKey: rotated.publicKey }];

      await expect(verify(signedWith(rotated.privateKey, 'ES256', 'ec-2'))).resolves.toMatchObject({
        sub: 'u1',
      });
      expect(idp.fetches).toBe(2);

      // A flood of made-up key ids within the cooldown: refused, and no fetch.
      for (let i = 0; i < 20; i++) {
        await expect(verify(signedWith(rsa.privateKey, 'RS256', `made-up-${i}`))).rejects.toThrow(
          ProblemError,
        );
      }
      expect(idp.fetches).toBe(2);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('keeps the keys it has while the JWKS endpoint fails', async () => {
    let clock = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    try {
      const verify = verifier(30_000, 60_000);
      await verify(signedWith(rsa.privateKey, 'RS256', 'rsa-1'));
      idp.failing = true;
      clock = 120_000; // past the ttl: a refresh is tried, fails, the known keys stay

      await expect(
        verify(signedWith(ec.privateKey, 'ES256', 'ec-1', { expiresIn: 500_000 })),
      ).resolves.toMatchObject({
        sub: 'u1',
      });
      expect(idp.fetches).toBe(2);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
