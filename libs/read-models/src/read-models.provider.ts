import type { Provider } from '@nestjs/common';
import { Readiness, SERVICE_CONFIG } from '@platform/service-kit';
import { TenantDirectory } from '@platform/tenancy';
import { createReadModelDataSource } from './data-source';
import { OrderViewStore } from './orders/order-view.store';
import { SeenPositions } from './seen-positions';
import { TenantDataSources } from './tenant-data-sources';

export const READ_MODELS = Symbol('READ_MODELS');

export interface ReadModels {
  readonly sources: TenantDataSources;
  readonly orders: OrderViewStore;
  /** What `X-Consistency-Token` waits for. */
  readonly positions: SeenPositions;
}

/**
 * The read-model databases (TypeORM), connected at start, checked by readiness, closed on stop.
 * Each tenant's isolation mode comes from the service's local tenant directory.
 */
export const ReadModelsProvider: Provider = {
  provide: READ_MODELS,
  inject: [SERVICE_CONFIG, Readiness, TenantDirectory],
  useFactory: async (
    config: { DATABASE_URL: string; DATABASE_POOL_SIZE: number },
    readiness: Readiness,
    directory: TenantDirectory,
  ) => {
    const main = createReadModelDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
    await main.initialize();
    const sources = new TenantDataSources(main, config.DATABASE_URL);
    const positions = new SeenPositions(main);
    await positions.migrate();
    readiness.register('read-model-database', async () => {
      await main.query('SELECT 1');
    });
    const models: ReadModels & { onApplicationShutdown(): Promise<void> } = {
      sources,
      orders: new OrderViewStore(sources, (tenantId) => directory.byTenantId(tenantId)?.isolation, positions),
      positions,
      onApplicationShutdown: () => sources.close(),
    };
    return models;
  },
};
