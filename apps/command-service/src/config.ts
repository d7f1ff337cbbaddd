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
});

export type CommandServiceConfig = z.infer<typeof configSchema>;
