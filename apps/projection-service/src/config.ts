import { z } from 'zod';
import { databaseEnv, httpEnv, instanceEnv, jwtEnv, jwtRules, kafkaEnv } from '@platform/service-kit';

export const configSchema = z
  .object({
    ...kafkaEnv,
    ...databaseEnv,
    /** Verifies the platform-admin tokens of the operator routes (parked messages, DLQs; ADR 0021). */
    ...jwtEnv,
    ...instanceEnv,
    ...httpEnv(8082),
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
    /** How long a seen position is kept for X-Consistency-Token; older ones count as seen (ADR 0012). */
    SEEN_POSITIONS_RETENTION_MS: z.coerce
      .number()
      .int()
      .min(60_000)
      .default(24 * 60 * 60 * 1_000),
    /** How often the projection deletes seen positions past their retention. */
    SEEN_POSITIONS_PRUNE_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(10 * 60 * 1_000),
    /** Tenant storages (schemas, databases) migrated at once by the pending-migrations pass at start (ADR 0031). */
    READ_MODEL_MIGRATION_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    /** Schema of the PostgreSQL event store on `DATABASE_URL` that rebuilds read (ADR 0033). */
    EVENT_STORE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .default('event_store'),
    /** Events a rebuild reads and folds per page (ADR 0033). */
    REBUILD_PAGE_SIZE: z.coerce.number().int().min(100).max(50_000).default(5_000),
  })
  .superRefine(jwtRules);

export type ProjectionServiceConfig = z.infer<typeof configSchema>;
