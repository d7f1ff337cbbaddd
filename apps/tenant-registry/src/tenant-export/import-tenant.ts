import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { TenantIsolation, TenantPlan } from '@platform/contracts';
import type { EventMetadata, NewEvent, StreamAppend } from '@platform/event-store';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import type { TenantCommands } from '../tenants/tenant-commands';
import { tenantTarget } from '../tenants/tenant-audit';
import type { ArchivedEvent, ArchivedTenant } from './archive-format';
import { archiveFileLines } from './archive-file';
import { readArchive, type VerifiedArchive } from './archive-reader';
import type { ReadModelRebuild } from './read-model-rebuild.port';
import type { Refusal } from '@platform/command-handling';

/** Events appended per round trip (`appendManyWithin`). */
const APPEND_BATCH = 500;

export interface ImportTenantDeps {
  readonly db: RegistryDatabase;
  readonly commands: TenantCommands;
  readonly readModels: ReadModelRebuild;
  /** Waits until the tenant's storage is provisioned (the controller makes it `active`). */
  readonly untilActive: (tenantId: string) => Promise<TenantRecord>;
  readonly newId: () => string;
  readonly now: () => Date;
}

export interface ImportRequest {
  /** Where the archive was spooled (gzip'd NDJSON). */
  readonly file: string;
  readonly slug: string;
  readonly name?: string;
}

export interface ImportedTenant {
  readonly tenant: TenantRecord;
  readonly sourceTenantId: string;
  readonly events: number;
  /** Read-model events applied (orders and products). */
  readonly readModelEvents: number;
  readonly sourceAuditChain: { readonly records: number; readonly headHash: string | null };
  /** In the archive but not restored: keys have no secret there, webhooks no signing secret. */
  readonly notRestored: { readonly apiKeys: number; readonly webhooks: number };
}

/**
 * Restores an archive into a NEW tenant (ADR 0034):
 * 1. reads the whole archive once and verifies it (checksums, counts, ownership, the audit chain)
 *    before anything is written; a refusal is an `ArchiveRefusedError`;
 * 2. creates the tenant (`CreateTenant`, audited as every creation);
 * 3. in ONE transaction with a `tenant.import` audit record: appends every event to the new tenant's
 *    streams, same streams, versions, data and metadata, new event ids derived from the old ones,
 *    metadata `importedFrom` naming the source (the relay does not re-publish them);
 * 4. once the controller has provisioned its storage, feeds its read models from the store.
 * Reading the archive twice keeps memory flat: nothing of it is held but the current batch.
 */
export async function importTenant(
  deps: ImportTenantDeps,
  request: ImportRequest,
  caller: Caller,
  /** The region to place the tenant in (the archived one, if the placement policy still allows it). */
  place: (archived: ArchivedTenant) => string,
): Promise<{ ok: true; imported: ImportedTenant } | { ok: false; refusal: Refusal }> {
  const verified = await readArchive(archiveFileLines(request.file));
  const source = verified.header.tenant;
  const region = place(source);
  const tenantId = deps.newId();
  const created = await deps.commands.execute(
    {
      type: 'CreateTenant',
      data: {
        tenantId,
        slug: request.slug,
        name: request.name ?? source.name,
        plan: source.plan as TenantPlan,
        isolation: source.isolation as TenantIsolation,
        region,
      },
    },
    caller,
    { auditRefusal: true },
  );
  if (!created.ok) return created;

  const events = verified.manifest.sections.event.count;
  const at = deps.now().toISOString();
  await deps.db.audit.withAudit(
    tenantId,
    () => ({
      actor: caller.actor,
      action: 'tenant.import',
      target: tenantTarget(tenantId),
      previousState: null,
      newState: importSummary(verified, events),
      requestId: caller.requestId,
      correlationId: caller.correlationId,
      occurredAt: at,
    }),
    (tx) => appendArchivedEvents(deps.db, tx, request.file, tenantId),
  );

  const active = await deps.untilActive(tenantId);
  const { applied } = await deps.readModels.rebuildTenant(
    tenantId,
    active.isolation,
    deps.db.store.exportTenant(tenantId),
  );
  return {
    ok: true,
    imported: {
      tenant: active,
      sourceTenantId: source.id,
      events,
      readModelEvents: applied,
      sourceAuditChain: {
        records: verified.auditChain.checked,
        headHash: verified.auditChain.head?.hash ?? null,
      },
      notRestored: {
        apiKeys: verified.manifest.sections['api-key'].count,
        webhooks: verified.manifest.sections.webhook.count,
      },
    },
  };
}

function importSummary(verified: VerifiedArchive, events: number): { [key: string]: string | number | null } {
  return {
    sourceTenantId: verified.header.tenant.id,
    sourceSlug: verified.header.tenant.slug,
    exportedAt: verified.header.exportedAt,
    events,
    eventsSha256: verified.manifest.sections.event.sha256,
    sourceAuditRecords: verified.auditChain.checked,
    sourceAuditHead: verified.auditChain.head?.hash ?? null,
  };
}

/** The second pass: the archive again (verified again as it goes), its events appended in batches. */
async function appendArchivedEvents(
  db: RegistryDatabase,
  tx: PoolClient,
  file: string,
  tenantId: string,
): Promise<void> {
  let batch: ArchivedEvent[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const outcomes = await db.store.appendManyWithin(tx, toStreamAppends(batch, tenantId));
    const failed = outcomes.find((outcome) => !outcome.ok);
    if (failed !== undefined && !failed.ok) throw failed.error;
    batch = [];
  };
  await readArchive(archiveFileLines(file), {
    event: async (event) => {
      batch.push(event);
      if (batch.length >= APPEND_BATCH) await flush();
    },
  });
  await flush();
}

/**
 * One append per stream of the batch, its events in version order, expecting the version before
 * the first: a gap or a repeat in the archive refuses the whole import.
 */
export function toStreamAppends(events: readonly ArchivedEvent[], tenantId: string): StreamAppend[] {
  const byStream = new Map<string, { first: number; events: NewEvent[] }>();
  for (const event of events) {
    let append = byStream.get(event.streamName);
    if (append === undefined) {
      append = { first: event.streamVersion, events: [] };
      byStream.set(event.streamName, append);
    } else if (event.streamVersion !== append.first + append.events.length) {
      throw new RangeError(`stream ${event.streamName}: version ${event.streamVersion} out of order`);
    }
    append.events.push({
      eventId: importedEventId(tenantId, event.eventId),
      type: event.type,
      data: event.data,
      schemaVersion: event.schemaVersion,
      metadata: importedMetadata(event, tenantId),
    });
  }
  return [...byStream].map(([streamName, { first, events: streamEvents }]) => ({
    tenantId,
    streamName,
    events: streamEvents,
    expectedVersion: first === 1 ? 'no-stream' : first - 1,
  }));
}

/** The event's metadata in the new tenant, naming where it comes from (the relay skips it). */
function importedMetadata(event: ArchivedEvent, tenantId: string): EventMetadata {
  const metadata: EventMetadata & { importedFrom: string } = {
    ...event.metadata,
    tenantId,
    importedFrom: `${event.tenantId}/${event.eventId}`,
  };
  return metadata;
}

/**
 * A new event id for an imported event: ids are unique across the store, and the source tenant may
 * still exist. Derived (a name-based UUID of the new tenant and the old id) so that the same archive
 * imported into the same tenant gives the same ids.
 */
export function importedEventId(tenantId: string, sourceEventId: string): string {
  const bytes = createHash('sha256').update(`${tenantId}/${sourceEventId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
