import { z } from 'zod';
import {
  databaseEnv,
  eventStoreEnv,
  httpEnv,
  instanceEnv,
  internalContextEnv,
  internalContextRules,
  kafkaEnv,
} from '@platform/service-kit';

export const configSchema = z
  .object({
    ...kafkaEnv,
    ...databaseEnv,
    /** Orders' histories are read from the event store the command service appends to. */
    ...eventStoreEnv,
    /** Requests come from the gateway only, with the context it signed (ADR 0017): no JWT here. */
    ...internalContextEnv,
    ...instanceEnv,
    ...httpEnv(8083),
    /**
     * How long a read with `X-Consistency-Token` waits for the read model to see that position before
     * it answers 504, in ms (under the gateway's 10 s upstream timeout).
     */
    CONSISTENCY_WAIT_MS: z.coerce.number().int().min(0).max(8_000).default(5_000),
  })
  .superRefine(internalContextRules)
  .superRefine((config, ctx) => {
    if (config.EVENT_STORE === 'eventstoredb' && config.EVENTSTOREDB_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['EVENTSTOREDB_URL'],
        message: 'required when EVENT_STORE=eventstoredb',
      });
    }
  });

export type QueryServiceConfig = z.infer<typeof configSchema>;
