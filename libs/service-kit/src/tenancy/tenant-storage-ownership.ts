import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import {
  Topics,
  tenantSnapshotOfEventSchema,
  tenantStoragePurgeRequestedSchema,
  type TenantIsolation,
  type TenantStorageProvisioned,
  type TenantStoragePurged,
} from '@platform/contracts';
import {
  fromCurrentContext,
  MESSAGING,
  NonRetriableError,
  type ConsumedMessage,
  type KafkaMessaging,
} from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { TenantContextStore, TenantDirectory, type TenantContext } from '@platform/tenancy';
import { SERVICE_LOGGER, SERVICE_NAME } from '../tokens';

/** The tenant whose storage is provisioned or purged. */
export interface OwnedTenant {
  readonly tenantId: string;
  readonly isolation: TenantIsolation;
}

/**
 * A service's own per-tenant storage (ADR 0031), bound to {@link TENANT_STORAGE_OWNER}: the
 * service provisions and purges it itself; {@link TenantStorageOwnership} calls these when the
 * tenant's lifecycle asks for it and reports to the registry. Both calls are idempotent: they run
 * again on a redelivery, and after a crash half-way.
 *
 * @example
 * const owner: TenantStorageOwner = {
 *   provision: async ({ tenantId }) => ({ description: `rows of ${tenantId} in saga.*` }),
 *   purge: async ({ tenantId }) => ({ objects: await store.purgeTenant(tenantId), description: 'rows' }),
 * };
 */
export interface TenantStorageOwner {
  /** Makes the tenant's storage exist and be current; says what it is, for people. */
  provision(tenant: OwnedTenant): Promise<{ readonly description: string }>;
  /** Removes everything the service holds for the tenant; how many objects (schemas, rows) went. */
  purge(tenant: OwnedTenant): Promise<{ readonly objects: number; readonly description: string }>;
}

export const TENANT_STORAGE_OWNER = Symbol('TENANT_STORAGE_OWNER');

/** Partitions of `tenants.storage` wherever it is created (as `tenants.lifecycle`). */
const STORAGE_PARTITIONS = 3;
/** Tenants provisioned at once by the reconciliation at start. */
const RECONCILE_CONCURRENCY = 4;

/**
 * Makes a service the owner of its per-tenant storage (ADR 0031). Its consumer group
 * (`<service>.tenant-storage`) reads `tenants.lifecycle` and `tenants.storage`:
 * - `TenantCreated`: provisions the tenant's storage and reports `TenantStorageProvisioned`,
 * - `TenantStoragePurgeRequested` (from the registry, for a tenant being deleted): purges it and
 *   reports `TenantStoragePurged`,
 * both on `tenants.storage`, keyed by tenant, with the contract's CloudEvents headers (the tenant's
 * `ce_tenantid`, the request's correlation). A service that was down catches up from its group's
 * position; at start it also provisions and reports every tenant its directory knows in `draft`
 * (a report lost or a provisioning dead-lettered), `RECONCILE_CONCURRENCY` at a time.
 */
@Injectable()
export class TenantStorageOwnership
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private reconciling: Promise<void> | undefined;

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(TENANT_STORAGE_OWNER) private readonly owner: TenantStorageOwner,
    private readonly directory: TenantDirectory,
  ) {}

  async onModuleInit(): Promise<void> {
    const storage = this.messaging.topic(Topics.tenantsStorage);
    await this.messaging.ensureTopics([{ topic: storage, partitions: STORAGE_PARTITIONS }], true);
    await this.messaging.subscribe(
      {
        groupId: `${this.messaging.topic('')}${this.service}.tenant-storage`,
        topics: [this.messaging.topic(Topics.tenantsLifecycle), storage],
        handler: (message) => this.handle(message),
      },
      STORAGE_PARTITIONS,
    );
  }

  onApplicationBootstrap(): void {
    this.reconciling = this.reconcile().catch((error: unknown) => {
      this.logger.error({ err: error }, 'tenant storage: reconciliation at start failed');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.reconciling;
  }

  /** One message of the group: provisions, purges, or skips it. */
  async handle(message: ConsumedMessage): Promise<void> {
    const { type, tenantId } = message.attributes;
    if (type === 'tenants.TenantCreated') {
      const snapshot = tenantSnapshotOfEventSchema.safeParse(message.value);
      if (!snapshot.success) throw new NonRetriableError(`not a tenant snapshot: ${snapshot.error.message}`);
      // A group reading the topic from its beginning sees the creation of tenants deleted since.
      const known = this.directory.byTenantId(tenantId);
      if (known?.status === 'archived' || known?.status === 'deleted') return;
      await this.provision({ tenantId, isolation: snapshot.data.isolation });
    } else if (type === 'tenants.TenantStoragePurgeRequested') {
      const request = tenantStoragePurgeRequestedSchema.safeParse(message.value);
      if (!request.success || request.data.tenantId !== tenantId)
        throw new NonRetriableError(`not a purge request of tenant ${tenantId}`);
      await this.purge(request.data);
    }
  }

  /** Provisions and reports every tenant the directory knows in `draft`. */
  async reconcile(): Promise<void> {
    const drafts = this.directory.all().filter((tenant) => tenant.status === 'draft');
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let tenant = drafts[next++]; tenant !== undefined; tenant = drafts[next++]) {
        await this.provision(tenant).catch((error: unknown) => {
          this.logger.warn({ tenantId: tenant.tenantId, err: error }, 'tenant storage: provisioning failed');
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(RECONCILE_CONCURRENCY, drafts.length) }, worker));
    if (drafts.length > 0) this.logger.info({ tenants: drafts.length }, 'tenant storage: drafts reconciled');
  }

  private async provision(tenant: OwnedTenant): Promise<void> {
    const { description } = await this.owner.provision(tenant);
    const report: TenantStorageProvisioned['data'] = {
      tenantId: tenant.tenantId,
      owner: this.service,
      description,
    };
    await this.report('tenants.TenantStorageProvisioned', report);
    this.logger.info({ tenantId: tenant.tenantId, description }, 'tenant storage provisioned');
  }

  private async purge(tenant: OwnedTenant): Promise<void> {
    const purged = await this.owner.purge(tenant);
    const report: TenantStoragePurged['data'] = { tenantId: tenant.tenantId, owner: this.service, ...purged };
    await this.report('tenants.TenantStoragePurged', report);
    this.logger.info({ tenantId: tenant.tenantId, ...purged }, 'tenant storage purged');
  }

  private async report(type: string, data: TenantStorageProvisioned['data'] | TenantStoragePurged['data']) {
    await this.messaging.publish([
      fromCurrentContext(
        {
          topic: this.messaging.topic(Topics.tenantsStorage),
          type,
          subject: data.tenantId,
          value: data,
          source: this.messaging.source,
          dataSchemaVersion: 1,
        },
        this.contextFor(data.tenantId),
      ),
    ]);
  }

  /** The conversation of the message being handled; a new one for the reconciliation at start. */
  private contextFor(tenantId: string): TenantContext {
    const current = TenantContextStore.current();
    const actor = `service:${this.service}`;
    if (current?.tenantId === tenantId) return { ...current, actor };
    const id = randomUUID();
    return { tenantId, actor, roles: [], correlationId: id, causationId: id };
  }
}
