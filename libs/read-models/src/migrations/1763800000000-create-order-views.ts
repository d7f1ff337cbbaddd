import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read-model tables of one tenant; runs inside that tenant's schema (see provisioning). */
export class CreateOrderViews1763800000000 implements MigrationInterface {
  name = 'CreateOrderViews1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${schema}"."orders" (
        id uuid PRIMARY KEY,
        customer_id text NOT NULL,
        status text NOT NULL,
        items jsonb NOT NULL DEFAULT '[]',
        total_amount numeric(24,4) NOT NULL DEFAULT 0,
        currency text,
        item_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version int NOT NULL,
        last_position bigint NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX "orders_customer_created_idx" ON "${schema}"."orders" (customer_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX "orders_status_created_idx" ON "${schema}"."orders" (status, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE "${schema}"."processed_events" (
        event_id uuid PRIMARY KEY,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."processed_events"`);
    await queryRunner.query(`DROP TABLE "${schema}"."orders"`);
  }
}

function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('read-model migrations must run with a tenant schema');
  return schema;
}
