import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { OrderViewReaderProvider, ProductViewsProvider, ReadModelsProvider } from '@platform/read-models';
import { SERVICE_CONFIG, ServiceKitModule } from '@platform/service-kit';
import type { QueryServiceConfig } from './config';
import { ListOrdersHttpController } from './orders/listing-orders/list-orders.http.controller';
import { OrderCursorCodec } from './orders/listing-orders/order-cursor';
import { OrderEventsProvider, OrderEventsReadiness } from './orders/order-history/order-events.provider';
import { OrderHistoryHttpController } from './orders/order-history/order-history.http.controller';
import { OrdersHttpController } from './orders/orders.http.controller';
import { ProductsHttpController } from './products/products.http.controller';
import { OrderSummaryHttpController } from './orders/summarizing-orders/order-summary.http.controller';

@Module({})
export class AppModule {
  static forRoot(config: QueryServiceConfig, instanceId: string, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'query-service',
          instanceId,
          logger,
          kafka: { brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
          // only what the gateway forwards, with the identity it verified and signed (ADR 0017)
          tenancy: { internalContext: { secret: config.INTERNAL_CONTEXT_SECRET } },
        }),
      ],
      // the static routes (list, summary) before `:id`
      controllers: [
        ListOrdersHttpController,
        OrderSummaryHttpController,
        OrderHistoryHttpController,
        OrdersHttpController,
        ProductsHttpController,
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        ReadModelsProvider,
        OrderViewReaderProvider,
        ProductViewsProvider,
        { provide: OrderCursorCodec, useValue: new OrderCursorCodec(config.INTERNAL_CONTEXT_SECRET) },
        OrderEventsProvider,
        OrderEventsReadiness,
      ],
    };
  }
}
