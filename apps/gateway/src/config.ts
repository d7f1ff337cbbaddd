import { z } from 'zod';
import {
  databaseEnv,
  httpEnv,
  instanceEnv,
  internalContextEnv,
  internalContextRules,
  jwtEnv,
  jwtRules,
  kafkaEnv,
} from '@platform/service-kit';

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const configSchema = z
  .object({
    ...kafkaEnv,
    /** The tenants' rate-limit budgets, shared by every gateway instance (ADR 0008). */
    ...databaseEnv,
    ...jwtEnv,
    /** Signs the identity of the reads it forwards to the query service (ADR 0017). */
    ...internalContextEnv,
    ...instanceEnv,
    ...httpEnv(8080),
    GATEWAY_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    QUERY_SERVICE_URL: url.default('http://127.0.0.1:8083'),
    TENANT_REGISTRY_URL: url.default('http://127.0.0.1:8085'),
    /** How long a command waits for the command service's answer before a 504. */
    COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
  })
  .superRefine((config, ctx) => {
    jwtRules(config, ctx);
    internalContextRules(config, ctx);
  });

export type GatewayConfig = z.infer<typeof configSchema>;
