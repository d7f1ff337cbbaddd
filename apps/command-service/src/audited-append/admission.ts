import type { ClientBase } from 'pg';
import { STORAGE_BYTES_METRIC, type UsageCounters } from '@platform/quotas';
import type { Refusal } from '@platform/command-handling';
import type { AuditedAppendRequest } from './audited-append.port';
import { quotaExceeded, storageQuotaExceeded } from './quota-refusals';

/**
 * What a change must pass before it is written, in the transaction that records it: the tenant's
 * last measured storage within its plan (any write), then the quota unit it costs (a new order).
 */
export async function admit(
  tx: ClientBase,
  usage: UsageCounters,
  request: Pick<AuditedAppendRequest, 'tenantId' | 'quota' | 'storageLimitBytes'>,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly refusal: Refusal }> {
  const { tenantId, quota, storageLimitBytes } = request;
  if (storageLimitBytes !== undefined) {
    const storage = await usage.checkGauge(tx, {
      tenantId,
      metric: STORAGE_BYTES_METRIC,
      limit: storageLimitBytes,
    });
    if (!storage.ok) return { ok: false, refusal: storageQuotaExceeded(storage) };
  }
  if (!quota) return { ok: true };
  const taken = await usage.consume(tx, { tenantId, ...quota });
  return taken.ok ? { ok: true } : { ok: false, refusal: quotaExceeded(quota.metric, taken) };
}
