import type { Pool } from 'pg';
import { holdingClient } from '@platform/postgres-kit';

/**
 * Runs `work` while this process holds the tenant's session-level advisory lock, so that of several
 * registry instances only one works on a tenant at a time. Resolves `{ acquired: false }` at once
 * when another holds it. The lock lives on a connection of its own, held for the duration.
 */
export async function withTenantLock<T>(
  pool: Pool,
  tenantId: string,
  work: () => Promise<T>,
): Promise<{ acquired: true; result: T } | { acquired: false }> {
  const client = await pool.connect();
  let broken = false;
  return holdingClient(client, async (lost) => {
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        `select pg_try_advisory_lock(hashtext('tenant-registry:reconcile'), hashtext($1)) as locked`,
        [tenantId],
      );
      if (rows[0]?.locked !== true) return { acquired: false };
      try {
        return { acquired: true, result: await work() };
      } finally {
        await client
          .query(`select pg_advisory_unlock(hashtext('tenant-registry:reconcile'), hashtext($1))`, [tenantId])
          .catch(() => {
            // A connection that cannot unlock is dropped by the pool, which ends the session's locks.
            broken = true;
          });
      }
    } finally {
      client.release(broken || lost() !== undefined);
    }
  });
}
