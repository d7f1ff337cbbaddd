import type { CreateTenant } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { commands, created, history, tenantId } from './tenant.fixtures';
import { tenantDecider } from './tenant.decider';

const spec = specFor(tenantDecider);

const createWithSlug = (slug: string): CreateTenant => ({
  type: 'CreateTenant',
  data: { ...commands.CreateTenant.data, slug },
});

describe('CreateTenant', () => {
  it('records a new tenant in draft, at version 1', () => {
    spec.given([]).when(commands.CreateTenant).then([created]);
  });

  it('takes every field from the command, ids included', () => {
    const other = '2c5e6a1f-7b3d-4c8e-9f0a-1b2c3d4e5f60';
    spec
      .given([])
      .when({
        type: 'CreateTenant',
        data: {
          tenantId: other,
          slug: 'globex',
          name: 'Globex',
          plan: 'free',
          isolation: 'shared',
          region: 'us-east-1',
        },
      })
      .then([
        {
          type: 'TenantCreated',
          data: {
            tenantId: other,
            slug: 'globex',
            name: 'Globex',
            status: 'draft',
            plan: 'free',
            isolation: 'shared',
            region: 'us-east-1',
            version: 1,
          },
        },
      ]);
  });

  it('refuses a reserved slug, naming the field', () => {
    spec
      .given([])
      .when(createWithSlug('admin'))
      .thenRejected({
        kind: 'validation',
        code: 'slug-reserved',
        detail: 'the slug admin is reserved',
        errors: [{ path: '/slug', message: 'reserved by the platform' }],
      });
  });

  it.each(['ab', 'Acme', '1acme', 'acme_inc', 'acme-', `a${'b'.repeat(63)}`])(
    'refuses the slug %j',
    (slug) => {
      spec
        .given([])
        .when(createWithSlug(slug))
        .thenRejected((rejection) => {
          expect(rejection).toMatchObject({ kind: 'validation', code: 'slug-invalid' });
          expect(rejection.errors).toEqual([{ path: '/slug', message: expect.stringContaining('3 to 63') }]);
        });
    },
  );

  it('refuses a tenant id that was deleted: ids are never reused', () => {
    spec
      .given(history.deleted)
      .when(commands.CreateTenant)
      .thenRejected({
        kind: 'conflict',
        code: 'tenant-already-exists',
        detail: `Tenant ${tenantId} already exists; a tenant id is never reused`,
      });
  });
});
