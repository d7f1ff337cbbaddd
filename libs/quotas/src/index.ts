// @platform/quotas: usage counters per tenant and UTC month, and measured gauges (storage), checked
// against plan quotas.
export { monthlyPeriodOf, secondsUntilReset, type UsagePeriod } from './usage-period';
export { DEFAULT_SCHEMA as DEFAULT_QUOTAS_SCHEMA, METRIC_PATTERN } from './postgres/schema.sql';
export {
  UsageCounters,
  type ConsumeManyResult,
  type ConsumeRequest,
  type ConsumeResult,
  type GaugeCheck,
  type GaugeReading,
  type UsageCountersOptions,
} from './postgres/usage-counters';

/** The gauge of a tenant's storage in bytes (events and read models), against `maxStorageMb`. */
export const STORAGE_BYTES_METRIC = 'storage-bytes';
export { quotaRefusalsTotal } from './quota-metrics';
