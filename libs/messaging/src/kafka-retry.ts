import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { Logger } from '@platform/observability';

export interface KafkaRetryOptions {
  /** Logs each retry (a warning naming the error and the next wait). */
  readonly logger?: Logger;
  /** Gives up (throwing the last error) after this long; default: never, a service waits for its broker. */
  readonly deadlineMs?: number;
  /** First pause between attempts, doubled up to `maxBackoffMs`; defaults 200 and 5,000 ms. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

interface KafkaJsError {
  readonly name?: string;
  readonly type?: string;
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly errors?: readonly unknown[];
}

/**
 * Whether waiting can cure the error: kafkajs marks its errors `retriable` (connection errors,
 * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_CONTROLLER…); an exhausted retry is
 * retriable, an aggregate or a wrapper when what it carries is.
 */
export function isRetriable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as KafkaJsError;
  if (e.retriable === true || e.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  // in an aggregate (createTopics), a topic another instance created meanwhile is no obstacle
  if (Array.isArray(e.errors) && e.errors.length > 0)
    return (
      e.errors.some(isRetriable) && e.errors.every((inner) => isRetriable(inner) || alreadyExists(inner))
    );
  return e.cause !== undefined && isRetriable(e.cause);
}

const alreadyExists = (error: unknown): boolean =>
  (error as KafkaJsError | null)?.type === 'TOPIC_ALREADY_EXISTS';

/**
 * Runs `work` until it succeeds, waiting with exponential backoff after each retriable failure
 * (see {@link isRetriable}) and logging it as `kafka: <what> (<error>); retrying in N ms`. For what a
 * service does at start against a broker that may not be up, or has just started, yet.
 */
export async function retryKafka<T>(
  what: string,
  work: () => Promise<T>,
  options: KafkaRetryOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.deadlineMs ?? Infinity);
  let backoffMs = options.initialBackoffMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await work();
      if (attempt > 1) options.logger?.info({ attempt }, `kafka: ${what}: done after ${attempt} attempts`);
      return result;
    } catch (error) {
      if (!isRetriable(error) || Date.now() + backoffMs > deadline) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      options.logger?.warn(
        { err: error, attempt, retryInMs: backoffMs },
        `kafka: ${what} (${reason}); retrying in ${backoffMs} ms`,
      );
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs ?? 5_000);
    }
  }
}

/** The offsets of a topic whose partitions are not all served yet: retriable. */
export class IncompleteOffsetsError extends Error {
  readonly retriable = true;

  constructor(topic: string, cause: TypeError) {
    super(`the offsets of ${topic} are not all served yet (${cause.message})`, { cause });
    this.name = 'IncompleteOffsetsError';
  }
}

/**
 * `admin.fetchTopicOffsets`, whose kafkajs version throws a TypeError when the offsets answer misses
 * a partition its metadata names (a topic just created on a broker that just started): that becomes
 * a retriable {@link IncompleteOffsetsError}, so that {@link retryKafka} asks again.
 */
export async function fetchTopicOffsets(admin: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  try {
    return await admin.fetchTopicOffsets(topic);
  } catch (error) {
    if (error instanceof TypeError) throw new IncompleteOffsetsError(topic, error);
    throw error;
  }
}
