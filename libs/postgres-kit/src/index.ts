// @platform/postgres-kit: the PostgreSQL chores every store of the platform needs, written once.
export { holdingClient, inTransaction, migrateUnderLock, type TransactionOptions } from './transaction';
