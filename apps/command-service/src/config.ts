import { z } from 'zod';
import { databaseEnv, eventStoreEnv, httpEnv, instanceEnv, kafkaEnv } from '@platform/service-kit';

export const configSchema = z.object({
  ...kafkaEnv,
  ...databaseEnv,
  ...eventStoreEnv,
  ...instanceEnv,
  ...httpEnv(8081),
  /** Partitions of the topics this service creates when missing. */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
  /**
   * How long the payment processor waits for the provider's answer to a charge before it abandons
   * it (nothing recorded; the saga's step deadline, 30 s by default, compensates). Below that deadline.
   */
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type CommandServiceConfig = z.infer<typeof configSchema>;
