import { randomUUID } from 'node:crypto';
import { WrongExpectedVersionError } from '../../errors';
import type { EventStore, ExpectedVersion, NewEvent, RecordedEvent } from '../../event-store.port';

// Data builders and assertions shared by the contract sections. Every test uses fresh tenants and
// stream names, so sections never see each other's data.

/** A fresh stream of `count` events appended with 'no-stream'. */
export async function givenStream(
  store: EventStore,
  count: number,
  tenantId: string = randomUUID(),
  stream = newStreamName(),
): Promise<{ tenantId: string; stream: string }> {
  await store.appendToStream(tenantId, stream, newEvents(tenantId, count), { expectedVersion: 'no-stream' });
  return { tenantId, stream };
}

export const newStreamName = (): string => `contract-${randomUUID()}`;

export function newEvent(tenantId: string, data: unknown): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'ContractTested',
    data,
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'user:contract-test',
      occurredAt: '2026-01-02T03:04:05.678Z',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    },
  };
}

export const newEvents = (tenantId: string, count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => newEvent(tenantId, { i }));

/** The fields of a recorded event that the producer chose. */
export const withoutStoreFields = ({
  eventId,
  type,
  data,
  schemaVersion,
  metadata,
}: RecordedEvent): NewEvent => ({
  eventId,
  type,
  data,
  schemaVersion,
  metadata,
});

export const rejections = (outcomes: PromiseSettledResult<unknown>[]): unknown[] =>
  outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));

export const versionsOf = async (store: EventStore, tenantId: string, stream: string): Promise<number[]> =>
  (await store.readStream(tenantId, stream)).map((e) => e.streamVersion);

export async function appendError(
  store: EventStore,
  tenantId: string,
  stream: string,
  expectedVersion: ExpectedVersion,
): Promise<WrongExpectedVersionError> {
  try {
    await store.appendToStream(tenantId, stream, newEvents(tenantId, 1), { expectedVersion });
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return error;
    throw error;
  }
  throw new Error(`expected the append with expectedVersion ${String(expectedVersion)} to be refused`);
}

export function expectWrongVersion(
  error: WrongExpectedVersionError,
  want: { tenantId: string; stream: string; expected: ExpectedVersion; actual: number },
): void {
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  expect({
    tenantId: error.tenantId,
    stream: error.streamName,
    expected: error.expected,
    actual: error.actual,
  }).toEqual(want);
}

export function expectIncreasing(values: number[]): void {
  values.slice(1).forEach((value, i) => expect(value).toBeGreaterThan(values[i] ?? Number.POSITIVE_INFINITY));
}

/** `event` with another type. */
export const ofType = (type: string, event: NewEvent): NewEvent => ({ ...event, type });

/** Everything an async iterable yields. Calls `source` inside, so a synchronous throw rejects too. */
export async function collect<T>(source: () => AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source()) items.push(item);
  return items;
}

export const idsOf = (events: readonly { eventId: string }[]): string[] => events.map((e) => e.eventId);
