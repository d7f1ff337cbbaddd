import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { KafkaMessaging, type MessagingOptions } from './kafka-messaging';

export const MESSAGING = Symbol('MESSAGING');

export interface MessagingModuleAsyncOptions {
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => { options: MessagingOptions; logger: Logger };
}

class MessagingLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(MESSAGING) private readonly messaging: KafkaMessaging) {}

  /** First: stop taking messages; the batch in progress finishes and commits. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.messaging.stopConsuming();
  }

  /** Last (after HTTP has closed): reply listeners, then flush and disconnect the producer. */
  async onApplicationShutdown(): Promise<void> {
    await this.messaging.close();
  }
}

/** Provides the process's {@link KafkaMessaging} as `MESSAGING`, connected before the app starts. */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGING,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]) => {
            const { options: messagingOptions, logger } = options.useFactory(...args);
            return KafkaMessaging.connect(messagingOptions, logger);
          },
        },
        MessagingLifecycle,
      ],
      exports: [MESSAGING],
    };
  }
}
