import type { Refusal } from '@platform/command-handling';
import type { ConsumeResult, GaugeCheck } from '@platform/quotas';

/**
 * A monthly quota used up: 429 `quota-exceeded`, `Retry-After` = seconds until the next UTC month,
 * and the RateLimit fields of the quota (draft-ietf-httpapi-ratelimit-headers).
 */
export function quotaExceeded(metric: string, refused: Extract<ConsumeResult, { ok: false }>): Refusal {
  const { limit, used, period, retryAfterSeconds } = refused;
  const name = `"${metric}-per-month"`;
  const monthSeconds = Math.round(
    (period.resetsAt.getTime() - Date.parse(`${period.start}T00:00:00Z`)) / 1000,
  );
  return {
    kind: 'quotaExceeded',
    code: 'quota-exceeded',
    detail: `the plan allows ${limit} ${metric} per UTC month and ${used} are used; the quota resets at ${period.resetsAt.toISOString()}`,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'ratelimit-policy': `${name};q=${limit};w=${monthSeconds}`,
      ratelimit: `${name};r=0;t=${retryAfterSeconds}`,
    },
  };
}

/** How long a write refused for storage is told to wait: the storage is measured again meanwhile. */
export const STORAGE_RETRY_AFTER_SECONDS = 300;

/**
 * The tenant's last measured storage is past its plan's: 429 `quota-exceeded` until data is deleted
 * or the plan changes (and the storage meter measures again).
 */
export function storageQuotaExceeded(check: Extract<GaugeCheck, { ok: false }>): Refusal {
  const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);
  return {
    kind: 'quotaExceeded',
    code: 'storage-quota-exceeded',
    detail:
      `the plan allows ${mb(check.limit)} MB of storage and ${mb(check.value)} MB were measured at ` +
      `${check.measuredAt.toISOString()}; delete data or change the plan`,
    headers: { 'retry-after': String(STORAGE_RETRY_AFTER_SECONDS) },
  };
}
