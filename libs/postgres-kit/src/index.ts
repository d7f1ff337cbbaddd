// @platform/postgres-kit: the two PostgreSQL chores every store of the platform needs, written once.
export { inTransaction, migrateUnderLock, type TransactionOptions } from './transaction';
