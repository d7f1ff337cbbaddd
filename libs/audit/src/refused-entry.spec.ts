import { refusedEntry } from './refused-entry';

describe('refusedEntry', () => {
  it('records a refused command as <action>.refused, the subject unchanged and why', () => {
    const entry = refusedEntry(
      {
        actor: 'user:alice',
        requestId: 'req-1',
        correlationId: 'corr-1',
        occurredAt: '2026-01-01T00:00:00.000Z',
      },
      'tenant.resume',
      'tenant/t-1',
      { tenant: { status: 'draft', version: 1 } },
      { kind: 'conflict', code: 'invalid-transition', detail: 'a draft tenant cannot be resumed' },
    );

    const unchanged = {
      tenant: { status: 'draft', version: 1 },
      refusal: { kind: 'conflict', code: 'invalid-transition', detail: 'a draft tenant cannot be resumed' },
    };
    expect(entry).toEqual({
      actor: 'user:alice',
      requestId: 'req-1',
      correlationId: 'corr-1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      action: 'tenant.resume.refused',
      target: 'tenant/t-1',
      previousState: unchanged,
      newState: unchanged,
    });
  });

  it('keeps only kind, code and detail of the refusal (no headers, no field errors)', () => {
    const refusal = {
      kind: 'tooManyRequests',
      code: 'quota-exceeded',
      detail: 'd',
      headers: { 'retry-after': '9' },
    };
    const entry = refusedEntry(
      { actor: 'a', requestId: 'r', correlationId: 'c' },
      'order.create',
      'order/o',
      {},
      refusal,
    );

    expect(entry.newState).toEqual({
      refusal: { kind: 'tooManyRequests', code: 'quota-exceeded', detail: 'd' },
    });
  });
});
