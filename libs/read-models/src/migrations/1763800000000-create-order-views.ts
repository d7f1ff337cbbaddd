import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RLS_ROLE, SHARED_SCHEMA } from '../tenant-storage';

/**
 * Read-model tables, in the schema the migration runs for (a tenant's schema, `public` of a
 * tenant's own database, or the shared schema). Every row carries `tenant_id` in every mode:
 * the key includes it and every query filters on it. In the shared schema, row-level security
 * policies on `app.tenant_id` are a second, database-enforced line.
 */
export class CreateOrderViews1763800000000 implements MigrationInterface {
  name = 'CreateOrderViews1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${schema}"."orders" (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        customer_id text NOT NULL,
        status text NOT NULL,
        items jsonb NOT NULL DEFAULT '[]',
        total_amount numeric(24,4) NOT NULL DEFAULT 0,
        currency text,
        item_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version int NOT NULL,
        last_position bigint NOT NULL,
        PRIMARY KEY (tenant_id, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX "orders_customer_created_idx" ON "${schema}"."orders" (tenant_id, customer_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX "orders_status_created_idx" ON "${schema}"."orders" (tenant_id, status, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE "${schema}"."processed_events" (
        tenant_id uuid NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, event_id)
      )`);
    if (schema === SHARED_SCHEMA)
      await enableRowLevelSecurity(queryRunner, schema, ['orders', 'processed_events']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."processed_events"`);
    await queryRunner.query(`DROP TABLE "${schema}"."orders"`);
  }
}

export async function enableRowLevelSecurity(
  queryRunner: QueryRunner,
  schema: string,
  tables: readonly string[],
): Promise<void> {
  await queryRunner.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN
        CREATE ROLE ${RLS_ROLE} NOLOGIN;
      END IF;
    END $$`);
  // The service's own user switches to the role per transaction (SET LOCAL ROLE); a superuser
  // needs no grant, a plain owner does.
  await queryRunner.query(`
    DO $$ BEGIN
      EXECUTE format('GRANT %I TO %I', '${RLS_ROLE}', current_user);
    EXCEPTION WHEN others THEN NULL;
    END $$`);
  await queryRunner.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${RLS_ROLE}`);
  for (const table of tables) {
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "${schema}"."${table}" TO ${RLS_ROLE}`);
    await queryRunner.query(`ALTER TABLE "${schema}"."${table}" ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`
      CREATE POLICY tenant_isolation ON "${schema}"."${table}"
        USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`);
  }
}

export function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('read-model migrations must run with a schema');
  return schema;
}
