import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SHARED_SCHEMA } from '../tenant-storage';
import { enableRowLevelSecurity, schemaOf } from './1763800000000-create-order-views';

/**
 * The query side's lists and summaries:
 *
 * - `orders_created_idx`: the newest-first order list, keyset-paginated on `(created_at, id)`.
 * - `order_totals_hourly`: per UTC hour of creation and currency, how many orders and their total.
 *   `currency = ''` holds the orders with no line yet (no currency known); an order moves to its
 *   currency's row with its first line.
 * - `order_sku_totals_hourly`: per UTC hour of the order's creation, sku and currency, the quantity
 *   and revenue of the lines.
 *
 * The projection keeps both up to date in the transaction that changes the orders; the summary
 * reads sum a range of hours instead of scanning orders. Tenant-keyed like every read-model table,
 * under row-level security in the shared schema.
 */
export class CreateOrderSummaries1765000000000 implements MigrationInterface {
  name = 'CreateOrderSummaries1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE INDEX "orders_created_idx" ON "${schema}"."orders" (tenant_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE "${schema}"."order_totals_hourly" (
        tenant_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        currency text NOT NULL,
        orders int NOT NULL,
        revenue numeric(28,4) NOT NULL,
        PRIMARY KEY (tenant_id, hour, currency)
      )`);
    await queryRunner.query(`
      CREATE TABLE "${schema}"."order_sku_totals_hourly" (
        tenant_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        sku text NOT NULL,
        currency text NOT NULL,
        quantity bigint NOT NULL,
        revenue numeric(28,4) NOT NULL,
        PRIMARY KEY (tenant_id, hour, sku, currency)
      )`);
    if (schema === SHARED_SCHEMA)
      await enableRowLevelSecurity(queryRunner, schema, ['order_totals_hourly', 'order_sku_totals_hourly']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."order_sku_totals_hourly"`);
    await queryRunner.query(`DROP TABLE "${schema}"."order_totals_hourly"`);
    await queryRunner.query(`DROP INDEX "${schema}"."orders_created_idx"`);
  }
}
