import { DataSource } from 'typeorm';
import { OrderView, ProcessedEvent } from './orders/order-view.entity';
import { CreateOrderViews1763800000000 } from './migrations/1763800000000-create-order-views';
import { CreateProductViews1764900000000 } from './migrations/1764900000000-create-product-views';
import { CreateOrderSummaries1765000000000 } from './migrations/1765000000000-create-order-summaries';

export const readModelEntities = [OrderView, ProcessedEvent];
export const readModelMigrations = [
  CreateOrderViews1763800000000,
  CreateProductViews1764900000000,
  CreateOrderSummaries1765000000000,
];

/** The shared pool to the read-model database; tenant schemas are chosen per query. */
export function createReadModelDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: readModelEntities,
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize },
    applicationName: 'read-models',
  });
}
