import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@platform/observability';
import { installRequestQueueTimerFix } from './request-queue-timer';

export interface KafkaConnectionOptions {
  /** `host:port` list; use 127.0.0.1 rather than localhost (Node may resolve it to ::1). */
  readonly brokers: readonly string[];
  readonly clientId: string;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go, as JSON, through the service's logger. */
export function createKafka(options: KafkaConnectionOptions, logger: Logger): Kafka {
  installRequestQueueTimerFix();
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    // Reconnect attempts at most 2 s apart (kafkajs: 30 s), so a client finds a broker that is back
    // within seconds; eight retries then give up after ~9 s and the caller (or restart) takes over.
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 2_000 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[levels[level] ?? 'info'](rest, message);
      },
  });
}
