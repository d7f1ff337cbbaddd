import type { Provider } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@platform/observability';
import { Readiness, SERVICE_CONFIG, SERVICE_LOGGER } from '@platform/service-kit';
import { TenantDirectory } from '@platform/tenancy';
import { createReadModelDataSource } from './data-source';
import { OrderViewStore } from './orders/order-view.store';
import { runPendingMigrations } from './pending-migrations';
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
 * Each tenant's isolation mode comes from the service's local tenant directory. The service that
 * owns the read models (the projection, ADR 0031) builds it with `runPendingMigrations`: before
 * anything reads or writes them, every tenant's storage runs the migrations it has not run yet
 * (all isolation modes, `concurrency` storages at a time, each logged).
 */
export function readModelsProvider(
  options: { readonly runPendingMigrations?: { readonly concurrency: number } } = {},
): Provider {
  return {
    provide: READ_MODELS,
    inject: [SERVICE_CONFIG, Readiness, TenantDirectory, SERVICE_LOGGER],
    useFactory: async (
      config: { DATABASE_URL: string; DATABASE_POOL_SIZE: number },
      readiness: Readiness,
      directory: TenantDirectory,
      logger: Logger,
    ) => {
      if (options.runPendingMigrations) {
        await migrateAtStart(config.DATABASE_URL, options.runPendingMigrations.concurrency, logger);
      }
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
        orders: new OrderViewStore(
          sources,
          (tenantId) => directory.byTenantId(tenantId)?.isolation,
          positions,
        ),
        positions,
        onApplicationShutdown: () => sources.close(),
      };
      return models;
    },
  };
}

/** The read models, for a service that reads or writes them without owning them (the query side). */
export const ReadModelsProvider: Provider = readModelsProvider();

async function migrateAtStart(databaseUrl: string, concurrency: number, logger: Logger): Promise<void> {
  const started = performance.now();
  const result = await runPendingMigrations(databaseUrl, {
    concurrency,
    onStorage: (storage, outcome) =>
      outcome.error === undefined
        ? logger.info({ storage, migrations: outcome.migrations }, 'read models: pending migrations run')
        : logger.error({ storage, error: outcome.error }, 'read models: pending migrations failed'),
  });
  logger.info(
    {
      storages: result.storages,
      migrated: result.migrated.length,
      failed: result.failed.length,
      ms: Math.round(performance.now() - started),
    },
    'read models: every tenant storage checked for pending migrations',
  );
}
