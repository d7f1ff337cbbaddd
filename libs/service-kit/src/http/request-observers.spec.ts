import { Controller, Get, HttpCode, Module, Param, Post, Req } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { ProblemError } from '@platform/contracts';
import { configureTenantLabels, metricsRegistry, type Logger } from '@platform/observability';
import type { IdentifiedRequest } from '@platform/tenancy';
import { createHttpApplication } from '../bootstrap';
import { outcomeOf } from './request-observers';

type Line = Record<string, unknown>;

const asTenant = (request: IdentifiedRequest, tenantId: string): void => {
  request.identity = {
    claims: { sub: 'user-1', tenants: [tenantId], roles: ['member'] },
    tenant: { tenantId, correlationId: 'c-1', actor: 'user-1' },
  } as unknown as IdentifiedRequest['identity'];
};

@Controller()
class ProbeController {
  @Get('/v1/things/:id')
  read(@Param('id') id: string, @Req() request: IdentifiedRequest): { id: string } {
    asTenant(request, 'tenant-a');
    return { id };
  }

  @Post('/v1/things')
  @HttpCode(201)
  write(@Req() request: IdentifiedRequest): { ok: true } {
    asTenant(request, 'tenant-b');
    return { ok: true };
  }

  @Get('/v1/broken')
  broken(): never {
    throw new Error('the disk is on fire');
  }

  @Get('/v1/away')
  away(): never {
    throw new ProblemError('unavailable', 'kafka is away');
  }

  @Get('/health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('the access log and the request metrics', () => {
  const lines: Line[] = [];
  const logger: Logger = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  let app: NestFastifyApplication;

  beforeAll(async () => {
    configureTenantLabels({ top: 1 });
    app = await createHttpApplication(ProbeModule, logger, { edge: true });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const inject = (method: 'GET' | 'POST', url: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, ...(method === 'POST' && { payload: {} }) });
  const requestLines = (): Line[] => lines.filter((line) => line.msg === 'request');

  beforeEach(() => {
    lines.length = 0;
  });

  it('writes one JSON line per request: method, route, status, latency, tenant, trace id', async () => {
    const response = await inject('GET', '/v1/things/42?x=1');

    expect(response.statusCode).toBe(200);
    const [line, ...more] = requestLines();
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/v1/things/:id',
      url: '/v1/things/42?x=1',
      status: 200,
      tenantId: 'tenant-a',
      traceId: response.headers['x-trace-id'],
    });
    expect(typeof line?.ms).toBe('number');
    expect(line?.err).toBeUndefined();
  });

  it('logs every 5xx at error level with the error that caused it', async () => {
    expect((await inject('GET', '/v1/broken')).statusCode).toBe(500);
    expect((await inject('GET', '/v1/away')).statusCode).toBe(503);

    const [broken, away] = requestLines();
    expect(broken).toMatchObject({ level: 'error', status: 500, route: '/v1/broken' });
    expect(broken?.err).toMatchObject({ type: 'Error', message: 'the disk is on fire' });
    expect(away).toMatchObject({ level: 'error', status: 503 });
    expect(away?.err).toMatchObject({ message: 'unavailable: kafka is away' });
  });

  it('logs health and metrics requests at debug, everything else at info or above', async () => {
    await inject('GET', '/health/live');
    await inject('GET', '/v1/nowhere');

    const [health, unknown] = requestLines();
    expect(health).toMatchObject({ level: 'debug', route: '/health/live', status: 200 });
    expect(unknown).toMatchObject({ level: 'info', route: 'unmatched', status: 404 });
  });

  it('counts tenant commands and queries at the edge, the tenants past the top as other', async () => {
    const series = async (name: string): Promise<{ labels: Record<string, unknown>; value: number }[]> =>
      ((await metricsRegistry.getSingleMetric(name)?.get())?.values ?? []).map((v) => ({
        labels: v.labels,
        value: v.value,
      }));

    await inject('GET', '/v1/things/1');
    await inject('POST', '/v1/things');

    expect(await series('gateway_queries_total')).toContainEqual({
      labels: { tenant: 'tenant-a', route: '/v1/things/:id', outcome: 'ok' },
      value: expect.any(Number) as number,
    });
    // top 1: tenant-a took the only place, so tenant-b is folded into other
    expect(await series('gateway_commands_total')).toEqual([
      { labels: { tenant: 'other', route: '/v1/things', outcome: 'ok' }, value: 1 },
    ]);
    const seconds = await series('gateway_command_duration_seconds');
    expect(seconds).toContainEqual(
      expect.objectContaining({
        labels: expect.objectContaining({ tenant: 'other', outcome: 'ok' }) as object,
      }),
    );
  });

  it('names the outcome of a status', () => {
    expect([200, 304, 404, 429, 500, 503].map(outcomeOf)).toEqual([
      'ok',
      'ok',
      'rejected',
      'limited',
      'error',
      'error',
    ]);
  });
});
