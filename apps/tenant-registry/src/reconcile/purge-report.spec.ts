import { addToReport, summaryOf } from './purge-report';

describe('purge report', () => {
  it('adds the counts of a retried step to what the first attempt recorded', () => {
    const first = addToReport({}, { events: 12, streams: 3 });
    const retried = addToReport(first, { events: 0, streams: 0 });
    expect(retried).toEqual({ events: 12, streams: 3 });
  });

  it('keeps the latest description and leaves absent counts out', () => {
    const report = addToReport({ storage: 'schema a' }, { storage: 'schema b', readModels: 1 });
    expect(report).toEqual({ storage: 'schema b', readModels: 1 });
  });

  it('keeps the audit purge sequence once recorded', () => {
    expect(addToReport({ auditPurgeSequence: 7, events: 1 }, { deadLetters: 2 })).toEqual({
      auditPurgeSequence: 7,
      events: 1,
      deadLetters: 2,
    });
  });

  it('is what TenantDeleted records', () => {
    expect(summaryOf({ events: 5, readModels: 1, deadLetters: 2, apiKeysRevoked: 3 })).toEqual({
      events: 5,
      readModels: 1,
      checkpoints: 0,
      deadLetters: 2,
      idempotencyRecords: 0,
    });
    expect(summaryOf({ events: 1, idempotencyRecords: 4, quotaCounters: 2 })).toMatchObject({
      events: 1,
      idempotencyRecords: 4,
    });
    expect(summaryOf({})).toEqual({
      events: 0,
      readModels: 0,
      checkpoints: 0,
      deadLetters: 0,
      idempotencyRecords: 0,
    });
  });
});
