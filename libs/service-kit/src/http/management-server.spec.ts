import { counter } from '@platform/observability';
import { Readiness } from '../health/readiness';
import { managementPortOf } from '../main';
import { buildManagementServer } from './management-server';

describe('the management server', () => {
  const readiness = new Readiness();
  let databaseUp = true;
  readiness.register('database', async () => {
    if (!databaseUp) throw new Error('connection refused');
  });
  const server = buildManagementServer(readiness);

  afterAll(() => server.close());

  it('serves /metrics as Prometheus text', async () => {
    counter('management_spec_total', 'counted by the spec').inc(3);

    const response = await server.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE management_spec_total counter');
    expect(response.body).toMatch(/^management_spec_total 3$/m);
  });

  it('answers the health probes as the service port does', async () => {
    expect((await server.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    databaseUp = true;
    const ready = await server.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { database: 'up' } });

    databaseUp = false;
    const down = await server.inject({ method: 'GET', url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({ status: 503, checks: { database: 'down: connection refused' } });
  });

  it.each(['/', '/v1/orders', '/metrics/x'])('answers %s with a 404 problem', async (url) => {
    const response = await server.inject({ method: 'GET', url });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 404, type: 'https://tenantflow.dev/problems/not-found' });
  });
});

describe('managementPortOf', () => {
  it('is MANAGEMENT_PORT, or the service port + 100', () => {
    expect(managementPortOf(8080, 9464)).toBe(9464);
    expect(managementPortOf(8080, undefined)).toBe(8180);
    expect(managementPortOf(8085, undefined)).toBe(8185);
  });

  it('refuses the service port itself, and a default past 65535', () => {
    expect(() => managementPortOf(8080, 8080)).toThrow(/must differ from the service port/);
    expect(() => managementPortOf(65_500, undefined)).toThrow(/past 65535/);
  });
});
