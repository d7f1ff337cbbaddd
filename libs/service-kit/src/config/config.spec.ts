import { z } from 'zod';
import {
  ConfigError,
  DEVELOPMENT_INTERNAL_CONTEXT_SECRET,
  httpEnv,
  internalContextEnv,
  internalContextRules,
  jwtEnv,
  jwtRules,
  kafkaEnv,
  loadConfig,
} from './config';
import { jwtOptionsOf } from '../main';

const schema = z.object({ ...kafkaEnv, ...httpEnv(8081) });

describe('loadConfig', () => {
  it('applies the development defaults', () => {
    expect(loadConfig(schema, {})).toEqual({
      KAFKA_BROKERS: ['localhost:9092'],
      KAFKA_TOPIC_PREFIX: '',
      PORT: 8081,
      HOST: '0.0.0.0',
      BODY_LIMIT_BYTES: 1_048_576,
      METRICS_TENANT_LABELS_TOP: 20,
      METRICS_TENANT_LABELS: [],
    });
  });

  it('reads the tenant labels of metrics: a top and an opt-in list', () => {
    expect(
      loadConfig(schema, { METRICS_TENANT_LABELS_TOP: '5', METRICS_TENANT_LABELS: 'a-1,b_2' }),
    ).toMatchObject({ METRICS_TENANT_LABELS_TOP: 5, METRICS_TENANT_LABELS: ['a-1', 'b_2'] });
    expect(() => loadConfig(schema, { METRICS_TENANT_LABELS: 'a b' })).toThrow(/METRICS_TENANT_LABELS: /);
    expect(() => loadConfig(schema, { METRICS_TENANT_LABELS_TOP: '-1' })).toThrow(ConfigError);
  });

  it('parses a broker list', () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: '127.0.0.1:9092,10.0.0.2:9093' }).KAFKA_BROKERS).toEqual([
      '127.0.0.1:9092',
      '10.0.0.2:9093',
    ]);
  });

  it('names every bad variable and what it got', () => {
    let error: unknown;
    try {
      loadConfig(schema, { KAFKA_BROKERS: 'nohostport', PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(
      'KAFKA_BROKERS: must be a comma-separated list of host:port (got "nohostport")',
    );
    expect(message).toMatch(/PORT: .*\(got "eighty"\)/);
  });
});

describe('the JWT variables', () => {
  const schema = z.object({ ...jwtEnv }).superRefine(jwtRules);
  const jwks = 'https://idp.example.test/.well-known/jwks.json';

  it('uses the shared secret (HS256) without JWT_JWKS_URL', () => {
    expect(jwtOptionsOf(loadConfig(schema, { JWT_SECRET: 'x'.repeat(32) }))).toEqual({
      secret: 'x'.repeat(32),
    });
  });

  it('uses the JWKS with its issuer and audience when JWT_JWKS_URL is set', () => {
    const config = loadConfig(schema, {
      JWT_JWKS_URL: jwks,
      JWT_ISSUER: 'https://idp/',
      JWT_AUDIENCE: 'api',
    });
    expect(jwtOptionsOf(config)).toEqual({ jwksUrl: jwks, issuer: 'https://idp/', audience: 'api' });
  });

  it('refuses to start with JWT_JWKS_URL but no issuer or audience, naming both', () => {
    expect(() => loadConfig(schema, { JWT_JWKS_URL: jwks })).toThrow(
      /JWT_ISSUER: is required when JWT_JWKS_URL is set[\s\S]*JWT_AUDIENCE: is required/,
    );
  });

  it('refuses a JWKS URL that is not http(s)', () => {
    expect(() =>
      loadConfig(schema, { JWT_JWKS_URL: 'file:///etc/keys', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }),
    ).toThrow(ConfigError);
  });
});

describe('INTERNAL_CONTEXT_SECRET', () => {
  const schema = z.object({ ...jwtEnv, ...internalContextEnv }).superRefine(internalContextRules);
  const secret = 'an-internal-secret-for-this-test-0123456789';

  it('defaults to the development secret outside production', () => {
    expect(loadConfig(schema, {}).INTERNAL_CONTEXT_SECRET).toBe(DEVELOPMENT_INTERNAL_CONTEXT_SECRET);
  });

  it('is required in production (NODE_ENV=production)', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production' })).toThrow(
      /INTERNAL_CONTEXT_SECRET: must be set in production/,
    );
    expect(() =>
      loadConfig(schema, {
        NODE_ENV: 'production',
        INTERNAL_CONTEXT_SECRET: DEVELOPMENT_INTERNAL_CONTEXT_SECRET,
      }),
    ).toThrow(ConfigError);
    expect(loadConfig(schema, { NODE_ENV: 'production', INTERNAL_CONTEXT_SECRET: secret })).toMatchObject({
      INTERNAL_CONTEXT_SECRET: secret,
    });
  });

  it('refuses a short secret, and the JWT secret', () => {
    expect(() => loadConfig(schema, { INTERNAL_CONTEXT_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig(schema, { INTERNAL_CONTEXT_SECRET: secret, JWT_SECRET: secret })).toThrow(
      /must differ from JWT_SECRET/,
    );
  });
});
