import type { TenantCommand, TenantEvent, TenantManifest } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { manifestHash } from './manifest-hash';
import { MANIFEST_SUSPEND_REASON, planManifest } from './plan-manifest';
import { tenantDecider } from './tenant.decider';
import {
  activated,
  activatedAt,
  archived,
  created,
  history,
  manifest,
  manifestApplied,
  suspended,
  tenantId,
} from './tenant.fixtures';
import type { TenantRejection } from './tenant.rejections';

const spec = specFor(tenantDecider);
const newTenantId = '3d9a7c2e-5f14-4b8a-a6c1-0e2f4b6d8a19';

const fold = (events: readonly TenantEvent[]) =>
  events.reduce(tenantDecider.evolve, tenantDecider.initialState());

/** Given these events, the commands that drive the tenant toward `wanted`. */
const plan = (events: readonly TenantEvent[], wanted: TenantManifest): TenantCommand[] =>
  planManifest(fold(events), wanted, { newTenantId });

/**
 * One reconcile pass: plan, then send each command through the decider, stopping at the first
 * rejection, as the registry does. Returns every event recorded, the past ones included.
 */
function reconcile(
  events: readonly TenantEvent[],
  wanted: TenantManifest,
): { events: TenantEvent[]; rejection?: TenantRejection } {
  const recorded = [...events];
  for (const command of plan(recorded, wanted)) {
    const decision = tenantDecider.decide(command, fold(recorded));
    if (!decision.ok) return { events: recorded, rejection: decision.rejection };
    recorded.push(...decision.events);
  }
  return { events: recorded };
}

const apply = (wanted: TenantManifest, id = tenantId): TenantCommand => ({
  type: 'ApplyManifest',
  data: { tenantId: id, manifest: wanted, hash: manifestHash(wanted.spec) },
});

describe('planManifest', () => {
  describe('for a tenant that does not exist', () => {
    const wanted = manifest({ plan: 'enterprise', isolation: 'dedicated', region: 'us-east-1' });

    it('creates it from the manifest with the id it is given, then records the manifest', () => {
      expect(plan([], wanted)).toEqual([
        {
          type: 'CreateTenant',
          data: {
            tenantId: newTenantId,
            slug: 'acme',
            name: 'Acme Inc',
            plan: 'enterprise',
            isolation: 'dedicated',
            region: 'us-east-1',
          },
        },
        apply(wanted, newTenantId),
      ]);
    });

    it('then has nothing more to do until provisioning activates the tenant', () => {
      const { events, rejection } = reconcile([], wanted);
      expect(rejection).toBeUndefined();
      expect(events.map((event) => event.type)).toEqual(['TenantCreated', 'TenantManifestApplied']);
      expect(plan(events, wanted)).toEqual([]);
    });
  });

  it('has nothing to do for a tenant already as its recorded manifest says', () => {
    expect(plan([created, manifestApplied('draft', 2, manifest()), activatedAt(3)], manifest())).toEqual([]);
  });

  it('records a manifest the tenant matches but has not seen, and nothing else', () => {
    expect(plan([created, activated], manifest())).toEqual([apply(manifest())]);
  });

  it('records a new manifest, then changes the plan and suspends, in that order', () => {
    const wanted = manifest({ plan: 'free', status: 'suspended' });
    expect(plan([created, activated], wanted)).toEqual([
      apply(wanted),
      { type: 'ChangePlan', data: { tenantId, plan: 'free' } },
      { type: 'SuspendTenant', data: { tenantId, reason: MANIFEST_SUSPEND_REASON } },
    ]);
  });

  it('resumes a suspended tenant whose manifest wants it active', () => {
    const applied = [created, manifestApplied('draft', 2, manifest()), activatedAt(3), suspended(4)];
    expect(plan(applied, manifest())).toEqual([{ type: 'ResumeTenant', data: { tenantId } }]);
  });

  it('corrects drift: a plan changed by hand goes back to the manifest plan', () => {
    const applied = [created, manifestApplied('draft', 2, manifest()), activatedAt(3)];
    const drifted = reconcile(applied, manifest({ plan: 'enterprise' })).events;
    expect(plan(drifted, manifest())).toEqual([
      apply(manifest()),
      { type: 'ChangePlan', data: { tenantId, plan: 'standard' } },
    ]);
  });

  it('waits for a draft tenant to be activated before suspending it', () => {
    const wanted = manifest({ status: 'suspended' });
    const draft = reconcile([created], wanted).events;
    expect(plan(draft, wanted)).toEqual([]);
    const active = [...draft, activatedAt(3)];
    expect(plan(active, wanted)).toEqual([
      { type: 'SuspendTenant', data: { tenantId, reason: MANIFEST_SUSPEND_REASON } },
    ]);
  });

  it.each([
    ['a new tenant', [] as TenantEvent[], manifest({ plan: 'free' })],
    [
      'an active tenant, another plan, suspended',
      history.active,
      manifest({ plan: 'enterprise', status: 'suspended' }),
    ],
    ['a suspended tenant, renamed, active', history.suspended, manifest({ name: 'Acme Corporation' })],
    ['a draft tenant', history.draft, manifest({ status: 'suspended', plan: 'free' })],
  ])('is idempotent: after reconciling %s, a second pass changes nothing', (_case, events, wanted) => {
    const once = reconcile(events, wanted);
    expect(once.rejection).toBeUndefined();
    expect(plan(once.events, wanted)).toEqual([]);
    expect(reconcile(once.events, wanted).events).toEqual(once.events);
  });

  it('applying the same manifest twice records it once', () => {
    const once = reconcile(history.active, manifest({ name: 'Acme Corporation' })).events;
    spec
      .given(once)
      .when(apply(manifest({ name: 'Acme Corporation' })))
      .then([]);
  });

  it('leads an archived tenant to a refusal, not a silent success', () => {
    const { events, rejection } = reconcile(
      [created, activated, archived('active', 3)],
      manifest({ plan: 'free' }),
    );
    expect(events).toHaveLength(3);
    expect(rejection).toEqual({
      kind: 'conflict',
      code: 'invalid-transition',
      detail: 'cannot apply a manifest to a tenant that is archived',
    });
  });

  it('stops before any change when the manifest would move the tenant to another region', () => {
    const { events, rejection } = reconcile(history.active, manifest({ region: 'us-east-1', plan: 'free' }));
    expect(events).toEqual(history.active);
    expect(rejection).toMatchObject({ code: 'immutable-field' });
  });
});
