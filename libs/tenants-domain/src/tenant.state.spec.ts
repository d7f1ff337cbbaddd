import type { TenantEvent } from '@platform/contracts';
import { manifestHash } from './manifest-hash';
import {
  activated,
  activatedAt,
  archived,
  created,
  deleted,
  manifest,
  manifestApplied,
  planUpdated,
  resumed,
  suspended,
  tenantId,
} from './tenant.fixtures';
import { evolve, initialState, type TenantState } from './tenant.state';

const fold = (events: readonly TenantEvent[]): TenantState => events.reduce(evolve, initialState());

const acme = {
  id: tenantId,
  slug: 'acme',
  name: 'Acme Inc',
  plan: 'standard',
  isolation: 'schema',
  region: 'eu-west-1',
} as const;

describe('tenant state', () => {
  it('starts with no tenant', () => {
    expect(initialState()).toEqual({ status: 'none' });
  });

  it('is a draft at version 1 once created, with no manifest yet', () => {
    expect(fold([created])).toEqual({ ...acme, status: 'draft', version: 1, manifestVersion: 0 });
  });

  it('follows every event of the lifecycle, one version each', () => {
    expect(fold([created, activated, suspended(3), resumed(4), archived('active', 5), deleted(6)])).toEqual({
      ...acme,
      status: 'deleted',
      version: 6,
      manifestVersion: 0,
    });
  });

  it('keeps the manifest version and hash through later events', () => {
    const applied = manifest();
    const state = fold([created, manifestApplied('draft', 2, applied), activatedAt(3), suspended(4)]);
    expect(state).toEqual({
      ...acme,
      status: 'suspended',
      version: 4,
      manifestVersion: 1,
      lastManifestHash: manifestHash(applied.spec),
    });
  });

  it('takes the plan from a plan update', () => {
    expect(fold([created, activated, planUpdated('active', 3, 'free')])).toMatchObject({
      plan: 'free',
      version: 3,
    });
  });

  it('ignores events that cannot apply: a change before creation, a second creation', () => {
    expect(evolve(initialState(), activated)).toEqual({ status: 'none' });
    const draft = fold([created]);
    expect(evolve(draft, { type: 'TenantCreated', data: { ...created.data, name: 'Other' } })).toBe(draft);
  });

  it('does not mutate the state it is given', () => {
    const draft = Object.freeze(fold([created]));
    const next = evolve(draft, activated);
    expect(next).not.toBe(draft);
    expect(draft).toEqual(fold([created]));
  });
});
