import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Logger } from '@platform/observability';

/** Something a service needs before it can start (Kafka waits in `KafkaMessaging.connect`). */
export interface StartupDependency {
  readonly name: string;
  /** Where it is expected, for the log (no credentials). */
  readonly where: string;
  /** Resolves when it answers. */
  readonly probe: () => Promise<void>;
}

export interface WaitOptions {
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * Waits until every dependency answers, probing each with exponential backoff (250 ms doubling up
 * to 5 s) and logging each failed attempt as `waiting for <name> at <where>: <error>; retrying in N ms`:
 * a service started before its database waits for it instead of exiting.
 */
export async function waitForDependencies(
  dependencies: readonly StartupDependency[],
  logger: Logger,
  options: WaitOptions = {},
): Promise<void> {
  await Promise.all(
    dependencies.map(async ({ name, where, probe }) => {
      let backoffMs = options.initialBackoffMs ?? 250;
      for (let attempt = 1; ; attempt++) {
        try {
          await probe();
          if (attempt > 1) logger.info({ dependency: name, where, attempt }, `${name} at ${where} is up`);
          return;
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          logger.warn(
            { dependency: name, where, attempt, retryInMs: backoffMs, err: error },
            `waiting for ${name} at ${where}: ${reason}; retrying in ${backoffMs} ms`,
          );
          await sleep(backoffMs);
          backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs ?? 5_000);
        }
      }
    }),
  );
}

/** PostgreSQL at `url`: a connection and `select 1`. */
export function postgresDependency(url: string): StartupDependency {
  const parsed = new URL(url);
  return {
    name: 'postgresql',
    where: `${parsed.host}${parsed.pathname}`,
    probe: async () => {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      client.on('error', () => undefined); // a connection lost while probing fails the probe, nothing more
      try {
        await client.connect();
        await client.query('select 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
