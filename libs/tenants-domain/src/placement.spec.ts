import { placeTenant } from './placement';

const allowedRegions = ['eu-west-1', 'us-east-1'];

describe('placeTenant', () => {
  it('places a tenant in the region it asks for when the policy and its plan allow it', () => {
    expect(placeTenant({ requestedRegion: 'us-east-1', allowedRegions, plan: 'standard' })).toEqual({
      ok: true,
      region: 'us-east-1',
    });
    expect(placeTenant({ requestedRegion: 'us-east-1', allowedRegions, plan: 'enterprise' })).toEqual({
      ok: true,
      region: 'us-east-1',
    });
  });

  it('places a tenant that asks for nothing in the default region, the first allowed', () => {
    for (const plan of ['free', 'standard', 'enterprise'] as const) {
      expect(placeTenant({ allowedRegions, plan })).toEqual({ ok: true, region: 'eu-west-1' });
    }
  });

  it('places a free tenant that asks for the default region there', () => {
    expect(placeTenant({ requestedRegion: 'eu-west-1', allowedRegions, plan: 'free' })).toEqual({
      ok: true,
      region: 'eu-west-1',
    });
  });

  it('refuses a region outside the policy, listing the allowed ones', () => {
    expect(placeTenant({ requestedRegion: 'ap-south-1', allowedRegions, plan: 'enterprise' })).toEqual({
      ok: false,
      rejection: {
        kind: 'validation',
        code: 'region-out-of-policy',
        detail: 'region ap-south-1 is outside the placement policy',
        errors: [{ path: '/region', message: 'must be one of eu-west-1, us-east-1' }],
      },
    });
  });

  it('refuses another allowed region to a free tenant, which stays in the default one', () => {
    expect(placeTenant({ requestedRegion: 'us-east-1', allowedRegions, plan: 'free' })).toEqual({
      ok: false,
      rejection: {
        kind: 'validation',
        code: 'region-out-of-policy',
        detail: 'the free plan places tenants in the default region eu-west-1, not us-east-1',
        errors: [{ path: '/region', message: 'must be eu-west-1 on the free plan' }],
      },
    });
  });

  it('refuses everything when the policy allows no region', () => {
    expect(placeTenant({ allowedRegions: [], plan: 'enterprise' })).toMatchObject({
      ok: false,
      rejection: { code: 'region-out-of-policy', detail: 'no region is allowed by the placement policy' },
    });
  });
});
