import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { encodeCloudEventHeaders } from '@platform/contracts';
import { decodeMessage } from './decode-message';

const headers = encodeCloudEventHeaders({
  id: randomUUID(),
  type: 'OrderCreated',
  source: 'test',
  time: '2026-12-03T00:00:00.000Z',
  subject: randomUUID(),
  tenantId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  sequence: 1,
  dataSchemaVersion: 1,
});

const message = (value: Buffer | null): KafkaMessage => ({
  key: Buffer.from('k'),
  value,
  headers,
  offset: '7',
  timestamp: '0',
  attributes: 0,
});

const reasonOf = (value: Buffer | null) => {
  const decoding = decodeMessage('t', 0, message(value));
  return decoding.ok ? 'ok' : `${decoding.reason}: ${decoding.why}`;
};

describe('decodeMessage', () => {
  it('decodes a JSON value with valid headers', () => {
    expect(reasonOf(Buffer.from('{"orderId":"x"}'))).toBe('ok');
    expect(reasonOf(null)).toBe('ok');
  });

  it('dead-letters a value that is not JSON', () => {
    expect(reasonOf(Buffer.from('{"trunc'))).toBe('invalid-payload: value is not JSON');
  });

  it('dead-letters a value that is not UTF-8 instead of decoding it to U+FFFD', () => {
    expect(reasonOf(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toMatch(
      /^invalid-payload: .*UTF-8/,
    );
  });

  it('dead-letters nesting no handler can re-serialise, and U+0000', () => {
    expect(reasonOf(Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`))).toMatch(
      /^invalid-payload: .*deeper/,
    );
    expect(reasonOf(Buffer.from('{"a":"\\u0000"}'))).toMatch(/^invalid-payload: .*U\+0000/);
  });
});
