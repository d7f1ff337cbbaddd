import { z } from 'zod';

/** Configuration that does not validate: the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates environment variables once, at start. A service refuses to start with a
 * message naming each bad variable rather than failing later on first use.
 *
 * @example
 * const config = loadConfig(z.object({ ...kafkaEnv, ...httpEnv(8081) }), process.env);
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.map(String).join('.');
      const given = env[variable];
      return `${variable}: ${issue.message}${given === undefined ? ' (not set)' : ` (got "${given}")`}`;
    }),
  );
}

const brokerList = z
  .string()
  .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be a comma-separated list of host:port')
  .transform((value) => value.split(','));

const port = z.coerce.number().int().min(1).max(65_535);

export const kafkaEnv = {
  KAFKA_BROKERS: brokerList.default(['localhost:9092']),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'may contain only letters, digits, ".", "_" and "-"')
    .default(''),
};

export const databaseEnv = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://platform:platform@127.0.0.1:5432/platform'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
};

export const DEVELOPMENT_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

export const jwtEnv = {
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEVELOPMENT_JWT_SECRET),
  /** Production: the identity provider's keys (RS256/ES256); when set, `JWT_SECRET` is not used. */
  JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
};

/**
 * The rule across the JWT variables, for `.superRefine` of a service's schema: with `JWT_JWKS_URL`,
 * `JWT_ISSUER` and `JWT_AUDIENCE` are required (a token of any issuer, or minted for any service,
 * must not pass).
 */
export function jwtRules(
  config: {
    JWT_JWKS_URL?: string | undefined;
    JWT_ISSUER?: string | undefined;
    JWT_AUDIENCE?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (config.JWT_JWKS_URL === undefined) return;
  for (const variable of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
    if (config[variable] === undefined) {
      ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when JWT_JWKS_URL is set' });
    }
  }
}

export const DEVELOPMENT_INTERNAL_CONTEXT_SECRET = 'dev-only-internal-context-secret-change-me-0123456789';

/**
 * The secret the gateway signs forwarded requests' identity with and the services behind it verify
 * (ADR 0017). Shared by the internal services only, never by callers or the identity provider.
 */
export const internalContextEnv = {
  INTERNAL_CONTEXT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .default(DEVELOPMENT_INTERNAL_CONTEXT_SECRET),
  /** `production` (set by the Docker image) refuses development defaults of secrets. */
  NODE_ENV: z.string().optional(),
};

/**
 * The rules of `INTERNAL_CONTEXT_SECRET`, for `.superRefine`: in production (`NODE_ENV=production`)
 * it must be set (the development default is public, anyone could sign with it), and it is never
 * the `JWT_SECRET` (whoever may mint user tokens must not thereby sign internal contexts).
 */
export function internalContextRules(
  config: { INTERNAL_CONTEXT_SECRET: string; NODE_ENV?: string | undefined; JWT_SECRET?: string },
  ctx: z.RefinementCtx,
): void {
  if (
    config.NODE_ENV === 'production' &&
    config.INTERNAL_CONTEXT_SECRET === DEVELOPMENT_INTERNAL_CONTEXT_SECRET
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['INTERNAL_CONTEXT_SECRET'],
      message: 'must be set in production (NODE_ENV=production): the development default is public',
    });
  }
  if (config.JWT_SECRET !== undefined && config.INTERNAL_CONTEXT_SECRET === config.JWT_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['INTERNAL_CONTEXT_SECRET'],
      message: 'must differ from JWT_SECRET',
    });
  }
}

export const eventStoreEnv = {
  EVENT_STORE: z.enum(['postgres', 'eventstoredb']).default('postgres'),
  EVENTSTOREDB_URL: z
    .string()
    .regex(/^(esdb|kurrentdb)(\+discover)?:\/\//, 'must be an esdb:// URL')
    .optional(),
};

export const instanceEnv = {
  /** Distinguishes instances of one service (reply topics, consumer client ids). */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" only')
    .optional(),
};

/**
 * `PORT` (and `HOST`) of a service's HTTP server, with its own default port, and `MANAGEMENT_PORT`,
 * the listener of `/metrics` (and the health probes again), apart from the API: unset, it is the
 * service's port + 100 (see `defaultManagementPort`).
 */
export const httpEnv = (defaultPort: number) => ({
  PORT: port.default(defaultPort),
  HOST: z.string().min(1).default('0.0.0.0'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).default(1_048_576),
  MANAGEMENT_PORT: port.optional(),
  ...metricsEnv,
});

/** The `tenant` label of metrics (ADR 0028): the top tenants by traffic, plus an opt-in list. */
export const metricsEnv = {
  METRICS_TENANT_LABELS_TOP: z.coerce.number().int().min(0).max(1_000).default(20),
  METRICS_TENANT_LABELS: z
    .string()
    .regex(/^[A-Za-z0-9_-]*(,[A-Za-z0-9_-]+)*$/, 'must be a comma-separated list of tenant ids')
    .default('')
    .transform((value) => (value === '' ? [] : value.split(','))),
};

export { port as portSchema };

/** `INSTANCE_ID`, or `<hostname>-<pid>` when unset. */
export function instanceIdOf(configured: string | undefined): string {
  return (
    configured ??
    `${process.env.HOSTNAME ?? 'local'}-${process.pid}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64)
  );
}
