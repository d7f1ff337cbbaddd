import {
  parseKurrentStreamName,
  purgeMarkerStreamName,
  TENANT_STREAMS_PREFIX,
  tenantPrefix,
  toKurrentStreamName,
} from './stream-names';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
const hex = '0b5c7a361c4e4f4e9a576c1b8f0d2e11';

describe('KurrentDB stream names', () => {
  it('prefixes the stream with t_, the tenant as 32 hex digits, and a dot', () => {
    expect(toKurrentStreamName(tenantId, 'order-42')).toBe(`t_${hex}.order-42`);
    expect(tenantPrefix(tenantId)).toBe(`t_${hex}.`);
    expect(toKurrentStreamName(tenantId, 'order-42').startsWith(TENANT_STREAMS_PREFIX)).toBe(true);
  });

  it('names the same tenant the same way whatever the case of its id', () => {
    expect(toKurrentStreamName(tenantId.toUpperCase(), 's')).toBe(toKurrentStreamName(tenantId, 's'));
  });

  it("puts the aggregate into KurrentDB's default category, per tenant", () => {
    // $by_category splits at the first '-': the tenant prefix has none
    const name = toKurrentStreamName(tenantId, 'order-7f1e-42');
    expect(name.slice(0, name.indexOf('-'))).toBe(`t_${hex}.order`);
  });

  it('never lets a stream name reach a system stream or another tenant', () => {
    expect(toKurrentStreamName(tenantId, '$all').startsWith('$')).toBe(false);
    const other = '1b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
    expect(toKurrentStreamName(tenantId, `x.${other}`).startsWith(tenantPrefix(other))).toBe(false);
  });

  it('parses a tenant stream name back, keeping dots, dashes and $ in the stream name', () => {
    for (const streamName of ['order-42', 'a.b.c', '$odd', ' spaced ', 'multi\nline']) {
      expect(parseKurrentStreamName(toKurrentStreamName(tenantId, streamName))).toEqual({
        tenantId,
        streamName,
      });
    }
  });

  it('does not parse system streams, other applications’ streams or the purge marker stream', () => {
    for (const name of [
      '$all',
      '$$t_' + hex + '.s',
      `t_${hex}`,
      `t_${hex}.`,
      `t-${tenantId}.s`,
      `t_${hex.toUpperCase()}.s`,
      `t_${hex.slice(1)}.s`,
      'orders-1',
      purgeMarkerStreamName(tenantId),
    ]) {
      expect(parseKurrentStreamName(name)).toBeUndefined();
    }
  });

  it('keeps the purge marker stream outside the tenant prefix', () => {
    expect(purgeMarkerStreamName(tenantId)).toBe(`t_${hex}`);
    expect(purgeMarkerStreamName(tenantId).startsWith(tenantPrefix(tenantId))).toBe(false);
  });
});
