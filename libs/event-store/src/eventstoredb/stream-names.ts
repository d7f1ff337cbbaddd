// How a tenant's stream is named in KurrentDB (ADR 0006): `t_<tenant>.<stream>`, where <tenant> is the
// tenant's UUID as 32 lowercase hex digits. The prefix has a fixed length and ends with a dot, so one
// tenant's prefix is never the prefix of another tenant's names, and KurrentDB's default category
// projection (split at the first '-') gives per-tenant categories: `t_<tenant>.order-42` falls in
// `$ce-t_<tenant>.order`.

/** A stream as the port identifies it. */
export interface TenantStream {
  /** The tenant's UUID, lowercase with dashes. */
  tenantId: string;
  streamName: string;
}

/** Every tenant stream starts with this; no tenant stream starts with `$` (KurrentDB's system streams). */
export const TENANT_STREAMS_PREFIX = 't_';

const TENANT_STREAM = /^t_([0-9a-f]{32})\.([\s\S]+)$/;

const tenantHex = (tenantId: string): string => tenantId.toLowerCase().replaceAll('-', '');

/** The prefix of every stream of `tenantId` (a UUID, already checked). */
export const tenantPrefix = (tenantId: string): string => `${TENANT_STREAMS_PREFIX}${tenantHex(tenantId)}.`;

/** The KurrentDB stream name of the tenant's `streamName`. */
export const toKurrentStreamName = (tenantId: string, streamName: string): string =>
  `${tenantPrefix(tenantId)}${streamName}`;

/**
 * The stream recording the tenant's purges. It has no dot after the tenant, so it lies outside the
 * tenant's prefix (no caller's stream name can reach it) and reads of the tenant's events skip it.
 */
export const purgeMarkerStreamName = (tenantId: string): string =>
  `${TENANT_STREAMS_PREFIX}${tenantHex(tenantId)}`;

/** The tenant and stream a KurrentDB stream name stands for; `undefined` when it is not a tenant stream. */
export function parseKurrentStreamName(name: string): TenantStream | undefined {
  const match = TENANT_STREAM.exec(name);
  const hex = match?.[1];
  const streamName = match?.[2];
  if (hex === undefined || streamName === undefined) return undefined;
  const tenantId = [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
  return { tenantId, streamName };
}
