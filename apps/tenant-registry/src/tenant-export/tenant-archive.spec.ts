import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '@platform/audit';
import { sealRecord } from '@platform/audit';
import type { GlobalEvent } from '@platform/event-store';
import type { ApiKeyRecord } from '@platform/tenancy';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type ArchivedEvent, type ArchiveHeader } from './archive-format';
import { ArchiveRefusedError, readArchive } from './archive-reader';
import { archiveLines, toArchivedApiKey } from './archive-writer';
import { importedEventId, toStreamAppends } from './import-tenant';

const tenantId = randomUUID();
const header: ArchiveHeader = {
  kind: 'header',
  format: ARCHIVE_FORMAT,
  version: ARCHIVE_VERSION,
  exportedAt: '2026-12-03T10:00:00.000Z',
  exportedBy: 'admin',
  tenant: {
    id: tenantId,
    slug: 'acme',
    name: 'Acme',
    status: 'active',
    plan: 'standard',
    isolation: 'schema',
    region: 'eu-west-1',
    version: 2,
    manifestVersion: 0,
    createdAt: '2026-12-01T00:00:00.000Z',
  },
};

const event = (stream: string, version: number, owner = tenantId): GlobalEvent => ({
  eventId: randomUUID(),
  type: 'OrderCreated',
  data: { orderId: stream },
  schemaVersion: 1,
  metadata: {
    tenantId: owner,
    correlationId: 'c',
    causationId: 'c',
    actor: 'a',
    occurredAt: '2026-12-02T00:00:00.000Z',
  },
  tenantId: owner,
  streamName: stream,
  streamVersion: version,
  globalPosition: version,
  recordedAt: '2026-12-02T00:00:00.000Z',
  checkpoint: `cp-${version}`,
});

const chain = (count: number): AuditRecord[] => {
  const records: AuditRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const last = records.at(-1);
    records.push(
      sealRecord(last ? { sequence: last.sequence, hash: last.hash } : null, {
        tenantId,
        actor: 'admin',
        action: 'tenant.create',
        target: `tenant/${tenantId}`,
        previousState: null,
        newState: { n: index },
        requestId: 'r',
        correlationId: 'c',
        occurredAt: '2026-12-01T00:00:00.000Z',
      }),
    );
  }
  return records;
};

async function* of<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

const write = async (
  events: GlobalEvent[],
  audit: AuditRecord[],
  keys: ApiKeyRecord[] = [],
): Promise<string[]> => {
  const lines: string[] = [];
  for await (const line of archiveLines(header, {
    events: of(events),
    audit: of(audit),
    apiKeys: of(keys),
    webhooks: of([]),
  }))
    lines.push(line.trimEnd());
  return lines;
};

describe('the tenant archive', () => {
  it('reads back what it wrote: counts, checksums and the audit chain', async () => {
    const lines = await write([event('order-1', 1), event('order-1', 2)], chain(3));
    const verified = await readArchive(of(lines));
    expect(verified.manifest.sections.event.count).toBe(2);
    expect(verified.manifest.sections.audit.count).toBe(3);
    expect(verified.auditChain).toMatchObject({ valid: true, checked: 3, head: { sequence: 3 } });
    expect(lines.join('\n')).not.toContain('cp-1'); // store-local checkpoints stay home
  });

  it("refuses another tenant's event, even with checksums that match", async () => {
    const lines = await write([event('order-1', 1, randomUUID())], []);
    await expect(readArchive(of(lines))).rejects.toThrow(/\/event\/1: belongs to tenant/);
  });

  it('refuses a chain with a record missing', async () => {
    const records = chain(3);
    const lines = await write(
      [],
      [records[0], records[2]].filter((r): r is AuditRecord => r !== undefined),
    );
    await expect(readArchive(of(lines))).rejects.toThrow(/audit chain breaks: sequence-mismatch/);
  });

  it('refuses lines after the manifest, and sections out of order', async () => {
    const lines = await write([event('order-1', 1)], chain(1));
    await expect(readArchive(of([...lines, lines[1] ?? '']))).rejects.toThrow(ArchiveRefusedError);
    const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)].map((line) => line ?? '');
    await expect(readArchive(of(swapped))).rejects.toThrow(/sections out of order/);
  });

  it("keeps an API key's metadata only", () => {
    const key: ApiKeyRecord = {
      keyId: 'k1',
      tenantId,
      name: 'ci',
      roles: ['member'],
      secretHash: 'f'.repeat(64),
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    expect(toArchivedApiKey(key)).toEqual({
      keyId: 'k1',
      tenantId,
      name: 'ci',
      roles: ['member'],
      createdAt: '2026-12-01T00:00:00.000Z',
    });
  });
});

describe('importing events', () => {
  const target = randomUUID();
  const archived = (stream: string, version: number): ArchivedEvent => {
    const { checkpoint: _checkpoint, ...rest } = event(stream, version);
    return rest;
  };

  it('groups a batch by stream, expecting the version before its first event, in the new tenant', () => {
    const batch = [
      archived('order-1', 1),
      archived('order-2', 4),
      archived('order-1', 2),
      archived('order-2', 5),
    ];
    const appends = toStreamAppends(batch, target);
    expect(appends.map((a) => [a.streamName, a.expectedVersion, a.events.length])).toEqual([
      ['order-1', 'no-stream', 2],
      ['order-2', 3, 2],
    ]);
    const first = appends[0]?.events[0];
    expect(first?.metadata).toMatchObject({
      tenantId: target,
      importedFrom: `${tenantId}/${batch[0]?.eventId}`,
    });
    expect(first?.eventId).toBe(importedEventId(target, batch[0]?.eventId ?? ''));
    expect(first?.eventId).not.toBe(batch[0]?.eventId);
  });

  it('refuses a gap in a stream', () => {
    expect(() => toStreamAppends([archived('order-1', 1), archived('order-1', 3)], target)).toThrow(
      /out of order/,
    );
  });

  it('derives the same new id for the same tenant and event, another for another tenant', () => {
    const id = randomUUID();
    expect(importedEventId(target, id)).toBe(importedEventId(target, id));
    expect(importedEventId(randomUUID(), id)).not.toBe(importedEventId(target, id));
    expect(importedEventId(target, id)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
