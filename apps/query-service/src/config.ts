import { z } from 'zod';
import { databaseEnv, httpEnv, instanceEnv, jwtEnv, kafkaEnv } from '@platform/service-kit';

export const configSchema = z.object({
  ...kafkaEnv,
  ...databaseEnv,
  ...jwtEnv,
  ...instanceEnv,
  ...httpEnv(8083),
});

export type QueryServiceConfig = z.infer<typeof configSchema>;
