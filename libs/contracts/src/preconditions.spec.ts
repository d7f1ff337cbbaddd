import { decodeCloudEventHeaders, encodeCloudEventHeaders, type CloudEventAttributes } from './cloudevents';
import {
  atVersion,
  formatEntityTagCondition,
  ifMatchHolds,
  ifMatchOfHeader,
  ifNoneMatchHolds,
  ifNoneMatchOfHeader,
  parseEntityTagCondition,
  versionETag,
  versionMismatchDetail,
  type EntityTagCondition,
} from './preconditions';
import { ProblemError } from './problems';

const strong = (opaque: string) => ({ weak: false, opaque });
const weak = (opaque: string) => ({ weak: true, opaque });
const condition = (value: string): EntityTagCondition => {
  const parsed = parseEntityTagCondition(value);
  if (!parsed.ok) throw new Error(`expected ${value} to parse: ${parsed.message}`);
  return parsed.condition;
};

describe('parseEntityTagCondition (If-Match / If-None-Match, RFC 9110)', () => {
  it.each<[string, EntityTagCondition]>([
    ['"3"', { kind: 'tags', tags: [strong('3')] }],
    ['*', { kind: 'any' }],
    [' * ', { kind: 'any' }],
    ['W/"3"', { kind: 'tags', tags: [weak('3')] }],
    ['"1", "2",W/"3"', { kind: 'tags', tags: [strong('1'), strong('2'), weak('3')] }],
    [', "1" ,, "2" ,', { kind: 'tags', tags: [strong('1'), strong('2')] }],
    ['"a,b", ""', { kind: 'tags', tags: [strong('a,b'), strong('')] }],
  ])('parses %j', (value, expected) => {
    expect(parseEntityTagCondition(value)).toEqual({ ok: true, condition: expected });
  });

  it.each(['', '  ', ',', '3', "'3'", '"3', '3"', '"3" "4"', '*, "3"', '"3", *', 'w/"3"', '"a b"', 'W/ "3"'])(
    'refuses the malformed %j',
    (value) => {
      expect(parseEntityTagCondition(value)).toEqual({ ok: false, message: expect.any(String) });
    },
  );

  it('writes a condition back as a field value that parses to the same', () => {
    for (const value of ['*', '"3"', '"1", W/"2"', '"a,b"']) {
      const parsed = condition(value);
      expect(formatEntityTagCondition(parsed)).toBe(value);
      expect(condition(formatEntityTagCondition(parsed))).toEqual(parsed);
    }
  });
});

describe('ifMatchHolds', () => {
  it('holds for the current version, or for one in a list', () => {
    expect(ifMatchHolds(condition('"3"'), 3)).toBe(true);
    expect(ifMatchHolds(condition('"1", "3"'), 3)).toBe(true);
    expect(ifMatchHolds(atVersion(3), 3)).toBe(true);
  });

  it('does not hold for another version, a weak tag (strong comparison) or a tag that is no version', () => {
    expect(ifMatchHolds(condition('"2"'), 3)).toBe(false);
    expect(ifMatchHolds(condition('"2", "4"'), 3)).toBe(false);
    expect(ifMatchHolds(condition('W/"3"'), 3)).toBe(false);
    expect(ifMatchHolds(condition('"03"'), 3)).toBe(false);
    expect(ifMatchHolds(condition('"abc"'), 3)).toBe(false);
  });

  it('holds for * when the resource exists, and for nothing when it does not', () => {
    expect(ifMatchHolds(condition('*'), 1)).toBe(true);
    expect(ifMatchHolds(condition('*'), 0)).toBe(false);
    expect(ifMatchHolds(condition('"0"'), 0)).toBe(false);
  });
});

describe('ifNoneMatchHolds', () => {
  it('fails (304) when a tag is the current version, by weak comparison', () => {
    expect(ifNoneMatchHolds(condition('"3"'), 3)).toBe(false);
    expect(ifNoneMatchHolds(condition('W/"3"'), 3)).toBe(false);
    expect(ifNoneMatchHolds(condition('"1", "3"'), 3)).toBe(false);
    expect(ifNoneMatchHolds(condition('*'), 3)).toBe(false);
  });

  it('holds for another version, and when the resource does not exist', () => {
    expect(ifNoneMatchHolds(condition('"2"'), 3)).toBe(true);
    expect(ifNoneMatchHolds(condition('*'), 0)).toBe(true);
  });
});

describe('the If-Match header', () => {
  it('is absent, parsed, or a 400 validation problem naming the header', () => {
    expect(ifMatchOfHeader(undefined)).toBeUndefined();
    expect(ifMatchOfHeader('"7"')).toEqual(atVersion(7));
    expect(ifMatchOfHeader(['"1"', '"2"'])).toEqual(condition('"1", "2"'));
    let thrown: unknown;
    try {
      ifMatchOfHeader('7');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    expect((thrown as ProblemError).toData()).toEqual({
      kind: 'validation',
      detail: 'the if-match header is malformed',
      errors: [{ path: '/headers/if-match', message: expect.stringContaining('entity tag') }],
    });
    expect(() => ifNoneMatchOfHeader('nope')).toThrow(ProblemError);
  });

  it('gives the ETag and the reason of a mismatch', () => {
    expect(versionETag(4)).toBe('"4"');
    expect(versionMismatchDetail('the order', condition('"2"'), 4)).toBe(
      'the order is at version 4 (ETag "4"); If-Match: "2" does not match',
    );
    expect(versionMismatchDetail('the order', condition('*'), 0)).toMatch(/does not exist/);
  });
});

describe('ce_ifmatch, the CloudEvents extension that carries If-Match on Kafka', () => {
  const command: CloudEventAttributes = {
    id: '5b0c7f8e-2f4b-4a55-9a3e-0c1f7b0d9a11',
    type: 'orders.AddOrderItem',
    source: '/gateway',
    time: '2026-11-22T10:00:00.000Z',
    subject: '0b6f1d2e-8d1c-4a0e-b6a4-6f0f5b3c2d1a',
    tenantId: '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    dataSchemaVersion: 1,
    ifMatch: '"3"',
  };

  it('round-trips, as text and as Buffers', () => {
    const headers = encodeCloudEventHeaders(command);
    expect(headers.ce_ifmatch).toBe('"3"');
    expect(decodeCloudEventHeaders(headers)).toEqual({ ok: true, attributes: command });
    const raw = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(decodeCloudEventHeaders(raw)).toEqual({ ok: true, attributes: command });
  });

  it('is left out when absent', () => {
    const { ifMatch: _absent, ...unconditional } = command;
    expect(Object.keys(encodeCloudEventHeaders(unconditional))).not.toContain('ce_ifmatch');
  });
});
