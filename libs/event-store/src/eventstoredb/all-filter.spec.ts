import { EVENT_TYPE, STREAM_NAME, type Position } from '@kurrent/kurrentdb-client';
import type { GlobalEvent } from '../event-store.port';
import { toCheckedAllFilter } from '../global-log/all-filter';
import { toAllReadPlan, type LogEntry } from './all-filter';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
const hex = '0b5c7a361c4e4f4e9a576c1b8f0d2e11';

const entry = (
  overrides: Partial<GlobalEvent> = {},
  position: Position = { commit: 500n, prepare: 500n },
): LogEntry => ({
  position,
  event: {
    eventId: 'e',
    type: 'OrderPlaced',
    data: {},
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: 'c',
      causationId: 'c',
      actor: 'a',
      occurredAt: '2026-01-01T00:00:00Z',
    },
    tenantId,
    streamName: 'order-1',
    streamVersion: 1,
    globalPosition: Number(position.commit),
    recordedAt: '2026-03-01T10:00:00.000Z',
    checkpoint: `esdb:${position.commit}:${position.prepare}`,
    ...overrides,
  },
});
const plan = (filter: Parameters<typeof toCheckedAllFilter>[0], hiddenUpTo?: Position) =>
  toAllReadPlan(toCheckedAllFilter(filter), hiddenUpTo);

describe('toAllReadPlan', () => {
  it("sends a tenant filter to the server as the tenant's stream prefix", () => {
    expect(plan({ tenantId: tenantId.toUpperCase(), types: ['OrderPlaced'] }).server).toMatchObject({
      filterOn: STREAM_NAME,
      prefixes: [`t_${hex}.`],
    });
  });

  it('sends types to the server as event-type prefixes when there is no tenant', () => {
    expect(plan({ types: ['OrderPlaced', 'OrderPaid'] }).server).toMatchObject({
      filterOn: EVENT_TYPE,
      prefixes: ['OrderPlaced', 'OrderPaid'],
    });
  });

  it('reads only tenant streams when there is no filter', () => {
    expect(plan({}).server).toMatchObject({ filterOn: STREAM_NAME, prefixes: ['t_'] });
  });

  it('checks types exactly on the client (the server matched prefixes)', () => {
    const { accepts } = plan({ types: ['OrderPlaced'] });
    expect(accepts(entry({ type: 'OrderPlaced' }))).toBe(true);
    expect(accepts(entry({ type: 'OrderPlacedV2' }))).toBe(false);
  });

  it('checks the tenant again on the client', () => {
    const { accepts } = plan({ tenantId });
    expect(accepts(entry())).toBe(true);
    expect(accepts(entry({ tenantId: '1b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11' }))).toBe(false);
  });

  it('keeps events recorded at or after since, on the client', () => {
    const { accepts } = plan({ since: '2026-03-01T10:00:00Z' });
    expect(accepts(entry({ recordedAt: '2026-03-01T10:00:00.000Z' }))).toBe(true);
    expect(accepts(entry({ recordedAt: '2026-03-01T09:59:59.999Z' }))).toBe(false);
    expect(plan({ since: '2026-03-01T11:00:00+01:00' }).accepts(entry())).toBe(true);
  });

  it('hides what a purge deleted: events at or before the purge position', () => {
    const { accepts } = plan({ tenantId }, { commit: 500n, prepare: 500n });
    expect(accepts(entry({}, { commit: 499n, prepare: 499n }))).toBe(false);
    expect(accepts(entry({}, { commit: 500n, prepare: 500n }))).toBe(false);
    expect(accepts(entry({}, { commit: 501n, prepare: 501n }))).toBe(true);
  });
});
