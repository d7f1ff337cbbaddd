import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { SERVICE_LOGGER } from '@platform/service-kit';
import { TenantDirectory } from '@platform/tenancy';
import { WebhookDispatcher } from '@platform/webhooks';
import type { Pool } from 'pg';
import { ApiKeys } from './api-keys/api-keys';
import { StorageMeter } from './quotas/storage-meter';
import { TenantController } from './reconcile/tenant-controller';
import { RegistryDatabase } from './registry/registry-database';
import { snapshotOfRecord } from './registry/snapshot-of-record';

/** The connections that hold the controller's per-tenant advisory locks (a `pg` Pool). */
export const CONTROLLER_LOCK_POOL = Symbol('CONTROLLER_LOCK_POOL');

/**
 * Starts and stops what runs in the background, in order. At start: the local tenant directory
 * learns every tenant from the registry itself, every API key record is announced again (a fresh
 * service rebuilds its key view from the topic), then the controller and the webhook dispatcher
 * start, and the storage meter. At shutdown they stop (attempts in flight finish), and the database pools close last.
 */
@Injectable()
export class ControlPlaneLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly db: RegistryDatabase,
    private readonly controller: TenantController,
    private readonly dispatcher: WebhookDispatcher,
    private readonly meter: StorageMeter,
    private readonly keys: ApiKeys,
    private readonly directory: TenantDirectory,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(CONTROLLER_LOCK_POOL) private readonly locks: Pool,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const tenant of await this.db.tenants.all()) this.directory.apply(snapshotOfRecord(tenant));
    const announced = await this.keys.announceAll();
    this.logger.info({ tenants: this.directory.size, apiKeys: announced }, 'control plane state announced');
    this.controller.start();
    this.dispatcher.start();
    this.meter.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.controller.stop(), this.dispatcher.stop(), this.meter.stop()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.db.pool.end(), this.locks.end()]);
  }
}
