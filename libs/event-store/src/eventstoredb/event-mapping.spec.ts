import type { JSONRecordedEvent, Position } from '@kurrent/kurrentdb-client';
import type { NewEvent } from '../event-store.port';
import { fromStoredMetadata, toEventData, toRecordedEvent } from './event-mapping';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
const metadata = {
  tenantId,
  correlationId: 'c0a8f9e2-3f5e-4b0e-9a1c-2d3e4f5a6b7c',
  causationId: 'd1b9e0f3-4a6f-4c1f-8b2d-3e4f5a6b7c8d',
  actor: 'user:42',
  occurredAt: '2026-01-02T03:04:05.678Z',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};
const newEvent: NewEvent = {
  eventId: '7f1e2d3c-4b5a-4968-8776-655443322110',
  type: 'OrderPlaced',
  data: { orderId: 'o-1', lines: [1, 2] },
  schemaVersion: 2,
  metadata,
};
const stored = (overrides: Partial<JSONRecordedEvent> = {}, position?: Position): JSONRecordedEvent => ({
  streamId: 't_0b5c7a361c4e4f4e9a576c1b8f0d2e11.order-1',
  id: newEvent.eventId,
  isJson: true,
  revision: 4n,
  type: 'OrderPlaced',
  created: new Date('2026-01-02T03:04:06.000Z'),
  data: { orderId: 'o-1' },
  metadata: { ...metadata, schemaVersion: 2, $correlationId: 'x', $causationId: 'y' },
  position: position ?? { commit: 8_192n, prepare: 8_192n },
  ...overrides,
});

describe('toEventData', () => {
  it('writes a JSON event with the id, type and data', () => {
    expect(toEventData(newEvent, 0)).toMatchObject({
      id: newEvent.eventId,
      contentType: 'application/json',
      type: 'OrderPlaced',
      data: newEvent.data,
    });
  });

  it("stores the schema version and KurrentDB's $correlationId / $causationId in the metadata", () => {
    expect(toEventData(newEvent, 0).metadata).toEqual({
      ...metadata,
      schemaVersion: 2,
      $correlationId: metadata.correlationId,
      $causationId: metadata.causationId,
    });
  });

  it.each([null, 'text', 12.5, true, [], [{ a: [] }]])('accepts the JSON value %j as data', (data) => {
    expect(toEventData({ ...newEvent, data }, 0).data).toEqual(data);
  });

  it('refuses data and metadata that are not JSON, naming the event', () => {
    expect(() => toEventData({ ...newEvent, data: undefined }, 3)).toThrow(/events\[3\]\.data/);
    expect(() => toEventData({ ...newEvent, data: 10n }, 1)).toThrow(TypeError);
    const looped: Record<string, unknown> = {};
    looped.self = looped;
    expect(() => toEventData({ ...newEvent, data: looped }, 0)).toThrow(TypeError);
    expect(() => toEventData({ ...newEvent, metadata: { ...metadata, extra: 1n } as never }, 2)).toThrow(
      /events\[2\]\.metadata/,
    );
  });

  it('refuses metadata that sets the keys the store writes', () => {
    for (const key of ['schemaVersion', '$correlationId', '$causationId']) {
      expect(() => toEventData({ ...newEvent, metadata: { ...metadata, [key]: 1 } }, 0)).toThrow(
        `must not set ${key}`,
      );
    }
  });
});

describe('toRecordedEvent', () => {
  const stream = { tenantId, streamName: 'order-1' };

  it("maps a stored event to the port's recorded event", () => {
    expect(toRecordedEvent(stored(), stream)).toEqual({
      eventId: newEvent.eventId,
      type: 'OrderPlaced',
      data: { orderId: 'o-1' },
      schemaVersion: 2,
      metadata,
      tenantId,
      streamName: 'order-1',
      streamVersion: 5,
      globalPosition: 8_192,
      recordedAt: '2026-01-02T03:04:06.000Z',
    });
  });

  it('round-trips a new event through the stored form', () => {
    const { data, metadata: storedMetadata } = toEventData(newEvent, 0);
    if (data instanceof Uint8Array) throw new Error('a JSON event was expected');
    const recorded = toRecordedEvent(stored({ data, metadata: storedMetadata }), stream);
    const { eventId, type, schemaVersion } = recorded;
    expect({ eventId, type, data: recorded.data, schemaVersion, metadata: recorded.metadata }).toEqual(
      newEvent,
    );
  });

  it('refuses binary events and events without a known position', () => {
    const binary = { ...stored(), isJson: false, data: new Uint8Array() } as never;
    expect(() => toRecordedEvent(binary, stream)).toThrow(/not a JSON event/);
    expect(() => toRecordedEvent(stored({ position: undefined }), stream)).toThrow(/global position/);
  });
});

describe('fromStoredMetadata', () => {
  it('keeps extra keys a producer added, and drops the ones the store added', () => {
    expect(
      fromStoredMetadata({ ...metadata, schemaVersion: 1, $correlationId: 'c', region: 'eu' }, 'e'),
    ).toEqual({
      schemaVersion: 1,
      metadata: { ...metadata, region: 'eu' },
    });
  });

  it.each([
    ['no metadata', undefined],
    ['binary metadata', new Uint8Array([1])],
    ['an array', []],
    ['no schema version', { ...metadata }],
    ['a schema version of 0', { ...metadata, schemaVersion: 0 }],
    ['no actor', { ...metadata, actor: undefined, schemaVersion: 1 }],
    ['a numeric traceparent', { ...metadata, traceparent: 1, schemaVersion: 1 }],
  ])('refuses %s', (_what, value) => {
    expect(() => fromStoredMetadata(value, 'event e')).toThrow(/event e/);
  });
});
