import { z } from 'zod';
import { httpEnv, instanceEnv, kafkaEnv } from '@platform/service-kit';

export const configSchema = z.object({
  ...kafkaEnv,
  ...instanceEnv,
  ...httpEnv(8084),
});

export type SagaServiceConfig = z.infer<typeof configSchema>;
