import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  formatEntityTagCondition,
  ProblemError,
  replyTopic,
  Topics,
  type EntityTagCondition,
} from '@platform/contracts';
import { fromCurrentContext, MESSAGING, type KafkaMessaging, type ReplyListener } from '@platform/messaging';
import { SERVICE_CONFIG, SERVICE_NAME } from '@platform/service-kit';
import type { GatewayConfig } from '../config';
import { INSTANCE_ID } from '../tokens';

export interface CommandToSend {
  /** `ce_type`, e.g. `orders.CreateOrder`. */
  readonly type: string;
  readonly topic: string;
  /** The aggregate id: the Kafka key, so one aggregate's commands stay in order. */
  readonly aggregateId: string;
  readonly data: unknown;
  readonly schemaVersion: number;
  /** The request's `If-Match`: travels as the `ce_ifmatch` extension; the command service checks it. */
  readonly ifMatch?: EntityTagCondition;
  /**
   * `ce_id`, the command's id; random when not given. A retry of a keyed request sends the id its
   * first execution sent, and the command service, finding that command's events, changes nothing.
   */
  readonly commandId?: string;
}

/**
 * Sends a command on Kafka, in the request's tenant context, and waits for its outcome on this
 * instance's own reply topic. A refused command comes back as the service's problem.
 */
@Injectable()
export class CommandBus implements OnModuleInit {
  private listener: ReplyListener | undefined;

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.ensureTopics(
      [Topics.ordersCommands, Topics.inventoryCommands].map((topic) => ({
        topic: this.messaging.topic(topic),
        partitions: this.config.KAFKA_PARTITIONS,
      })),
      true,
    );
    this.listener = await this.messaging.listenForReplies(
      replyTopic(this.config.KAFKA_TOPIC_PREFIX, this.service, this.instanceId),
    );
  }

  async send<R>(command: CommandToSend): Promise<R> {
    if (!this.listener) throw new ProblemError('unavailable', 'the gateway is starting');
    const drafted = fromCurrentContext({
      topic: this.messaging.topic(command.topic),
      type: command.type,
      subject: command.aggregateId,
      value: command.data,
      source: this.messaging.source,
      dataSchemaVersion: command.schemaVersion,
      ...(command.commandId !== undefined && { id: command.commandId }),
    });
    const message =
      command.ifMatch === undefined
        ? drafted
        : {
            ...drafted,
            attributes: { ...drafted.attributes, ifMatch: formatEntityTagCondition(command.ifMatch) },
          };
    let reply;
    try {
      reply = await this.messaging.request<R>(this.listener, message, this.config.COMMAND_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      throw new ProblemError('unavailable', 'the command could not be handed to Kafka', undefined, {
        'retry-after': '5',
      });
    }
    // With the headers a reply may carry (e.g. the Retry-After of a quota used up).
    if (!reply.ok) throw ProblemError.fromReply(reply.problem);
    return reply.result;
  }
}
