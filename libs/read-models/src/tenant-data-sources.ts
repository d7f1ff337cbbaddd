import { DataSource } from 'typeorm';
import { readModelEntities } from './data-source';
import { databaseUrlFor, type TenantStorage } from './tenant-storage';

/**
 * Connection pools to the read-model databases: the main one (schema and shared modes) and one per
 * `dedicated` tenant, opened on first use and kept. Closed together on shutdown.
 */
export class TenantDataSources {
  private readonly dedicated = new Map<string, Promise<DataSource>>();

  constructor(
    readonly main: DataSource,
    private readonly baseUrl: string,
    private readonly dedicatedPoolSize = 4,
  ) {}

  async forStorage(storage: TenantStorage): Promise<DataSource> {
    if (storage.database === undefined) return this.main;
    let source = this.dedicated.get(storage.database);
    if (!source) {
      const dataSource = new DataSource({
        type: 'postgres',
        url: databaseUrlFor(this.baseUrl, storage.database),
        entities: readModelEntities,
        extra: { max: this.dedicatedPoolSize },
        applicationName: 'read-models',
      });
      source = dataSource.initialize().catch((error: unknown) => {
        this.dedicated.delete(storage.database);
        throw error;
      });
      this.dedicated.set(storage.database, source);
    }
    return source;
  }

  /** Forgets (and closes) a dedicated tenant's pool, e.g. before its database is dropped. */
  async release(storage: TenantStorage): Promise<void> {
    if (storage.database === undefined) return;
    const source = this.dedicated.get(storage.database);
    this.dedicated.delete(storage.database);
    if (source) await (await source).destroy();
  }

  async close(): Promise<void> {
    const all = [...this.dedicated.values()];
    this.dedicated.clear();
    await Promise.all(all.map(async (source) => (await source.catch(() => undefined))?.destroy()));
    if (this.main.isInitialized) await this.main.destroy();
  }
}
