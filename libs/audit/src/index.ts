// @platform/audit: append-only, hash-chained audit records per tenant (contract §8).
export {
  type AuditEntry,
  type AuditRecord,
  type ChainBreakReason,
  type ChainVerification,
  GENESIS_HASH,
  type JsonValue,
  type NewAuditRecord,
  PLATFORM_TENANT_ID,
  type VerifiedAuditRecord,
} from './audit-record';
export { canonicalJson } from './canonical-json';
export { REFUSED_SUFFIX, refusedEntry, type RefusalSummary } from './refused-entry';
export { auditHash, hashedFields, sealRecord, type ChainHead, type UnsealedAuditRecord } from './hashing';
export { ChainVerifier, verifyChain } from './verify';
export {
  AuditLog,
  MAX_LIST_LIMIT,
  type Audited,
  type AuditLogConfig,
  type AuditLogOptions,
  type ListAuditOptions,
  type PurgeTenantContext,
} from './postgres/audit-log';
/** The schema of the platform's audit log: the registry's and the command service's, one chain per tenant. */
export { DEFAULT_SCHEMA as DEFAULT_AUDIT_SCHEMA } from './postgres/schema.sql';
