import type { Logger } from '@platform/observability';
import type { ApiKeyAnnouncer } from '../api-keys/api-key-announcer';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantCommands } from '../tenants/tenant-commands';
import type { TenantStoragePort } from './tenant-storage.port';

/** What the controller's steps work with. */
export interface ReconcileDeps {
  readonly db: RegistryDatabase;
  readonly commands: TenantCommands;
  readonly storage: TenantStoragePort;
  readonly announcer: ApiKeyAnnouncer;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly now: () => Date;
  readonly newId: () => string;
}
