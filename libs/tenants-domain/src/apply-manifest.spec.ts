import type { ApplyManifest, TenantManifest } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { manifestHash } from './manifest-hash';
import {
  activated,
  activatedAt,
  archived,
  created,
  manifest,
  manifestApplied,
  planUpdated,
  renamingManifest,
  suspended,
  tenantId,
} from './tenant.fixtures';
import { tenantDecider } from './tenant.decider';

const spec = specFor(tenantDecider);

const apply = (applied: TenantManifest): ApplyManifest => ({
  type: 'ApplyManifest',
  data: { tenantId, manifest: applied, hash: manifestHash(applied.spec) },
});

describe('ApplyManifest', () => {
  it('records the first manifest as version 1 with its hash and spec, taking its name over', () => {
    spec
      .given([created, activated])
      .when(apply(renamingManifest))
      .then([manifestApplied('active', 3, renamingManifest)]);
  });

  it('records nothing when the same manifest is applied again', () => {
    spec
      .given([created, activated, manifestApplied('active', 3, renamingManifest)])
      .when(apply(renamingManifest))
      .then([]);
  });

  it('records nothing for the same manifest after other changes in between', () => {
    spec
      .given([created, manifestApplied('draft', 2, manifest()), activatedAt(3), suspended(4)])
      .when(apply(manifest()))
      .then([]);
  });

  it('gives a changed manifest the next version', () => {
    const enterprise = manifest({ plan: 'enterprise' });
    spec
      .given([created, activated, manifestApplied('active', 3, renamingManifest)])
      .when(apply(enterprise))
      .then([manifestApplied('active', 4, enterprise, 2)]);
  });

  it('leaves plan and status to their own commands: the snapshot keeps the current ones', () => {
    const wanted = manifest({ plan: 'free', status: 'suspended' });
    spec
      .given([created, activated, planUpdated('active', 3, 'enterprise', 'standard')])
      .when(apply(wanted))
      .then([manifestApplied('active', 4, wanted, 1, { plan: 'enterprise' })]);
  });

  it('refuses to change the region or the isolation of a tenant, naming both', () => {
    spec
      .given([created, activated])
      .when(apply(manifest({ region: 'us-east-1', isolation: 'dedicated' })))
      .thenRejected({
        kind: 'conflict',
        code: 'immutable-field',
        detail:
          "a manifest cannot change an existing tenant's isolation (schema → dedicated), region (eu-west-1 → us-east-1)",
      });
  });

  it("refuses a manifest that names another tenant's slug", () => {
    spec
      .given([created, activated])
      .when(apply(manifest({}, 'globex')))
      .thenRejected({
        kind: 'conflict',
        code: 'immutable-field',
        detail: expect.stringContaining('slug (acme → globex)'),
      });
  });

  it('refuses an archived tenant even when the manifest is the one already applied', () => {
    spec
      .given([created, activated, manifestApplied('active', 3, manifest()), archived('active', 4)])
      .when(apply(manifest()))
      .thenRejected({
        kind: 'conflict',
        code: 'invalid-transition',
        detail: 'cannot apply a manifest to a tenant that is archived',
      });
  });
});
