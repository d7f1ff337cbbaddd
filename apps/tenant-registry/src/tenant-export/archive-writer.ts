import { createHash, type Hash } from 'node:crypto';
import { hashedFields, type AuditRecord } from '@platform/audit';
import type { GlobalEvent } from '@platform/event-store';
import type { ApiKeyRecord } from '@platform/tenancy';
import type { WebhookSubscription } from '@platform/webhooks';
import {
  type ArchivedApiKey,
  type ArchivedEvent,
  type ArchivedWebhook,
  type ArchiveHeader,
  type ArchiveManifest,
  type Section,
  type SectionSummary,
  SECTIONS,
} from './archive-format';

/** What a tenant owns, each read lazily (a page at a time) when the archive gets to it. */
export interface ArchiveSources {
  readonly events: AsyncIterable<GlobalEvent>;
  readonly audit: AsyncIterable<AuditRecord>;
  readonly apiKeys: AsyncIterable<ApiKeyRecord>;
  readonly webhooks: AsyncIterable<WebhookSubscription>;
}

/** Called after each line; `events` counts the events written so far. */
export type ArchiveProgress = (progress: { readonly section: Section; readonly events: number }) => void;

/**
 * The archive's lines (NDJSON, see archive-format.ts), produced when the consumer asks for the next
 * one: piped through `Readable.from` and gzip into a response, a slow reader slows the reads of
 * the sources, so memory stays flat whatever the tenant's size.
 *
 * @example
 * await pipeline(Readable.from(archiveLines(header, sources)), createGzip(), reply.raw);
 */
export async function* archiveLines(
  header: ArchiveHeader,
  sources: ArchiveSources,
  onProgress: ArchiveProgress = () => undefined,
): AsyncGenerator<string> {
  const hashes = new Map<Section, { hash: Hash; count: number }>(
    SECTIONS.map((section) => [section, { hash: createHash('sha256'), count: 0 }]),
  );
  let events = 0;
  const line = (section: Section, value: unknown): string => {
    const text = `${JSON.stringify(value)}\n`;
    const entry = hashes.get(section);
    if (entry === undefined) throw new Error(`unknown section ${section}`);
    entry.hash.update(text, 'utf8');
    entry.count += 1;
    if (section === 'event') events += 1;
    onProgress({ section, events });
    return text;
  };

  yield line('header', header);
  for await (const event of sources.events)
    yield line('event', { kind: 'event', item: toArchivedEvent(event) });
  for await (const record of sources.audit)
    yield line('audit', { kind: 'audit', item: toArchivedAudit(record) });
  for await (const key of sources.apiKeys)
    yield line('api-key', { kind: 'api-key', item: toArchivedApiKey(key) });
  for await (const hook of sources.webhooks)
    yield line('webhook', { kind: 'webhook', item: toArchivedWebhook(hook) });

  const sections = Object.fromEntries(
    [...hashes].map(([section, { hash, count }]) => [section, { count, sha256: hash.digest('hex') }]),
  ) as Record<Section, SectionSummary>;
  const manifest: ArchiveManifest = { kind: 'manifest', sections };
  yield `${JSON.stringify(manifest)}\n`;
}

export function toArchivedEvent(event: GlobalEvent): ArchivedEvent {
  // the checkpoint is a position in this store's log: meaningless anywhere else
  const { checkpoint: _checkpoint, ...recorded } = event;
  return recorded;
}

/** The record's own fields only (a listed record carries `verified` too): what its hash covers, and the hash. */
export function toArchivedAudit(record: AuditRecord): AuditRecord {
  return { ...hashedFields(record), hash: record.hash };
}

/** Metadata only: fields picked by name, so the secret's hash can never slip in. */
export function toArchivedApiKey(key: ApiKeyRecord): ArchivedApiKey {
  return {
    keyId: key.keyId,
    tenantId: key.tenantId,
    name: key.name,
    roles: [...key.roles],
    createdAt: key.createdAt,
    ...(key.revokedAt !== undefined && { revokedAt: key.revokedAt }),
  };
}

/** Without the signing secret. */
export function toArchivedWebhook(hook: WebhookSubscription): ArchivedWebhook {
  return {
    id: hook.id,
    tenantId: hook.tenantId,
    url: hook.url,
    events: [...hook.events],
    createdAt: hook.createdAt.toISOString(),
    ...(hook.disabledAt !== undefined && { disabledAt: hook.disabledAt.toISOString() }),
  };
}
