import { z } from 'zod';
import { databaseEnv, httpEnv, instanceEnv, kafkaEnv } from '@platform/service-kit';

export const configSchema = z.object({
  ...kafkaEnv,
  ...databaseEnv,
  ...instanceEnv,
  ...httpEnv(8084),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
  /** How long a saga step waits for its answer (stock reserved, payment charged) before compensating. */
  SAGA_STEP_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
  /** PostgreSQL schema of the saga's tables (state, outbox, timers, processed inputs). */
  SAGA_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier')
    .default('saga'),
});

export type SagaServiceConfig = z.infer<typeof configSchema>;
