export * from './rate-limit-policy';
export * from './rate-limiter';
export * from './rate-limit-headers';
export { leaseSizing, type LeaseSizing } from './lease/lease-sizing';
export * from './postgres/postgres-rate-limiter';
export * from './http/tenant-rate-limit.interceptor';
export * from './nest/rate-limit.module';
