import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { TenantDirectory } from '@platform/tenancy';
import { OrderViewReader } from './order-view.reader';

export const ORDER_VIEW_READER = Symbol('ORDER_VIEW_READER');

/**
 * The query side's {@link OrderViewReader}, each tenant's isolation mode from the service's local
 * tenant directory; its pools are closed on shutdown.
 */
export const OrderViewReaderProvider: Provider = {
  provide: ORDER_VIEW_READER,
  inject: [SERVICE_CONFIG, TenantDirectory],
  useFactory: (config: { DATABASE_URL: string; DATABASE_POOL_SIZE: number }, directory: TenantDirectory) => {
    const reader = new OrderViewReader(
      config.DATABASE_URL,
      (tenantId) => directory.byTenantId(tenantId)?.isolation,
      { poolSize: config.DATABASE_POOL_SIZE },
    );
    return Object.assign(reader, { onApplicationShutdown: () => reader.close() });
  },
};
