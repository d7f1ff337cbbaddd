import type { ClientBase, QueryConfig } from 'pg';
import { WrongExpectedVersionError } from '../errors';
import type { AppendResult, ExpectedVersion, NewEvent } from '../event-store.port';
import { toAppendCondition } from '../expected-version';
import { toAppendArrays, toSafeInteger } from './row-mapping';

/** One append of {@link appendManyWithin}. */
export interface StreamAppend {
  readonly tenantId: string;
  readonly streamName: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
}

/** Each append's own outcome: its result, or the version conflict that refused it (nothing written). */
export type StreamAppendOutcome =
  | { readonly ok: true; readonly result: AppendResult }
  | { readonly ok: false; readonly error: WrongExpectedVersionError };

interface ManyRow {
  ord: number;
  ok: boolean;
  actual_version: string;
  next_version: string | null;
  last_position: string | null;
}

/**
 * Several appends, possibly of several tenants, in ONE statement on the caller's open transaction
 * (`append_to_streams`): one round trip however many, each with its own outcome. Arguments must
 * have been checked. A recorded event id aborts the statement, hence the caller's transaction.
 */
export async function appendManyWithin(
  client: ClientBase,
  schema: string,
  appends: readonly StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  if (appends.length === 0) return [];
  const events = toAppendArrays(appends.flatMap((append) => append.events));
  const conditions = appends.map((append) => toAppendCondition(append.expectedVersion));
  const statement: QueryConfig = {
    name: `es_append_many_${schema}`,
    text:
      `select ord, ok, actual_version, next_version, last_position from "${schema}".append_to_streams(` +
      '$1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::uuid[], $7::text[], $8::jsonb[], $9::jsonb[], $10::int[])',
    values: [
      appends.map((append) => append.tenantId),
      appends.map((append) => append.streamName),
      conditions.map((condition) => condition.mode),
      conditions.map((condition) => condition.version),
      appends.map((append) => append.events.length),
      events.ids,
      events.types,
      events.data,
      events.metadata,
      events.schemaVersions,
    ],
  };
  const { rows } = await client.query<ManyRow>(statement);
  return appends.map((append, index) => {
    const row = rows.find((candidate) => candidate.ord === index + 1);
    if (row === undefined) throw new Error(`append_to_streams returned no row for append ${index + 1}`);
    if (!row.ok) {
      const actual = toSafeInteger(row.actual_version, 'actual_version');
      return {
        ok: false,
        error: new WrongExpectedVersionError(
          append.tenantId,
          append.streamName,
          append.expectedVersion,
          actual,
        ),
      };
    }
    return {
      ok: true,
      result: {
        nextExpectedVersion: toSafeInteger(row.next_version ?? row.actual_version, 'next_version'),
        lastPosition: toSafeInteger(row.last_position ?? 0, 'last_position'),
      },
    };
  });
}
