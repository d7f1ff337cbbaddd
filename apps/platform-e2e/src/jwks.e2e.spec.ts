import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner } from 'fast-jwt';
import { uniqueSuffix } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

/**
 * Contract §1, production auth: with `JWT_JWKS_URL`, `JWT_ISSUER` and `JWT_AUDIENCE`, every service
 * verifies RS256/ES256 tokens against the identity provider's published keys (here a JWKS endpoint
 * served by the test); the development HS256 secret no longer opens anything.
 */
describe('JWT verification against a JWKS (RS256 / ES256)', () => {
  const issuer = 'https://idp.e2e.test/';
  const audience = 'tenantflow-api';
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const suffix = uniqueSuffix();
  let idp: Server;
  let platform: Platform;
  let gw: string;

  const signer = (algorithm: 'RS256' | 'ES256') =>
    createSigner({
      key: (algorithm === 'RS256' ? rsa : ec).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      algorithm,
      kid: algorithm === 'RS256' ? 'rsa-1' : 'ec-1',
      iss: issuer,
      aud: audience,
      expiresIn: 600_000,
    });
  const rs256 = signer('RS256');
  const es256 = signer('ES256');

  beforeAll(async () => {
    idp = createServer((_request, response) => {
      const keys = [
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig', alg: 'ES256' },
      ];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const { port } = idp.address() as AddressInfo;
    platform = await startPlatform(27_080, {
      extraEnv: {
        JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        JWT_ISSUER: issuer,
        JWT_AUDIENCE: audience,
      },
    });
    gw = platform.gateways[0]?.url ?? '';
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
    await new Promise((resolve) => idp.close(resolve));
  }, 60_000);

  it('serves RS256 and ES256 tokens of the provider, and refuses the development secret and other audiences', async () => {
    const admin = `${rs256({ sub: 'ops', roles: ['platform-admin'], tenants: [] })}`;
    const tenantId = await createActiveTenant({
      via: gw,
      admin,
      slug: `jwks-${suffix}`,
      servedBy: { gateways: [gw], token: (id) => es256({ sub: 'probe', roles: ['viewer'], tenants: [id] }) },
    });

    const member = es256({ sub: 'alice', roles: ['member'], tenants: [tenantId] });
    const created = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-1' } });
    expect(created.status).toBe(201);
    const read = await api(gw, 'GET', `/v1/tenants/${tenantId}`, { token: admin });
    expect(read.body).toMatchObject({ id: tenantId, status: 'active' });

    // HS256 with the services' JWT_SECRET: what opened everything in development, refused here.
    expectProblem(
      await api(gw, 'GET', `/v1/tenants/${tenantId}`, { token: platform.token(['platform-admin']) }),
      401,
    );
    // The provider's key, but minted for another service.
    const elsewhere = createSigner({
      key: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      algorithm: 'RS256',
      kid: 'rsa-1',
      iss: issuer,
      aud: 'another-api',
    })({ sub: 'ops', roles: ['platform-admin'], tenants: [] });
    expectProblem(await api(gw, 'GET', `/v1/tenants/${tenantId}`, { token: elsewhere }), 401);
  });
});
