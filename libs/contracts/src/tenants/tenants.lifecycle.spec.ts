import { findMessageDefinition, messageRegistry } from '../registry';
import { Topics } from '../topics';
import { applyManifestSchema, type TenantPurgeSummary } from './tenants.commands';
import { tenantSnapshotSchema, type TenantSnapshot } from './tenants.events';
import {
  tenantDeletedSchema,
  tenantManifestAppliedSchema,
  tenantSnapshotOfEventSchema,
  tenantSuspendedSchema,
  type TenantEvent,
} from './tenants.lifecycle';
import { tenantManifestSchema } from './tenants.manifest';

const snapshot = (status: TenantSnapshot['status'], version: number): TenantSnapshot => ({
  tenantId: '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f',
  slug: 'acme',
  name: 'Acme Inc',
  status,
  plan: 'standard',
  isolation: 'schema',
  region: 'eu-west-1',
  version,
});
const purged: TenantPurgeSummary = {
  events: 3,
  readModels: 1,
  checkpoints: 1,
  deadLetters: 0,
  idempotencyRecords: 2,
};
const spec = {
  name: 'Acme Inc',
  plan: 'standard',
  isolation: 'schema',
  region: 'eu-west-1',
  status: 'active',
} as const;
const hash = `sha256:${'ab'.repeat(32)}`;

/** One valid event of each type, as the tenant registry records and publishes them. */
const samples: { readonly [K in TenantEvent['type']]: Extract<TenantEvent, { type: K }>['data'] } = {
  TenantCreated: snapshot('draft', 1),
  TenantActivated: snapshot('active', 2),
  TenantSuspended: {
    ...snapshot('suspended', 3),
    status: 'suspended',
    previousStatus: 'active',
    reason: 'unpaid',
  },
  TenantResumed: { ...snapshot('active', 4), status: 'active', previousStatus: 'suspended' },
  TenantArchived: { ...snapshot('archived', 5), status: 'archived', previousStatus: 'active' },
  TenantDeleted: { ...snapshot('deleted', 6), status: 'deleted', previousStatus: 'archived', purged },
  TenantPlanUpdated: { ...snapshot('active', 3), previousPlan: 'free' },
  TenantManifestApplied: { ...snapshot('active', 3), manifestVersion: 1, manifestHash: hash, spec },
};
const sampleEntries = Object.entries(samples);

describe('tenant lifecycle events', () => {
  it.each(sampleEntries)('%s is registered on tenants.lifecycle and its schema accepts it', (name, data) => {
    const definition = findMessageDefinition(`tenants.${name}`);
    expect(definition).toMatchObject({ kind: 'event', context: 'tenants', topic: Topics.tenantsLifecycle });
    expect(definition?.schema.safeParse(data).success).toBe(true);
  });

  it('registers no other tenant lifecycle message', () => {
    const registered = messageRegistry
      .filter((d) => d.context === 'tenants' && d.topic === Topics.tenantsLifecycle)
      .map((d) => d.name);
    expect(registered.sort()).toEqual(Object.keys(samples).sort());
  });

  it.each(sampleEntries)(
    'the snapshot of %s reads with one lenient schema, dropping its own fields',
    (_name, data) => {
      const read = tenantSnapshotOfEventSchema.parse(data);
      expect(tenantSnapshotSchema.parse(read)).toEqual(read);
      expect(Object.keys(read).sort()).toEqual(Object.keys(snapshot('active', 1)).sort());
    },
  );

  it('refuses an event whose status contradicts it', () => {
    expect(tenantSuspendedSchema.safeParse({ ...samples.TenantSuspended, status: 'active' }).success).toBe(
      false,
    );
  });

  it('refuses unknown fields, in the event and in what it nests', () => {
    expect(tenantDeletedSchema.safeParse({ ...samples.TenantDeleted, extra: 1 }).success).toBe(false);
    expect(
      tenantDeletedSchema.safeParse({ ...samples.TenantDeleted, purged: { ...purged, files: 1 } }).success,
    ).toBe(false);
    expect(
      tenantManifestAppliedSchema.safeParse({ ...samples.TenantManifestApplied, manifestHash: 'md5:abc' })
        .success,
    ).toBe(false);
  });
});

describe('tenant manifest schema', () => {
  const manifest = { apiVersion: 'tenantflow/v1', kind: 'Tenant', metadata: { slug: 'acme' }, spec };

  it('asks for an active tenant when status is left out', () => {
    const { status: _status, ...withoutStatus } = spec;
    expect(tenantManifestSchema.parse({ ...manifest, spec: withoutStatus }).spec.status).toBe('active');
  });

  it('refuses statuses other than active and suspended', () => {
    expect(
      tenantManifestSchema.safeParse({ ...manifest, spec: { ...spec, status: 'archived' } }).success,
    ).toBe(false);
  });

  it('is what ApplyManifest carries, with its hash', () => {
    const tenantId = '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f';
    expect(applyManifestSchema.safeParse({ tenantId, manifest, hash }).success).toBe(true);
    expect(applyManifestSchema.safeParse({ tenantId, manifest, hash: 'abc' }).success).toBe(false);
  });
});
