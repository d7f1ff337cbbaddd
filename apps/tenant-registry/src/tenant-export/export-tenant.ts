import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { AuditRecord } from '@platform/audit';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import { tenantTarget } from '../tenants/tenant-audit';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type ArchiveHeader } from './archive-format';
import { archiveLines, type ArchiveProgress } from './archive-writer';

/** Audit records read per query while exporting. */
const AUDIT_PAGE = 1_000;

/**
 * The tenant's archive as a gzip stream (ADR 0034). The export is audited first, on the tenant's
 * own chain (so the archive holds the record of its own making); then every section is read a page
 * at a time as the reader of the stream asks for more.
 *
 * @example
 * const archive = await exportTenant(db, tenant, caller, new Date());
 * await pipeline(archive, createWriteStream('acme.tfa.gz'));
 */
export async function exportTenant(
  db: RegistryDatabase,
  tenant: TenantRecord,
  caller: Caller,
  now: Date,
  onProgress?: ArchiveProgress,
): Promise<Readable> {
  const exportedAt = now.toISOString();
  await db.audit.append({
    tenantId: tenant.id,
    actor: caller.actor,
    action: 'tenant.export',
    target: tenantTarget(tenant.id),
    previousState: null,
    newState: { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, exportedAt },
    requestId: caller.requestId,
    correlationId: caller.correlationId,
    occurredAt: exportedAt,
  });
  const header: ArchiveHeader = {
    kind: 'header',
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    exportedAt,
    exportedBy: caller.actor,
    tenant: {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      status: tenant.status,
      plan: tenant.plan,
      isolation: tenant.isolation,
      region: tenant.region,
      version: tenant.version,
      manifestVersion: tenant.manifestVersion,
      createdAt: tenant.createdAt,
    },
  };
  const lines = archiveLines(
    header,
    {
      events: db.store.exportTenant(tenant.id),
      audit: auditChain(db, tenant.id),
      apiKeys: lazily(() => db.apiKeys.list(tenant.id)),
      webhooks: lazily(() => db.subscriptions.list(tenant.id, { includeDisabled: true })),
    },
    onProgress,
  );
  const gzip = createGzip();
  // errors end the stream: a reader sees a cut archive, which no import accepts (no manifest)
  return pipeline(Readable.from(lines), gzip, () => undefined);
}

async function* auditChain(db: RegistryDatabase, tenantId: string): AsyncGenerator<AuditRecord> {
  let after = 0;
  for (;;) {
    const page = await db.audit.list(tenantId, { afterSequence: after, limit: AUDIT_PAGE });
    yield* page;
    const last = page.at(-1);
    if (last === undefined || page.length < AUDIT_PAGE) return;
    after = last.sequence;
  }
}

async function* lazily<T>(read: () => Promise<readonly T[]>): AsyncGenerator<T> {
  yield* await read();
}
