import type { AllFilter, ReadAllOptions } from '../event-store.port';
import { assertMaxCount, assertTenantId } from '../guards';

// Argument checks for reads of the global log, shared by every adapter; each throws a TypeError
// before the store is touched.

/** An {@link AllFilter} checked and normalised: absent criteria are `null`. */
export interface CheckedAllFilter {
  tenantId: string | null;
  types: readonly string[] | null;
  /** ISO-8601 instant. */
  since: string | null;
}

export function toCheckedAllFilter(filter: AllFilter = {}): CheckedAllFilter {
  const { tenantId, types, since } = filter;
  if (tenantId !== undefined) assertTenantId(tenantId);
  return { tenantId: tenantId ?? null, types: checkedTypes(types), since: checkedInstant(since) };
}

/** The filter of `options`, and its `maxCount` (`null`: no limit). */
export function toCheckedReadAll(options: ReadAllOptions = {}): {
  filter: CheckedAllFilter;
  maxCount: number | null;
} {
  assertMaxCount(options.maxCount);
  return { filter: toCheckedAllFilter(options), maxCount: options.maxCount ?? null };
}

function checkedTypes(types: unknown): readonly string[] | null {
  if (types === undefined) return null;
  if (!Array.isArray(types) || types.length === 0) {
    throw new TypeError('types must be a non-empty array of event types (leave it out to read every type)');
  }
  const list: unknown[] = types;
  if (!list.every((type): type is string => typeof type === 'string' && type !== '')) {
    throw new TypeError(`types must hold non-empty strings; got ${JSON.stringify(types)}`);
  }
  return [...list];
}

function checkedInstant(since: unknown): string | null {
  if (since === undefined) return null;
  const time = typeof since === 'string' ? Date.parse(since) : Number.NaN;
  if (Number.isNaN(time))
    throw new TypeError(`since must be an ISO-8601 instant; got ${JSON.stringify(since)}`);
  return new Date(time).toISOString();
}
