import { webhookBody } from './payload';

describe('webhookBody', () => {
  it('is the JSON of type, timestamp, data, sequence, tenantId and eventId, in that order', () => {
    const body = webhookBody({
      type: 'tenant.suspended',
      timestamp: '2026-03-01T10:00:00.000Z',
      data: { reason: 'unpaid' },
      sequence: 7,
      tenantId: '6f1c2b8e-0a4d-4b7a-9a57-5a8e0c1d2e3f',
      eventId: 'e-1',
    });

    expect(body).toBe(
      '{"type":"tenant.suspended","timestamp":"2026-03-01T10:00:00.000Z","data":{"reason":"unpaid"},' +
        '"sequence":7,"tenantId":"6f1c2b8e-0a4d-4b7a-9a57-5a8e0c1d2e3f","eventId":"e-1"}',
    );
  });
});
