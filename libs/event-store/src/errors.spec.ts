import { DuplicateEventIdError, WrongExpectedVersionError } from './errors';

describe('WrongExpectedVersionError', () => {
  const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';

  it('carries the stream, the expected and the actual version', () => {
    const error = new WrongExpectedVersionError(tenantId, 'order-1', 3, 5);

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ name: 'WrongExpectedVersionError', tenantId, streamName: 'order-1' });
    expect([error.expected, error.actual]).toEqual([3, 5]);
  });

  it('names the expected and actual versions in its message', () => {
    expect(new WrongExpectedVersionError(tenantId, 'order-1', 3, 5).message).toBe(
      `Wrong expected version for stream "order-1" of tenant ${tenantId}: expected 3, actual 5`,
    );
    expect(new WrongExpectedVersionError(tenantId, 'order-1', 'stream-exists', 0).message).toContain(
      'expected stream-exists, actual 0 (no stream)',
    );
  });
});

describe('DuplicateEventIdError', () => {
  it('names the stream and the ids of the refused batch', () => {
    const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
    const error = new DuplicateEventIdError(tenantId, 'order-1', ['e1', 'e2']);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'DuplicateEventIdError', tenantId, streamName: 'order-1' });
    expect(error.eventIds).toEqual(['e1', 'e2']);
    expect(error.message).toContain('e1, e2');
  });
});
