import type { PurgeResult } from '../event-store.port';
import type { SqlExecutor } from './sql-executor';

/**
 * Deletes a tenant's streams, then (with a fresh snapshot, so events of appends that held a stream
 * row are seen) its events and snapshots, in one transaction.
 */
export async function purgeTenant(
  executor: SqlExecutor,
  schema: string,
  tenantId: string,
): Promise<PurgeResult> {
  return executor.transaction(tenantId, async (client) => {
    const deleteFrom = async (table: string): Promise<number> =>
      (await client.query(`delete from "${schema}".${table} where tenant_id = $1::uuid`, [tenantId]))
        .rowCount ?? 0;
    const streams = await deleteFrom('streams');
    const events = await deleteFrom('events');
    await deleteFrom('snapshots');
    return { streams, events };
  });
}
