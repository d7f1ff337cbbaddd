import { z } from 'zod';
import { databaseEnv, httpEnv, instanceEnv, kafkaEnv } from '@platform/service-kit';

export const configSchema = z.object({
  ...kafkaEnv,
  ...databaseEnv,
  ...instanceEnv,
  ...httpEnv(8082),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
});

export type ProjectionServiceConfig = z.infer<typeof configSchema>;
