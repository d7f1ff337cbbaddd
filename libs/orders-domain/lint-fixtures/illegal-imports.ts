// Deliberately illegal: the lint must reject both imports (tools/architecture proves it does).
// A domain lib may not import Kafka, nor an infrastructure lib.
import { Kafka } from 'kafkajs';
import { KafkaMessaging } from '@platform/messaging';

export const illegal = [Kafka, KafkaMessaging];
