import type { KafkaMessaging, MessageHandler } from '@platform/messaging';
import type { CommandServiceConfig } from '../config';

/**
 * Subscribes the command service to one command topic, after creating the topic of the events its
 * commands produce (with its DLQ, as the relay would): its own consumer group per topic
 * (`<prefix>command-service` for orders, as before; `<prefix>command-service.<context>` for the
 * others), every partition's commands of one fetch at once so that they join the same group commit
 * (ADR 0018).
 */
export async function subscribeToCommands(
  messaging: KafkaMessaging,
  config: Pick<CommandServiceConfig, 'KAFKA_PARTITIONS' | 'KAFKA_TOPIC_PREFIX'>,
  topics: { readonly commands: string; readonly events: string; readonly group: string },
  handler: MessageHandler,
): Promise<void> {
  const partitions = config.KAFKA_PARTITIONS;
  await messaging.ensureTopics([{ topic: messaging.topic(topics.events), partitions }], true);
  await messaging.subscribe(
    {
      groupId: `${config.KAFKA_TOPIC_PREFIX}${topics.group}`,
      topics: [messaging.topic(topics.commands)],
      handler,
      partitionsConcurrently: partitions,
    },
    partitions,
  );
}
