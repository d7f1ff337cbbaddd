import type { EventMetadata } from '../event-store.port';
import {
  type EventRow,
  toAppendArrays,
  toEventMetadata,
  toRecordedEvent,
  toSafeInteger,
} from './row-mapping';

const metadata: EventMetadata = {
  tenantId: '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11',
  correlationId: 'c0a9f6a4-7d4c-4e0e-8f7b-3b1d2a9e5c01',
  causationId: 'a1b2c3d4-0000-4000-8000-000000000001',
  actor: 'user:1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

const row: EventRow = {
  global_position: '9007199254740991',
  tenant_id: metadata.tenantId,
  stream_name: 'order-1',
  stream_version: '2',
  event_id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  event_type: 'OrderCreated',
  data: { orderId: 'o-1' },
  metadata,
  schema_version: 3,
  recorded_at: new Date('2026-01-02T03:04:05.678Z'),
};

describe('toRecordedEvent', () => {
  it('maps a row to a recorded event with numbers and an ISO timestamp', () => {
    expect(toRecordedEvent(row)).toEqual({
      tenantId: metadata.tenantId,
      streamName: 'order-1',
      streamVersion: 2,
      globalPosition: Number.MAX_SAFE_INTEGER,
      eventId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      type: 'OrderCreated',
      data: { orderId: 'o-1' },
      schemaVersion: 3,
      metadata,
      recordedAt: '2026-01-02T03:04:05.678Z',
    });
  });

  it('accepts a timestamp given as text', () => {
    expect(toRecordedEvent({ ...row, recorded_at: '2026-01-02 03:04:05.678+00' }).recordedAt).toBe(
      '2026-01-02T03:04:05.678Z',
    );
  });
});

describe('toSafeInteger', () => {
  it('converts bigint text and numbers', () => {
    expect(toSafeInteger('42', 'version')).toBe(42);
    expect(toSafeInteger(7, 'version')).toBe(7);
  });

  it('refuses values a number cannot hold exactly', () => {
    expect(() => toSafeInteger('9007199254740993', 'global_position')).toThrow(RangeError);
    expect(() => toSafeInteger('x', 'global_position')).toThrow(/global_position/);
  });
});

describe('toEventMetadata', () => {
  it('keeps the stored metadata, extra keys included', () => {
    expect(toEventMetadata({ ...metadata, extra: 1 })).toEqual({ ...metadata, extra: 1 });
  });

  it.each([null, 'text', [], { ...metadata, actor: undefined }, { ...metadata, traceparent: 5 }])(
    'refuses %j',
    (value) => {
      expect(() => toEventMetadata(value)).toThrow(TypeError);
    },
  );
});

describe('toAppendArrays', () => {
  it('splits events into parallel arrays with JSON text for jsonb columns', () => {
    const events = [
      { eventId: 'id-1', type: 'A', data: { text: 'quote " and \\' }, schemaVersion: 1, metadata },
      { eventId: 'id-2', type: 'B', data: null, schemaVersion: 2, metadata },
    ];

    expect(toAppendArrays(events)).toEqual({
      ids: ['id-1', 'id-2'],
      types: ['A', 'B'],
      data: ['{"text":"quote \\" and \\\\"}', 'null'],
      metadata: [JSON.stringify(metadata), JSON.stringify(metadata)],
      schemaVersions: [1, 2],
    });
  });

  it('refuses data that has no JSON form', () => {
    const events = [{ eventId: 'id-1', type: 'A', data: undefined, schemaVersion: 1, metadata }];
    expect(() => toAppendArrays(events)).toThrow(/events\[0]\.data must be JSON-serialisable/);
  });
});
