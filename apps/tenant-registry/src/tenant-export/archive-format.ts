import type { AuditRecord } from '@platform/audit';
import type { GlobalEvent } from '@platform/event-store';

// The tenant archive (ADR 0034): gzip'd NDJSON, one JSON object per line, written in one pass.
//
//   {"kind":"header", "format":"tenantflow.tenant-archive", "version":1, "tenant":{…}, …}
//   {"kind":"event", "item":{…}}        × every event of the tenant, in global order
//   {"kind":"audit", "item":{…}}        × its audit chain, from sequence 1
//   {"kind":"api-key", "item":{…}}      × its API keys' metadata (never a secret or its hash)
//   {"kind":"webhook", "item":{…}}      × its webhook subscriptions (never their secret)
//   {"kind":"manifest", "sections":{"header":{count,sha256}, "event":{…}, …}}
//
// Each section's sha256 is over the exact bytes of its lines (each with its `\n`); the manifest is
// last because the counts are only known at the end of a streamed export.

export const ARCHIVE_FORMAT = 'tenantflow.tenant-archive';
export const ARCHIVE_VERSION = 1;

/** The sections, in the order they appear. */
export const SECTIONS = ['header', 'event', 'audit', 'api-key', 'webhook'] as const;
export type Section = (typeof SECTIONS)[number];

/** The tenant as the registry knew it at export time: what an import recreates. */
export interface ArchivedTenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly status: string;
  readonly plan: string;
  readonly isolation: string;
  readonly region: string;
  readonly version: number;
  readonly manifestVersion: number;
  readonly createdAt: string;
}

export interface ArchiveHeader {
  readonly kind: 'header';
  readonly format: typeof ARCHIVE_FORMAT;
  readonly version: typeof ARCHIVE_VERSION;
  readonly exportedAt: string;
  readonly exportedBy: string;
  readonly tenant: ArchivedTenant;
}

/** An event as the store recorded it (data already upcast), without its store-local checkpoint. */
export type ArchivedEvent = Omit<GlobalEvent, 'checkpoint'>;

/** An API key's metadata: the secret is never stored, and its hash never leaves the registry. */
export interface ArchivedApiKey {
  readonly keyId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** A webhook subscription without its signing secret. */
export interface ArchivedWebhook {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly createdAt: string;
  readonly disabledAt?: string;
}

export interface SectionSummary {
  readonly count: number;
  /** Lower-case hex SHA-256 of the section's lines, `\n` included. */
  readonly sha256: string;
}

export interface ArchiveManifest {
  readonly kind: 'manifest';
  readonly sections: Readonly<Record<Section, SectionSummary>>;
}

export type ArchiveLine =
  | ArchiveHeader
  | { readonly kind: 'event'; readonly item: ArchivedEvent }
  | { readonly kind: 'audit'; readonly item: AuditRecord }
  | { readonly kind: 'api-key'; readonly item: ArchivedApiKey }
  | { readonly kind: 'webhook'; readonly item: ArchivedWebhook }
  | ArchiveManifest;
