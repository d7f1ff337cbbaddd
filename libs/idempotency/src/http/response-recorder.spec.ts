import { Readable } from 'node:stream';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../idempotency-store';
import { isKeptStatus, recordResponse, storedResponseOf } from './response-recorder';

class RecordingStore implements IdempotencyStore {
  readonly completed: StoredResponse[] = [];
  released = 0;
  completeAnswer: boolean | Error = true;

  async claim(): Promise<never> {
    throw new Error('not used');
  }
  async complete(_claim: IdempotencyClaim, response: StoredResponse): Promise<boolean> {
    if (this.completeAnswer instanceof Error) throw this.completeAnswer;
    this.completed.push(response);
    return this.completeAnswer;
  }
  async release(): Promise<void> {
    this.released++;
  }
  async purgeTenant(): Promise<number> {
    return 0;
  }
  async deleteExpired(): Promise<number> {
    return 0;
  }
}

const claim: IdempotencyClaim = {
  request: {
    scope: { kind: 'tenant', tenantId: 'aaaaaaaa-0000-4000-8000-000000000001' },
    method: 'POST',
    path: '/v1/orders',
    key: 'k',
    fingerprint: 'f',
  },
  token: 't',
};

const headers = {
  'content-type': 'application/json; charset=utf-8',
  location: '/v1/orders/o-1',
  etag: '"1"',
  'content-length': 17,
  ratelimit: '"enterprise";r=999;t=2',
  'ratelimit-policy': '"enterprise";q=1000;w=2',
  'x-trace-id': 'trace-1',
  'retry-after': '1',
};

describe('isKeptStatus', () => {
  it.each([200, 201, 202, 204, 400, 403, 404, 409, 412, 422])('keeps %i', (status) => {
    expect(isKeptStatus(status)).toBe(true);
  });
  it.each([429, 500, 502, 503, 504])('gives the key back on %i', (status) => {
    expect(isKeptStatus(status)).toBe(false);
  });
});

describe('storedResponseOf', () => {
  it('keeps status, body and only content-type, location and etag', () => {
    expect(storedResponseOf({ status: 201, headers, payload: '{"orderId":"o-1"}' })).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/orders/o-1', etag: '"1"' },
      body: '{"orderId":"o-1"}',
    });
  });

  it('reads a Buffer as UTF-8 and no payload as an empty body', () => {
    expect(storedResponseOf({ status: 200, headers: {}, payload: Buffer.from('{"a":"ü"}') })?.body).toBe(
      '{"a":"ü"}',
    );
    expect(storedResponseOf({ status: 204, headers: {}, payload: undefined })?.body).toBe('');
    expect(storedResponseOf({ status: 204, headers: {}, payload: null })?.body).toBe('');
  });

  it('cannot keep a stream', () => {
    expect(storedResponseOf({ status: 200, headers: {}, payload: Readable.from(['x']) })).toBeUndefined();
  });
});

describe('recordResponse', () => {
  it('keeps a 2xx answer', async () => {
    const store = new RecordingStore();
    expect(await recordResponse(store, claim, { status: 201, headers, payload: '{}' })).toBe('kept');
    expect(store.completed).toHaveLength(1);
    expect(store.released).toBe(0);
  });

  it('keeps a 4xx problem', async () => {
    const store = new RecordingStore();
    const problem = { 'content-type': 'application/problem+json' };
    expect(await recordResponse(store, claim, { status: 409, headers: problem, payload: '{}' })).toBe('kept');
    expect(store.completed.map((r) => r.status)).toEqual([409]);
  });

  it.each([500, 503, 504, 429])('releases the key on %i', async (status) => {
    const store = new RecordingStore();
    expect(await recordResponse(store, claim, { status, headers, payload: '{}' })).toBe('released');
    expect(store.completed).toEqual([]);
    expect(store.released).toBe(1);
  });

  it('releases the key when the answer cannot be kept (a stream)', async () => {
    const store = new RecordingStore();
    const payload = Readable.from(['x']);
    expect(await recordResponse(store, claim, { status: 200, headers, payload })).toBe('released');
    expect(store.released).toBe(1);
  });

  it('reports a claim taken over meanwhile', async () => {
    const store = new RecordingStore();
    store.completeAnswer = false;
    const warnings: string[] = [];
    const logger = { warn: (_obj: object, message: string) => warnings.push(message) };
    expect(await recordResponse(store, claim, { status: 201, headers, payload: '{}' }, logger)).toBe(
      'failed',
    );
    expect(warnings).toEqual(['idempotency: the claim was taken over; answer not kept']);
  });

  it('never throws: when keeping fails it releases the key and warns', async () => {
    const store = new RecordingStore();
    store.completeAnswer = new Error('connection lost');
    const warnings: string[] = [];
    const logger = { warn: (_obj: object, message: string) => warnings.push(message) };
    expect(await recordResponse(store, claim, { status: 201, headers, payload: '{}' }, logger)).toBe(
      'failed',
    );
    expect(store.released).toBe(1);
    expect(warnings).toEqual(['idempotency: could not record the answer']);
  });
});
