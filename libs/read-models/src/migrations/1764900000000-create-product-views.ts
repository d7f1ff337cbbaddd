import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SHARED_SCHEMA } from '../tenant-storage';
import { enableRowLevelSecurity, schemaOf } from './1763800000000-create-order-views';

/**
 * The product read model (`GET /v1/products/{sku}`), beside the orders in the same storage and with
 * the same rules: `tenant_id` in the key and in every query, row-level security in the shared schema.
 */
export class CreateProductViews1764900000000 implements MigrationInterface {
  name = 'CreateProductViews1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${schema}"."products" (
        tenant_id uuid NOT NULL,
        sku text NOT NULL,
        name text NOT NULL,
        available int NOT NULL,
        reserved int NOT NULL,
        updated_at timestamptz NOT NULL,
        version int NOT NULL,
        last_position bigint NOT NULL,
        PRIMARY KEY (tenant_id, sku)
      )`);
    if (schema === SHARED_SCHEMA) await enableRowLevelSecurity(queryRunner, schema, ['products']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."products"`);
  }
}
