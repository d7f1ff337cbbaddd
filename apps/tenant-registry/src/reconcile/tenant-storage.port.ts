import { Topics, type TenantIsolation, type TenantStoragePurgeRequested } from '@platform/contracts';
import { fromCurrentContext, type KafkaMessaging } from '@platform/messaging';
import type { OwnerReport, StorageOwnerRows } from '../registry/storage-owner-rows';

/** Who asks for a purge, and in which conversation: the request's headers carry it. */
export interface PurgeOrigin {
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string;
}

/** Where the owners of a tenant's storage stand: those that reported, those still pending. */
export interface OwnersProgress {
  readonly reported: readonly OwnerReport[];
  readonly pending: readonly string[];
}

/**
 * A tenant's storage, which the services that own it provision and purge themselves (ADR 0031):
 * the controller asks where they stand, and asks them to purge. Every call is idempotent.
 *
 * @example
 * const progress = await storage.provisioned(tenantId);
 * if (progress.pending.length === 0) activate(tenantId);
 */
export interface TenantStoragePort {
  /** The owners that reported the tenant's storage provisioned, and those that did not yet. */
  provisioned(tenantId: string): Promise<OwnersProgress>;
  /** Asks every owner to purge the tenant's storage, in `origin`'s conversation; asking again is harmless. */
  requestPurge(tenantId: string, isolation: TenantIsolation, origin: PurgeOrigin): Promise<void>;
  /** The owners that reported the tenant's storage purged, and those that did not yet. */
  purged(tenantId: string): Promise<OwnersProgress>;
}

/**
 * The owners report on `tenants.storage` (recorded in `storage_owners` by
 * `StorageReportsMessageController`); purge requests go out on the same topic, keyed by tenant.
 * `owners`: the services whose reports the registry waits for.
 */
export function ownerReportedStorage(
  rows: StorageOwnerRows,
  messaging: Pick<KafkaMessaging, 'publish' | 'topic' | 'source'>,
  owners: readonly string[],
): TenantStoragePort {
  const progress = async (
    tenantId: string,
    done: (report: OwnerReport) => boolean,
  ): Promise<OwnersProgress> => {
    const reported = (await rows.reports(tenantId)).filter(
      (report) => owners.includes(report.owner) && done(report),
    );
    return {
      reported,
      pending: owners.filter((owner) => !reported.some((report) => report.owner === owner)),
    };
  };
  return {
    provisioned: (tenantId) => progress(tenantId, (report) => report.provisioned !== undefined),
    purged: (tenantId) => progress(tenantId, (report) => report.purged !== undefined),
    async requestPurge(tenantId, isolation, origin) {
      const data: TenantStoragePurgeRequested['data'] = { tenantId, isolation };
      await messaging.publish([
        fromCurrentContext(
          {
            topic: messaging.topic(Topics.tenantsStorage),
            type: 'tenants.TenantStoragePurgeRequested',
            subject: tenantId,
            value: data,
            source: messaging.source,
            dataSchemaVersion: 1,
          },
          { tenantId, roles: [], ...origin },
        ),
      ]);
    },
  };
}
