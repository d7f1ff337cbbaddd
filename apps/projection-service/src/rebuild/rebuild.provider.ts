import type { OnApplicationShutdown, Provider } from '@nestjs/common';
import { Pool } from 'pg';
import type { AuditLog } from '@platform/audit';
import { PostgresEventStore } from '@platform/event-store';
import type { Logger } from '@platform/observability';
import {
  EventStoreRebuildSource,
  ProjectionRebuilder,
  ProjectionVersions,
  READ_MODELS,
  type ReadModels,
} from '@platform/read-models';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@platform/service-kit';
import { TenantDirectory } from '@platform/tenancy';
import type { ProjectionServiceConfig } from '../config';
import { PROJECTION_AUDIT } from '../parking/parking.provider';
import { RebuildJobs } from './rebuild-jobs';

/** The event store as rebuilds read it: PostgreSQL on `DATABASE_URL`, large pages, no listener. */
class RebuildStore implements OnApplicationShutdown {
  readonly pool: Pool;
  readonly store: PostgresEventStore;

  constructor(config: ProjectionServiceConfig) {
    this.pool = new Pool({ connectionString: config.DATABASE_URL, max: 2 });
    this.pool.on('error', () => undefined);
    this.store = new PostgresEventStore(this.pool, {
      schema: config.EVENT_STORE_SCHEMA,
      readBatchSize: config.REBUILD_PAGE_SIZE,
      wakeOnAppend: false,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

export const rebuildProviders: Provider[] = [
  {
    provide: RebuildStore,
    inject: [SERVICE_CONFIG],
    useFactory: (config: ProjectionServiceConfig) => new RebuildStore(config),
  },
  {
    provide: RebuildJobs,
    inject: [SERVICE_CONFIG, READ_MODELS, RebuildStore, TenantDirectory, PROJECTION_AUDIT, SERVICE_LOGGER],
    useFactory: (
      config: ProjectionServiceConfig,
      models: ReadModels,
      { store, pool }: RebuildStore,
      directory: TenantDirectory,
      audit: AuditLog,
      logger: Logger,
    ) => {
      const versions = new ProjectionVersions(models.sources.main);
      const source = new EventStoreRebuildSource(store, pool, config.EVENT_STORE_SCHEMA);
      const rebuilder = new ProjectionRebuilder(
        models.sources,
        config.DATABASE_URL,
        source,
        versions,
        config.REBUILD_PAGE_SIZE,
      );
      return new RebuildJobs(rebuilder, versions, directory, audit, logger);
    },
  },
];
