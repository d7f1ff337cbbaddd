import { createHash } from 'node:crypto';
import type { TenantManifestSpec } from '@platform/contracts';

/**
 * JSON with every object's keys in code-point order and no whitespace, so that the same data gives
 * the same text whatever order it was written in. Arrays keep their order.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `sha256:<hex>` of the canonical spec, defaults applied: YAML or JSON, any key order, `status`
 * written out or left to its default, the same desired tenant has the same hash.
 */
export const manifestHash = (spec: TenantManifestSpec): string =>
  `sha256:${createHash('sha256').update(canonicalJson(spec)).digest('hex')}`;
