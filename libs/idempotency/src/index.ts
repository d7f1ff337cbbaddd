// @platform/idempotency: `Idempotency-Key` on write requests (contract section 3, ADR 0010).
export * from './idempotency-store';
export * from './idempotency-key';
export * from './fingerprint';
export { DEFAULT_SCHEMA as DEFAULT_IDEMPOTENCY_SCHEMA } from './postgres/schema.sql';
export {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from './postgres/postgres-idempotency-store';
export {
  InMemoryIdempotencyStore,
  type InMemoryIdempotencyRecord,
  type InMemoryIdempotencyStoreOptions,
} from './testing/in-memory-idempotency-store';
export {
  IDEMPOTENT_METHODS,
  IdempotencyInterceptor,
  scopeOf,
  type ReplaySink,
  type WriteRequest,
} from './http/idempotency.interceptor';
export { PendingClaims } from './http/pending-claims';
export { retryIds, type RetryIds } from './http/retry-ids';
export {
  IDEMPOTENCY_LOGGER,
  IdempotencyResponseRecorder,
  type IdempotencyLogger,
  KEPT_RESPONSE_HEADERS,
  isKeptStatus,
  recordResponse,
  storedResponseOf,
  type OutgoingResponse,
} from './http/response-recorder';
export * from './nest/idempotency.module';
