import { randomUUID } from 'node:crypto';
import type { Direction, NewEvent, ReadStreamOptions } from './event-store.port';
import {
  assertExpectedVersion,
  assertNewEvents,
  assertStreamName,
  assertTenantId,
  toReadRange,
} from './guards';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';

const event = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: randomUUID(),
  type: 'OrderCreated',
  data: { orderId: 'o-1' },
  schemaVersion: 1,
  metadata: {
    tenantId,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'user:1',
    occurredAt: '2026-01-01T00:00:00.000Z',
  },
  ...overrides,
});

describe('assertTenantId', () => {
  it.each([tenantId, tenantId.toUpperCase()])('accepts the UUID %s', (value) => {
    expect(() => assertTenantId(value)).not.toThrow();
  });

  it.each(['tenant-a', '', `${tenantId} `, '0b5c7a36-1c4e-4f4e-9a57', null, undefined, 42])(
    'refuses %j with a TypeError',
    (value) => {
      expect(() => assertTenantId(value)).toThrow(TypeError);
    },
  );
});

describe('assertStreamName', () => {
  it('accepts a non-empty string', () => {
    expect(() => assertStreamName('order-1')).not.toThrow();
  });

  it.each(['', '   ', null, 7])('refuses %j', (value) => {
    expect(() => assertStreamName(value)).toThrow(TypeError);
  });
});

describe('assertExpectedVersion', () => {
  it.each(['any', 'no-stream', 'stream-exists', 1, 42])('accepts %j', (value) => {
    expect(() => assertExpectedVersion(value)).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', 'none', null, undefined])(
    'refuses %j with a TypeError',
    (value) => {
      expect(() => assertExpectedVersion(value)).toThrow(TypeError);
    },
  );

  it("points to 'no-stream' when given 0", () => {
    expect(() => assertExpectedVersion(0)).toThrow(/use 'no-stream'/);
  });
});

describe('assertNewEvents', () => {
  it('accepts an empty batch and well-formed events', () => {
    expect(() => assertNewEvents(tenantId, [])).not.toThrow();
    expect(() => assertNewEvents(tenantId, [event(), event()])).not.toThrow();
  });

  it('accepts metadata naming the tenant in another letter case', () => {
    const upper = event();
    upper.metadata.tenantId = tenantId.toUpperCase();
    expect(() => assertNewEvents(tenantId, [upper])).not.toThrow();
  });

  it.each<[string, Partial<NewEvent>]>([
    ['a non-UUID eventId', { eventId: 'e-1' }],
    ['an empty type', { type: '' }],
    ['schemaVersion 0', { schemaVersion: 0 }],
    ['a fractional schemaVersion', { schemaVersion: 1.5 }],
  ])('refuses an event with %s', (_, overrides) => {
    expect(() => assertNewEvents(tenantId, [event(), event(overrides)])).toThrow(/events\[1]/);
  });

  it('refuses an event whose metadata names another tenant', () => {
    const foreign = event();
    foreign.metadata.tenantId = randomUUID();
    expect(() => assertNewEvents(tenantId, [foreign])).toThrow(/metadata.tenantId/);
  });

  it('refuses a batch holding the same eventId twice', () => {
    const first = event();
    expect(() => assertNewEvents(tenantId, [first, event({ eventId: first.eventId.toUpperCase() })])).toThrow(
      /appears twice/,
    );
  });
});

describe('toReadRange', () => {
  it('reads the whole stream forwards by default', () => {
    expect(toReadRange()).toEqual({ direction: 'forwards', fromVersion: 1, maxCount: null });
    expect(toReadRange({})).toEqual({ direction: 'forwards', fromVersion: 1, maxCount: null });
  });

  it('reads backwards from the last version unless told where to start', () => {
    expect(toReadRange({ direction: 'backwards' })).toEqual({
      direction: 'backwards',
      fromVersion: null,
      maxCount: null,
    });
    expect(toReadRange({ direction: 'backwards', fromVersion: 4, maxCount: 2 })).toEqual({
      direction: 'backwards',
      fromVersion: 4,
      maxCount: 2,
    });
  });

  it('keeps valid bounds', () => {
    expect(toReadRange({ fromVersion: 3, maxCount: 0 })).toEqual({
      direction: 'forwards',
      fromVersion: 3,
      maxCount: 0,
    });
  });

  it.each<ReadStreamOptions>([
    { fromVersion: 0 },
    { fromVersion: 1.5 },
    { maxCount: -1 },
    { maxCount: Number.NaN },
    { direction: 'sideways' as Direction },
  ])('refuses %j with a TypeError', (options) => {
    expect(() => toReadRange(options)).toThrow(TypeError);
  });
});
