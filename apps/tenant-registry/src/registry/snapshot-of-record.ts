import type { TenantSnapshot } from '@platform/contracts';
import type { TenantRecord } from './tenant-record';

/** The record as `tenants.lifecycle` carries it (and as the local tenant directory keeps it). */
export function snapshotOfRecord(record: TenantRecord): TenantSnapshot {
  const { id, slug, name, status, plan, isolation, region, version } = record;
  return { tenantId: id, slug, name, status, plan, isolation, region, version };
}
