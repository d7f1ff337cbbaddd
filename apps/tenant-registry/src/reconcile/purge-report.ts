import type { TenantPurgeSummary } from '@platform/contracts';
import type { PurgeReport } from '../registry/tenant-record';

const COUNTS = [
  'events',
  'streams',
  'readModels',
  'webhookSubscriptions',
  'webhookDeliveries',
  'deadLetters',
  'apiKeysRevoked',
  'quotaCounters',
  'idempotencyRecords',
  'auditRecords',
] as const;

/**
 * Adds one purge step to the report. Counts add up: a step retried after a crash counts only what
 * was still there, so the totals are what the tenant had. Descriptions take the latest value.
 */
export function addToReport(report: PurgeReport, step: PurgeReport): PurgeReport {
  const merged: { -readonly [K in keyof PurgeReport]: PurgeReport[K] } = { ...report, ...step };
  for (const key of COUNTS) {
    if (report[key] !== undefined || step[key] !== undefined)
      merged[key] = (report[key] ?? 0) + (step[key] ?? 0);
  }
  return merged;
}

/**
 * What `TenantDeleted` records. The platform keeps no per-tenant checkpoint (projections follow
 * the global log), so that one is always 0.
 */
export function summaryOf(report: PurgeReport): TenantPurgeSummary {
  return {
    events: report.events ?? 0,
    readModels: report.readModels ?? 0,
    checkpoints: 0,
    deadLetters: report.deadLetters ?? 0,
    idempotencyRecords: report.idempotencyRecords ?? 0,
  };
}
