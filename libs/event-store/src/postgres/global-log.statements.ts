import type { QueryConfig } from 'pg';
import type { CheckedAllFilter } from '../global-log/all-filter';
import type { LogPosition } from './checkpoint';
import { EVENT_COLUMNS, type EventRow } from './row-mapping';

// Reads of the global log (ADR 0005). Order: (transaction_id, global_position), as numbers: both are
// returned as text under their own names, so every ORDER BY names the table's columns (`ev.`); a bare
// name would order by the text ("1000" < "999"), which made readers skip events on fresh clusters. Readable: rows whose
// transaction id is below the oldest transaction still running, pg_snapshot_xmin(pg_current_snapshot()):
// every such transaction has ended, so no row can appear below that line later, and a cursor that
// moves along it never passes an event that commits afterwards.

/**
 * One row per event of a batch, each with `readable_below` (the oldest running transaction id of the
 * read's snapshot) and `held_back` (matching events after the cursor are committed at or above it:
 * not readable yet); a single row of nulls but those two when the batch is empty.
 */
export type BatchRow = { readable_below: string; held_back: boolean } & (
  (EventRow & { transaction_id: string }) | { [K in keyof EventRow | 'transaction_id']: null }
);

/** An event row with its transaction id (xid8 as text). */
export interface GlobalEventRow extends EventRow {
  transaction_id: string;
}

/** The position of the last matching event. */
export interface HeadRow {
  transaction_id: string;
  global_position: string;
}

export function readAllStatement(
  schema: string,
  filter: CheckedAllFilter,
  after: LogPosition,
  limit: number,
): QueryConfig {
  const { conditions, values, shape } = filterConditions(filter, 3);
  const filtered = conditions.map((condition) => `and ${condition} `).join('');
  return {
    name: `es_ra${shape}_${schema}`,
    text:
      'select r.readable_below::text as readable_below, h.held_back, e.* ' +
      'from (select pg_snapshot_xmin(pg_current_snapshot()) as readable_below) r ' +
      // one index probe: is anything committed after the cursor that the xmin bound keeps out?
      'cross join lateral (select exists (select 1 ' +
      `from "${schema}".events hb ` +
      'where hb.transaction_id >= r.readable_below ' +
      'and (hb.transaction_id, hb.global_position) > ($1::xid8, $2::bigint) ' +
      filtered +
      ') as held_back) h ' +
      'left join lateral (' +
      `select ${EVENT_COLUMNS}, transaction_id::text as transaction_id ` +
      `from "${schema}".events ev ` +
      'where ev.transaction_id < r.readable_below ' +
      'and (ev.transaction_id, ev.global_position) > ($1::xid8, $2::bigint) ' +
      filtered +
      // qualified: a bare name in ORDER BY would be the text output column ("1000" < "999")
      `order by ev.transaction_id, ev.global_position limit $${values.length + 3}::bigint` +
      ') e on true order by e.transaction_id::xid8, e.global_position',
    values: [after.transactionId, after.globalPosition, ...values, limit],
  };
}

/** The last matching event committed now, readable or not yet (no xmin bound). */
export function headStatement(schema: string, filter: CheckedAllFilter): QueryConfig {
  const { conditions, values, shape } = filterConditions(filter, 1);
  return {
    name: `es_head${shape}_${schema}`,
    text:
      `select ev.transaction_id::text as transaction_id, ev.global_position::text as global_position ` +
      `from "${schema}".events ev where ${conditions.length === 0 ? 'true' : conditions.join(' and ')} ` +
      // qualified: a bare name in ORDER BY would be the text output column
      'order by ev.transaction_id desc, ev.global_position desc limit 1',
    values,
  };
}

/**
 * The filter's conditions with placeholders numbered from `first`. Each combination of criteria is
 * its own prepared statement (`shape`, 0-7), so every one gets a plan that uses the right index
 * rather than a generic plan full of `$n is null or ...`.
 */
function filterConditions(
  filter: CheckedAllFilter,
  first: number,
): { conditions: string[]; values: unknown[]; shape: number } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    values.push(value);
    conditions.push(condition(`$${first + values.length - 1}`));
  };
  if (filter.tenantId !== null) add((p) => `tenant_id = ${p}::uuid`, filter.tenantId);
  if (filter.types !== null) add((p) => `event_type = any(${p}::text[])`, filter.types);
  if (filter.since !== null) add((p) => `recorded_at >= ${p}::timestamptz`, filter.since);
  const shape =
    (filter.tenantId === null ? 0 : 1) + (filter.types === null ? 0 : 2) + (filter.since === null ? 0 : 4);
  return { conditions, values, shape };
}
