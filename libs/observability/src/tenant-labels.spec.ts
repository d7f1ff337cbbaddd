import { OTHER_TENANTS, TenantLabels } from './tenant-labels';

const observe = (labels: TenantLabels, tenant: string, times: number): string => {
  let label = '';
  for (let i = 0; i < times; i += 1) label = labels.label(tenant);
  return label;
};

describe('TenantLabels', () => {
  it('labels the first tenants at once while the top has room, and folds the rest into other', () => {
    const labels = new TenantLabels({ top: 2 });

    expect(labels.label('t-a')).toBe('t-a');
    expect(labels.label('t-b')).toBe('t-b');
    expect(labels.label('t-c')).toBe(OTHER_TENANTS);
    expect(labels.label('t-a')).toBe('t-a');
  });

  it('always labels the opt-in tenants, outside the top', () => {
    const labels = new TenantLabels({ top: 0, optIn: ['vip'] });

    expect(labels.label('vip')).toBe('vip');
    expect(labels.label('t-a')).toBe(OTHER_TENANTS);
    labels.rank();
    expect(labels.label('vip')).toBe('vip');
    expect(labels.label('t-a')).toBe(OTHER_TENANTS);
  });

  it('gives the label to the tenants with the most recent traffic at each ranking', () => {
    const labels = new TenantLabels({ top: 2, rankEvery: 100 });
    observe(labels, 'early-1', 1);
    observe(labels, 'early-2', 1);
    expect(observe(labels, 'busy', 10)).toBe(OTHER_TENANTS);

    observe(labels, 'busy', 88); // the 100th observation ranks
    expect(labels.label('busy')).toBe('busy');
    expect(labels.labelled().sort()).toEqual(['busy', 'early-1']);
    expect(labels.label('early-2')).toBe(OTHER_TENANTS);
  });

  it('drops a tenant whose traffic stopped once others outweigh it (counts halve at each ranking)', () => {
    const labels = new TenantLabels({ top: 1, rankEvery: 50 });
    expect(observe(labels, 'old', 50)).toBe('old');
    for (let round = 0; round < 4; round += 1) observe(labels, 'new', 50);

    expect(labels.label('new')).toBe('new');
    expect(labels.peek('old')).toBe(OTHER_TENANTS);
  });

  it('never hands out more than optIn + 2 x top + other values, however the ranking churns', () => {
    const labels = new TenantLabels({ top: 3, optIn: ['vip'], rankEvery: 20 });
    const seen = new Set<string>();
    for (let wave = 0; wave < 50; wave += 1) {
      // each wave a new set of busy tenants
      for (let i = 0; i < 40; i += 1) seen.add(labels.label(`w${wave}-t${i % 4}`));
      seen.add(labels.label('vip'));
    }

    expect(seen.size).toBeLessThanOrEqual(1 + 2 * 3 + 1);
    expect(seen).toContain('vip');
    expect(seen).toContain(OTHER_TENANTS);
  });

  it('peeks without counting', () => {
    const labels = new TenantLabels({ top: 1, rankEvery: 2 });
    labels.label('a');
    for (let i = 0; i < 10; i += 1) labels.peek('b');
    labels.label('a');
    expect(labels.peek('a')).toBe('a');
    expect(labels.peek('b')).toBe(OTHER_TENANTS);
  });

  it('refuses a negative top', () => {
    expect(() => new TenantLabels({ top: -1 })).toThrow(RangeError);
  });
});
