import type { Provider } from '@nestjs/common';
import { createReadModelDataSource } from './data-source';
import { OrderViewStore } from './orders/order-view.store';
import { Readiness, SERVICE_CONFIG } from '@platform/service-kit';
import type { DataSource } from 'typeorm';

export const READ_MODELS = Symbol('READ_MODELS');

export interface ReadModels {
  readonly dataSource: DataSource;
  readonly orders: OrderViewStore;
}

/** The read-model database (TypeORM), connected at start, checked by readiness, closed on stop. */
export const ReadModelsProvider: Provider = {
  provide: READ_MODELS,
  inject: [SERVICE_CONFIG, Readiness],
  useFactory: async (config: { DATABASE_URL: string; DATABASE_POOL_SIZE: number }, readiness: Readiness) => {
    const dataSource = createReadModelDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
    await dataSource.initialize();
    readiness.register('read-model-database', async () => {
      await dataSource.query('SELECT 1');
    });
    const models: ReadModels & { onApplicationShutdown(): Promise<void> } = {
      dataSource,
      orders: new OrderViewStore(dataSource),
      onApplicationShutdown: () => dataSource.destroy(),
    };
    return models;
  },
};
