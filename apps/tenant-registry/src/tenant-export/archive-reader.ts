import { createHash, type Hash } from 'node:crypto';
import { type AuditRecord, type ChainVerification, ChainVerifier } from '@platform/audit';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  type ArchivedApiKey,
  type ArchivedEvent,
  type ArchivedWebhook,
  type ArchiveHeader,
  type ArchiveManifest,
  type Section,
  type SectionSummary,
  SECTIONS,
} from './archive-format';

/** Why an archive is refused; `path` names the line or section (`/event/17`, `/manifest/audit`). */
export class ArchiveRefusedError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`the archive does not verify at ${path}: ${reason}`);
    this.name = 'ArchiveRefusedError';
  }
}

/** What a verified archive holds: its header, its manifest and the audit chain's head. */
export interface VerifiedArchive {
  readonly header: ArchiveHeader;
  readonly manifest: ArchiveManifest;
  readonly auditChain: ChainVerification & { readonly head?: { sequence: number; hash: string } };
}

/** Called, in archive order, with each item once its line has passed its own checks. */
export interface ArchiveVisitor {
  readonly event?: (event: ArchivedEvent, header: ArchiveHeader) => Promise<void> | void;
  readonly apiKey?: (key: ArchivedApiKey) => Promise<void> | void;
  readonly webhook?: (hook: ArchivedWebhook) => Promise<void> | void;
}

/**
 * Reads an archive's lines once, in constant memory: the header's format and version, the sections in
 * order, every item belonging to the archived tenant, the audit chain from sequence 1 (hashes and
 * links), and at the end each section's count and SHA-256 against the manifest. Throws
 * {@link ArchiveRefusedError} at the first failure. A visitor sees items before the manifest is
 * checked: verify in a first pass, write in a second (see `importTenant`).
 *
 * @example
 * const verified = await readArchive(lines(gunzipped));
 */
export async function readArchive(
  lines: AsyncIterable<string>,
  visitor: ArchiveVisitor = {},
): Promise<VerifiedArchive> {
  const hashes = new Map<Section, { hash: Hash; count: number }>(
    SECTIONS.map((section) => [section, { hash: createHash('sha256'), count: 0 }]),
  );
  let header: ArchiveHeader | undefined;
  let manifest: ArchiveManifest | undefined;
  let chain: ChainVerifier | undefined;
  let head: { sequence: number; hash: string } | undefined;
  let sectionIndex = 0;
  for await (const text of lines) {
    if (text === '') continue;
    if (manifest !== undefined) throw new ArchiveRefusedError('/manifest', 'a line follows the manifest');
    const value = parseLine(text, hashes);
    if (value.kind === 'manifest') {
      manifest = value as unknown as ArchiveManifest;
      continue;
    }
    const section = value.kind as Section;
    const index = SECTIONS.indexOf(section);
    if (index < 0) throw new ArchiveRefusedError(`/${String(value.kind)}`, 'not a section of the archive');
    if (index < sectionIndex) throw new ArchiveRefusedError(`/${section}`, 'sections out of order');
    sectionIndex = index;
    const entry = hashes.get(section);
    if (entry === undefined) throw new ArchiveRefusedError(`/${section}`, 'unknown section');
    entry.hash.update(`${text}\n`, 'utf8');
    entry.count += 1;
    const path = `/${section}/${entry.count}`;
    if (section === 'header') {
      if (entry.count > 1) throw new ArchiveRefusedError(path, 'a second header');
      header = checkHeader(value);
      chain = new ChainVerifier(header.tenant.id);
      continue;
    }
    if (header === undefined || chain === undefined) throw new ArchiveRefusedError('/header', 'missing');
    const item = (value as { item?: unknown }).item;
    if (typeof item !== 'object' || item === null) throw new ArchiveRefusedError(path, 'no item');
    const owner = (item as { tenantId?: unknown }).tenantId;
    if (owner !== header.tenant.id) {
      throw new ArchiveRefusedError(path, `belongs to tenant ${String(owner)}, not ${header.tenant.id}`);
    }
    switch (section) {
      case 'event': {
        const event = checkEvent(item as ArchivedEvent, header, path);
        await visitor.event?.(event, header);
        break;
      }
      case 'audit': {
        const record = item as AuditRecord;
        if (!chain.push([record])) {
          const result = chain.result();
          throw new ArchiveRefusedError(path, `the audit chain breaks: ${result.reason}: ${result.detail}`);
        }
        head = { sequence: record.sequence, hash: record.hash };
        break;
      }
      case 'api-key':
        await visitor.apiKey?.(item as ArchivedApiKey);
        break;
      case 'webhook':
        await visitor.webhook?.(item as ArchivedWebhook);
        break;
    }
  }
  if (header === undefined || chain === undefined) throw new ArchiveRefusedError('/header', 'missing');
  if (manifest === undefined) throw new ArchiveRefusedError('/manifest', 'missing: the archive is cut short');
  for (const section of SECTIONS) {
    const expected = (manifest.sections as Partial<Record<Section, SectionSummary>> | undefined)?.[section];
    const actual = hashes.get(section);
    if (expected === undefined || actual === undefined)
      throw new ArchiveRefusedError(`/manifest/${section}`, 'missing');
    if (expected.count !== actual.count) {
      throw new ArchiveRefusedError(
        `/manifest/${section}`,
        `${actual.count} lines, the manifest says ${expected.count}`,
      );
    }
    if (expected.sha256 !== actual.hash.digest('hex')) {
      throw new ArchiveRefusedError(`/manifest/${section}`, 'checksum mismatch: the section was altered');
    }
  }
  return { header, manifest, auditChain: { ...chain.result(), ...(head && { head }) } };
}

function parseLine(
  text: string,
  hashes: Map<Section, unknown>,
): { kind?: unknown } & Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ArchiveRefusedError(`/line/${lineCount(hashes)}`, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArchiveRefusedError(`/line/${lineCount(hashes)}`, 'not an object');
  }
  return value as { kind?: unknown } & Record<string, unknown>;
}

const lineCount = (hashes: Map<Section, unknown>): number =>
  [...hashes.values()].reduce<number>((sum, entry) => sum + (entry as { count: number }).count, 0) + 1;

function checkHeader(value: Record<string, unknown>): ArchiveHeader {
  if (value.format !== ARCHIVE_FORMAT)
    throw new ArchiveRefusedError('/header/format', 'not a tenant archive');
  if (value.version !== ARCHIVE_VERSION) {
    throw new ArchiveRefusedError('/header/version', `version ${String(value.version)} is not supported`);
  }
  const tenant = value.tenant as { id?: unknown } | undefined;
  if (typeof tenant?.id !== 'string') throw new ArchiveRefusedError('/header/tenant', 'no tenant id');
  return value as unknown as ArchiveHeader;
}

function checkEvent(event: ArchivedEvent, header: ArchiveHeader, path: string): ArchivedEvent {
  const fine =
    typeof event.eventId === 'string' &&
    typeof event.type === 'string' &&
    typeof event.streamName === 'string' &&
    Number.isSafeInteger(event.streamVersion) &&
    event.streamVersion >= 1 &&
    Number.isSafeInteger(event.schemaVersion) &&
    typeof event.metadata === 'object' &&
    event.metadata !== null;
  if (!fine) throw new ArchiveRefusedError(path, 'not an event');
  if (event.metadata.tenantId !== header.tenant.id) {
    throw new ArchiveRefusedError(path, `its metadata names tenant ${String(event.metadata.tenantId)}`);
  }
  return event;
}
