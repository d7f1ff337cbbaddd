import { WINDOWS_TABLE } from './rate-limit-schema.sql';

/**
 * The lease exchange (ADR 0014), one round trip: gives `$6` units back to the window ending at `$7`
 * if that window still runs, then grants `min($2, quota $3 - granted)`; a window that ended before
 * `$5` (now, epoch ms) is started afresh for `$4` ms with nothing given back. The row lock is held
 * for this statement only. `synchronous_commit` is off for this transaction alone (it does not wait
 * for the WAL flush): a crash of PostgreSQL may forget the grants of its last few hundred
 * milliseconds, which the instances that received them still spend (ADR 0014, consequences).
 *
 * Parameters: $1 key, $2 ask, $3 quota, $4 window ms, $5 now, $6 returned, $7 returned window end.
 * Returns `last_grant` (granted now), `granted` (leased in the window) and `expire`.
 */
export function leaseExchangeSql(schema: string): string {
  const ended = `w.expire <= $5::bigint`;
  const kept = `greatest(0, w.granted - case when w.expire = $7::bigint then $6::int else 0 end)`;
  const grant = `least($2::int, greatest(0, $3::int - ${kept}))`;
  return `
with async_commit as materialized (select set_config('synchronous_commit', 'off', true))
insert into "${schema}".${WINDOWS_TABLE} as w (key, expire, granted, last_grant)
select $1::varchar, $5::bigint + $4::bigint, least($2::int, $3::int), least($2::int, $3::int)
from async_commit
on conflict (key) do update set
  expire = case when ${ended} then excluded.expire else w.expire end,
  granted = case when ${ended} then excluded.granted else ${kept} + ${grant} end,
  last_grant = case when ${ended} then excluded.last_grant else ${grant} end
returning last_grant, granted, expire`;
}

/** Deletes the windows that ended before `$1` (epoch ms). */
export const deleteEndedWindowsSql = (schema: string): string =>
  `delete from "${schema}".${WINDOWS_TABLE} where expire < $1::bigint`;

/** Gives `$2` unused units back to the window of `$1` that ends at `$3`, if it runs at `$4`. */
export const giveBackSql = (schema: string): string =>
  `update "${schema}".${WINDOWS_TABLE} set granted = greatest(0, granted - $2::int)
   where key = $1::varchar and expire = $3::bigint and expire > $4::bigint`;
