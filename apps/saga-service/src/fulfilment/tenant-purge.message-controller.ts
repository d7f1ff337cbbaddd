import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ceTypeOf, messageDefinition, Topics } from '@platform/contracts';
import { MESSAGING, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { SERVICE_LOGGER } from '@platform/service-kit';
import { FulfilmentStore } from './fulfilment-store';
import { FULFILMENT_OPTIONS, type FulfilmentModuleOptions } from './fulfilment.options';

const TENANT_DELETED = ceTypeOf(messageDefinition('tenants', 'TenantDeleted'));

/**
 * The saga service owns its data: when a tenant is deleted (`TenantDeleted` on `tenants.lifecycle`,
 * whose `ce_tenantid` is the tenant it is about), its sagas, outbox, timers and processed inputs
 * go. Idempotent: a redelivery deletes nothing more.
 */
@Injectable()
export class TenantPurgeController implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(FULFILMENT_OPTIONS) private readonly options: FulfilmentModuleOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly store: FulfilmentStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.subscribe(
      {
        groupId: `${this.options.topicPrefix}saga-service.tenants`,
        topics: [this.messaging.topic(Topics.tenantsLifecycle)],
        handler: (message) => this.handle(message),
      },
      // tenants.lifecycle has 3 partitions wherever it is created
      3,
    );
  }

  private async handle(message: ConsumedMessage): Promise<void> {
    if (message.attributes.type !== TENANT_DELETED) return;
    const tenantId = message.attributes.tenantId;
    const purged = await this.store.purgeTenant(tenantId);
    this.logger.info({ tenantId, purged }, 'tenant deleted: saga data purged');
  }
}
