import { decodeCloudEventHeaders, encodeCloudEventHeaders, type CloudEventAttributes } from './cloudevents';

const attributes: CloudEventAttributes = {
  id: '5b0c7f8e-2f4b-4a55-9a3e-0c1f7b0d9a11',
  type: 'orders.OrderCreated',
  source: '/command-service',
  time: '2026-11-22T10:00:00.000Z',
  subject: '0b6f1d2e-8d1c-4a0e-b6a4-6f0f5b3c2d1a',
  tenantId: '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  sequence: 3,
  position: 1042,
  dataSchemaVersion: 1,
  actor: 'user-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

describe('CloudEvents Kafka header codec', () => {
  it('round-trips every attribute through string headers', () => {
    const headers = encodeCloudEventHeaders(attributes);
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      'content-type': 'application/json',
      ce_sequence: '3',
    });
    expect(decodeCloudEventHeaders(headers)).toEqual({ ok: true, attributes });
  });

  it('round-trips through Buffer headers as kafkajs delivers them', () => {
    const raw = Object.fromEntries(
      Object.entries(encodeCloudEventHeaders(attributes)).map(([k, v]) => [k, Buffer.from(v)]),
    );
    expect(decodeCloudEventHeaders(raw)).toEqual({ ok: true, attributes });
  });

  it('rejects a message without a tenant', () => {
    const { ce_tenantid: _dropped, ...headers } = encodeCloudEventHeaders(attributes);
    expect(decodeCloudEventHeaders(headers)).toEqual({
      ok: false,
      problems: [{ header: 'ce_tenantid', message: 'missing' }],
    });
  });

  it('rejects a tenant that is not a UUID', () => {
    const headers = { ...encodeCloudEventHeaders(attributes), ce_tenantid: 'acme' };
    const result = decodeCloudEventHeaders(headers);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toContainEqual({ header: 'ce_tenantid', message: 'not a UUID' });
  });

  it('rejects an attribute repeated with two values (which tenant would it be?), not one repeated alike', () => {
    const headers = encodeCloudEventHeaders(attributes);
    const other = '11111111-2222-4333-8444-555555555555';
    const twice = decodeCloudEventHeaders({
      ...headers,
      ce_tenantid: [Buffer.from(attributes.tenantId), Buffer.from(other)],
    });
    expect(!twice.ok && twice.problems).toContainEqual({
      header: 'ce_tenantid',
      message: 'repeated with different values',
    });
    const alike = decodeCloudEventHeaders({ ...headers, ce_type: [attributes.type, attributes.type] });
    expect(alike.ok).toBe(true);
  });

  it('leaves optional attributes out when absent', () => {
    const { sequence: _s, position: _p, actor: _a, traceparent: _t, ...minimal } = attributes;
    const headers = encodeCloudEventHeaders(minimal);
    expect(Object.keys(headers)).not.toContain('ce_sequence');
    expect(decodeCloudEventHeaders(headers)).toEqual({ ok: true, attributes: minimal });
  });
});
