// @platform/quotas: usage counters per tenant and UTC month, checked against plan quotas.
export { monthlyPeriodOf, secondsUntilReset, type UsagePeriod } from './usage-period';
export { DEFAULT_SCHEMA as DEFAULT_QUOTAS_SCHEMA, METRIC_PATTERN } from './postgres/schema.sql';
export {
  UsageCounters,
  type ConsumeRequest,
  type ConsumeResult,
  type UsageCountersOptions,
} from './postgres/usage-counters';
