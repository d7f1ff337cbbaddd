import type { Pool } from 'pg';
import { AuditLog } from '@platform/audit';
import { PostgresEventStore } from '@platform/event-store';
import { PostgresIdempotencyStore } from '@platform/idempotency';
import { UsageCounters } from '@platform/quotas';
import {
  migrateWebhooks,
  WebhookEgress,
  WebhookQueue,
  WebhookSubscriptions,
  type WebhookLogger,
} from '@platform/webhooks';
import { ApiKeyRows } from './api-key-rows';
import { StorageOwnerRows } from './storage-owner-rows';
import {
  DEFAULT_REGISTRY_SCHEMA,
  assertRegistrySchema,
  migrationLockKey,
  registryDdl,
} from './registry.schema.sql';
import { SlugReservations } from './slug-reservations';
import { TenantRows } from './tenant-rows';
import { migrateUnderLock } from '@platform/postgres-kit';

/** PostgreSQL schemas of what the registry stores; the defaults are the platform's own. */
export interface RegistrySchemas {
  readonly registry?: string;
  readonly eventStore?: string;
  readonly audit?: string;
  readonly webhooks?: string;
  readonly quotas?: string;
  readonly idempotency?: string;
}

/**
 * Everything the registry keeps, on one pool of one database, so that a tenant's events, its
 * record and their audit commit in one transaction: the event store (platform-owned tenant
 * streams), the audit log, the registry tables, the webhooks outbox, the quota usage counters, and
 * the gateway's Idempotency-Key records.
 */
export class RegistryDatabase {
  readonly store: PostgresEventStore;
  readonly audit: AuditLog;
  readonly tenants: TenantRows;
  readonly slugs: SlugReservations;
  readonly apiKeys: ApiKeyRows;
  /** What the services that own per-tenant storage reported (ADR 0031). */
  readonly storageOwners: StorageOwnerRows;
  readonly subscriptions: WebhookSubscriptions;
  readonly queue: WebhookQueue;
  /** The command service's usage counters: the registry purges a deleted tenant's. */
  readonly usage: UsageCounters;
  /** The gateway's Idempotency-Key records: the registry purges a deleted tenant's. */
  readonly idempotency: PostgresIdempotencyStore;
  private readonly registrySchema: string;
  private readonly webhooksSchema: string | undefined;

  /**
   * `egress`: which webhook URLs subscriptions may have (its allow-list of hosts); default none
   * allow-listed, so https to public addresses only.
   */
  constructor(
    readonly pool: Pool,
    schemas: RegistrySchemas = {},
    logger?: WebhookLogger,
    private readonly egress: WebhookEgress = new WebhookEgress(),
  ) {
    this.registrySchema = assertRegistrySchema(schemas.registry ?? DEFAULT_REGISTRY_SCHEMA);
    const s = `"${this.registrySchema}"`;
    this.webhooksSchema = schemas.webhooks;
    this.store = new PostgresEventStore(pool, schemas.eventStore ? { schema: schemas.eventStore } : {});
    this.audit = new AuditLog(pool, schemas.audit ? { schema: schemas.audit } : {});
    this.usage = new UsageCounters(pool, schemas.quotas ? { schema: schemas.quotas } : {});
    this.idempotency = new PostgresIdempotencyStore(
      pool,
      schemas.idempotency ? { schema: schemas.idempotency } : {},
    );
    this.tenants = new TenantRows(pool, s);
    this.slugs = new SlugReservations(pool, s);
    this.apiKeys = new ApiKeyRows(pool, s);
    this.storageOwners = new StorageOwnerRows(pool, s);
    const webhooks = { pool, ...(schemas.webhooks && { schema: schemas.webhooks }) };
    this.subscriptions = new WebhookSubscriptions({ ...webhooks, egress });
    this.queue = new WebhookQueue({ ...webhooks, ...(logger && { logger }) });
  }

  /** The webhooks lib on another pool (e.g. one that joins a transaction), with this schema. */
  webhooksOn(pool: Pool): { subscriptions: WebhookSubscriptions; queue: WebhookQueue } {
    const options = { pool, ...(this.webhooksSchema && { schema: this.webhooksSchema }) };
    return {
      subscriptions: new WebhookSubscriptions({ ...options, egress: this.egress }),
      queue: new WebhookQueue(options),
    };
  }

  /** Creates or updates every schema. Idempotent; safe when several instances start at once. */
  async migrate(): Promise<void> {
    await this.store.migrate();
    await this.audit.migrate();
    await this.usage.migrate();
    await this.idempotency.migrate();
    await migrateWebhooks(this.pool, this.webhooksSchema);
    await migrateUnderLock(
      this.pool,
      migrationLockKey(this.registrySchema),
      registryDdl(this.registrySchema),
    );
  }
}
