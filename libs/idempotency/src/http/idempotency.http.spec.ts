import 'reflect-metadata';
import {
  Body,
  Catch,
  Controller,
  HttpCode,
  Injectable,
  Module,
  Post,
  Res,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { ProblemError, ProblemTypes, problemTypeUri } from '@platform/contracts';
import type { IdentifiedRequest } from '@platform/tenancy';
import { IDEMPOTENCY_STORE } from '../idempotency-store';
import { InMemoryIdempotencyStore } from '../testing/in-memory-idempotency-store';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { PendingClaims } from './pending-claims';
import { IDEMPOTENCY_LOGGER, IdempotencyResponseRecorder } from './response-recorder';

// The interceptor and the response recorder in a real Nest application on fastify, with the store in
// memory: what a gateway route answers, for routes that return a value, routes that send their reply
// themselves (the control-plane pass-through), and errors sent by the problem filter.

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

/** Stands for TenantGuard: the tenant comes from a header, as after authentication. */
@Injectable()
class TestGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const tenantId = request.headers['x-test-tenant'];
    const claims = { sub: 'alice', tenants: [], roles: ['member'] };
    request.identity =
      typeof tenantId === 'string'
        ? {
            claims,
            tenant: { tenantId, actor: 'alice', roles: ['member'], correlationId: 'c', causationId: 'r' },
          }
        : { claims };
    return true;
  }
}

/** Stands for the service kit's ProblemFilter. */
@Catch()
class TestProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const kind = error instanceof ProblemError ? error.kind : 'internal';
    const { status } = ProblemTypes[kind];
    void reply
      .status(status)
      .headers(error instanceof ProblemError ? (error.headers ?? {}) : {})
      .header('content-type', 'application/problem+json')
      .send(JSON.stringify({ type: problemTypeUri(kind), status }));
  }
}

/** Every handler counts its executions; `gate` holds a request (once in the handler) until opened. */
const runs = { create: 0, forward: 0, broken: 0, refused: 0 };
let gate: Promise<void> = Promise.resolve();
let arrived: () => void = () => undefined;

@Controller()
class TestController {
  @Post('things')
  @HttpCode(201)
  async create(
    @Body() body: { name?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    arrived();
    await gate;
    runs.create++;
    void reply.header('location', `/things/${runs.create}`).header('etag', '"1"');
    void reply.header('ratelimit', `"test";r=${100 - runs.create};t=1`);
    return { id: runs.create, name: body.name };
  }

  @Post('forwarded')
  async forward(@Res() reply: FastifyReply): Promise<void> {
    runs.forward++;
    await reply
      .status(202)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ forwarded: runs.forward }));
  }

  @Post('broken')
  broken(): never {
    runs.broken++;
    throw new ProblemError('unavailable', 'a dependency is down');
  }

  @Post('refused')
  refused(): never {
    runs.refused++;
    throw new ProblemError('conflict', 'the order is empty');
  }
}

const store = new InMemoryIdempotencyStore();

@Module({
  controllers: [TestController],
  providers: [
    { provide: APP_GUARD, useClass: TestGuard },
    { provide: IDEMPOTENCY_STORE, useValue: store },
    { provide: IDEMPOTENCY_LOGGER, useValue: { warn: () => undefined } },
    PendingClaims,
    IdempotencyResponseRecorder,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
class TestModule {}

describe('Idempotency-Key in a Nest application on fastify', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new TestProblemFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  let keys = 0;
  const newKey = (): string => `key-${++keys}`;
  const post = (url: string, options: { key?: string; tenant?: string; body?: object } = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        ...(options.key !== undefined && { 'idempotency-key': options.key }),
        'x-test-tenant': options.tenant ?? A,
      },
      payload: JSON.stringify(options.body ?? {}),
    });

  it('replays the first answer of a returned value: status, body, location, etag, and says so', async () => {
    const key = newKey();
    const before = runs.create;
    const first = await post('/things', { key, body: { name: 'n', size: 1 } });
    const again = await post('/things', { key, body: { size: 1, name: 'n' } });

    expect(runs.create).toBe(before + 1);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers).toMatchObject({
      'content-type': first.headers['content-type'],
      location: first.headers.location,
      etag: '"1"',
      'idempotent-replayed': 'true',
    });
    // not a stored copy of the first answer's rate-limit header
    expect(again.headers.ratelimit).toBeUndefined();
  });

  it('replays an answer the handler sent itself (the forwarded control plane)', async () => {
    const key = newKey();
    const before = runs.forward;
    const first = await post('/forwarded', { key });
    const again = await post('/forwarded', { key });
    expect(runs.forward).toBe(before + 1);
    expect(first.statusCode).toBe(202);
    expect([again.statusCode, again.body, again.headers['idempotent-replayed']]).toEqual([
      202,
      first.body,
      'true',
    ]);
  });

  it('keeps a 4xx problem as the answer to the key', async () => {
    const key = newKey();
    const before = runs.refused;
    const first = await post('/refused', { key });
    const again = await post('/refused', { key });
    expect(runs.refused).toBe(before + 1);
    expect(first.statusCode).toBe(409);
    expect([again.statusCode, again.body, again.headers['content-type']]).toEqual([
      409,
      first.body,
      first.headers['content-type'],
    ]);
    expect(first.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('does not keep a 5xx: a retry with the key runs again', async () => {
    const key = newKey();
    const before = runs.broken;
    expect((await post('/broken', { key })).statusCode).toBe(503);
    expect((await post('/broken', { key })).statusCode).toBe(503);
    expect(runs.broken).toBe(before + 2);
  });

  it('answers the key with another body with a 422 problem, and runs nothing', async () => {
    const key = newKey();
    await post('/things', { key, body: { name: 'one' } });
    const before = runs.create;
    const other = await post('/things', { key, body: { name: 'two' } });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ type: problemTypeUri('unprocessable') });
    expect(runs.create).toBe(before);
  });

  it("runs another tenant's request with the same key as its own", async () => {
    const key = newKey();
    const mine = await post('/things', { key, tenant: A });
    const theirs = await post('/things', { key, tenant: B });
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json<{ id: number }>().id).toBe(mine.json<{ id: number }>().id + 1);
  });

  it('answers a repeat while the first runs with a 409 and Retry-After: 1, then replays', async () => {
    const key = newKey();
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    const first = post('/things', { key });
    // The first one runs, so it holds the key, when the repeat comes.
    await inHandler;
    arrived = () => undefined;
    const repeat = await post('/things', { key });
    open();
    gate = Promise.resolve();
    expect(repeat.statusCode).toBe(409);
    expect(repeat.headers['retry-after']).toBe('1');
    expect((await first).statusCode).toBe(201);
    const after = await post('/things', { key });
    expect([after.statusCode, after.body]).toEqual([201, (await first).body]);
  });

  it('leaves requests without a key alone, and refuses a malformed key with a 400', async () => {
    const before = runs.create;
    await post('/things');
    await post('/things');
    expect(runs.create).toBe(before + 2);
    expect((await post('/things', { key: 'bad\u0001key' })).statusCode).toBe(400);
    expect(runs.create).toBe(before + 2);
  });
});
