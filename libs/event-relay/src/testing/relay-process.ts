// A relay in a process of its own, for the take-over test: the test kills it with SIGKILL (no
// graceful stop, no last checkpoint) and checks that another instance takes over with no loss.
// Configured by environment variables; logs JSON lines on stdout ("leading: ..." when it leads).
import pino from 'pino';
import { PostgresEventStore } from '@platform/event-store';
import { KafkaMessaging } from '@platform/messaging';
import { EventRelay } from '../event-relay';
import { KafkaRelayPublisher } from '../kafka/kafka-relay-publisher';
import { PostgresCheckpointStore } from '../postgres/postgres-checkpoint-store';
import { PostgresRelayLeadership } from '../postgres/postgres-leadership';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const logger = pino({ level: 'info', base: { service: env('RELAY_SERVICE') } });
  const connectionString = env('DATABASE_URL');
  const schema = env('RELAY_SCHEMA');
  const store = await PostgresEventStore.create({
    connectionString,
    schema,
    poolSize: 2,
    pollIntervalMs: 20,
  });
  const messaging = await KafkaMessaging.connect(
    {
      brokers: env('KAFKA_BROKERS').split(','),
      clientId: env('RELAY_SERVICE'),
      topicPrefix: env('KAFKA_TOPIC_PREFIX'),
      service: env('RELAY_SERVICE'),
    },
    logger,
  );
  const checkpoints = PostgresCheckpointStore.create({ connectionString, schema });
  const relay = new EventRelay({
    name: env('RELAY_NAME'),
    store,
    publisher: new KafkaRelayPublisher(messaging, () => 3),
    checkpoints,
    leadership: new PostgresRelayLeadership({ connectionString, logger }),
    logger,
    batching: { maxSize: Number(env('RELAY_BATCH_SIZE')), maxDelayMs: 5 },
  });
  relay.start();
  process.on('SIGTERM', () => {
    void relay
      .stop()
      .then(() => Promise.all([messaging.close(), store.close(), checkpoints.close()]))
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`relay process failed: ${String(error)}\n`);
  process.exit(1);
});
