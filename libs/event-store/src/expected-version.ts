import type { ExpectedVersion } from './event-store.port';

/** How an adapter checks an {@link ExpectedVersion}: a mode, plus the version for `'exact'`. */
export type AppendCondition =
  { mode: 'any' | 'no-stream' | 'stream-exists'; version: null } | { mode: 'exact'; version: number };

export function toAppendCondition(expected: ExpectedVersion): AppendCondition {
  return typeof expected === 'number'
    ? { mode: 'exact', version: expected }
    : { mode: expected, version: null };
}
