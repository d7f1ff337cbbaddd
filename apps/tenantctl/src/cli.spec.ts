import type { ApiCall, ApiResult, Connection } from './api-client';
import { runCli, type CliIo } from './cli';

function harness(answer: ApiResult = { status: 200, body: { ok: true } }) {
  const sent: { connection: Connection; call: ApiCall }[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { TENANTFLOW_TOKEN: 'tok', TENANTFLOW_URL: 'http://gw:8080' },
    send: async (connection, call) => {
      sent.push({ connection, call });
      return answer;
    },
  };
  return { io, sent, out, err };
}

describe('tenantctl', () => {
  it.each([
    [['list', '--status', 'active'], { method: 'GET', path: '/v1/tenants?status=active' }],
    [['get', 'acme'], { method: 'GET', path: '/v1/tenants/acme' }],
    [
      ['create', '--slug', 'acme', '--name', 'Acme', '--isolation', 'shared'],
      { method: 'POST', path: '/v1/tenants', body: { slug: 'acme', name: 'Acme', isolation: 'shared' } },
    ],
    [['suspend', 't-1'], { method: 'POST', path: '/v1/tenants/t-1/suspend' }],
    [['resume', 't-1'], { method: 'POST', path: '/v1/tenants/t-1/resume' }],
    [['archive', 't-1'], { method: 'POST', path: '/v1/tenants/t-1/archive' }],
    [['delete', 't-1'], { method: 'DELETE', path: '/v1/tenants/t-1' }],
    [
      ['set-plan', 't-1', 'enterprise'],
      { method: 'PATCH', path: '/v1/tenants/t-1', body: { plan: 'enterprise' } },
    ],
    [
      ['api-keys', 'create', 't-1', '--name', 'ci', '--roles', 'member,viewer'],
      { method: 'POST', path: '/v1/tenants/t-1/api-keys', body: { name: 'ci', roles: ['member', 'viewer'] } },
    ],
    [['api-keys', 'revoke', 't-1', 'k-9'], { method: 'DELETE', path: '/v1/tenants/t-1/api-keys/k-9' }],
    [
      [
        'webhooks',
        'create',
        't-1',
        '--endpoint',
        'https://hooks.example/x',
        '--events',
        'tenants.TenantSuspended',
      ],
      {
        method: 'POST',
        path: '/v1/tenants/t-1/webhooks',
        body: { url: 'https://hooks.example/x', events: ['tenants.TenantSuspended'] },
      },
    ],
    [['webhooks', 'dead-letters', 't-1'], { method: 'GET', path: '/v1/tenants/t-1/webhooks/dead-letters' }],
    [
      ['webhooks', 'requeue', 't-1', 'd-2'],
      { method: 'POST', path: '/v1/tenants/t-1/webhooks/dead-letters/d-2/requeue' },
    ],
    [['audit', 'verify', 't-1'], { method: 'GET', path: '/v1/tenants/t-1/audit' }],
  ])('%j sends %j', async (argv, expected) => {
    const { io, sent } = harness({ status: 200, body: { verification: { valid: true } } });
    expect(await runCli(argv, io)).toBe(0);
    expect(sent).toEqual([{ connection: { url: 'http://gw:8080', token: 'tok' }, call: expected }]);
  });

  it.each([
    [['parked', 'list', '--tenant', 'acme'], { method: 'GET', path: '/v1/admin/parked?tenant=acme' }],
    [['parked', 'show', 't-1', 'o-1'], { method: 'GET', path: '/v1/admin/parked/t-1/o-1' }],
    [['parked', 'replay', 't-1', 'o-1'], { method: 'POST', path: '/v1/admin/parked/t-1/o-1/replay' }],
    [['parked', 'skip', 't-1', 'o-1'], { method: 'POST', path: '/v1/admin/parked/t-1/o-1/skip' }],
    [
      ['dlq', 'list', 'orders.events', '--limit', '5'],
      { method: 'GET', path: '/v1/admin/dlq/orders.events?limit=5' },
    ],
    [
      ['dlq', 'show', 'orders.events', '0', '17'],
      { method: 'GET', path: '/v1/admin/dlq/orders.events/0/17' },
    ],
    [
      ['dlq', 'replay', 'orders.events', '0', '17'],
      { method: 'POST', path: '/v1/admin/dlq/orders.events/0/17/replay' },
    ],
  ])('%j goes to the projection service: %j', async (argv, expected) => {
    const { io, sent } = harness({ status: 200, body: { status: 'unparked' } });
    const env = { ...io.env, TENANTFLOW_PROJECTION_URL: 'http://projection:8082' };
    expect(await runCli(argv, { ...io, env })).toBe(0);
    expect(sent).toEqual([
      {
        connection: { url: 'http://projection:8082', token: 'tok' },
        call: { ...expected, service: 'projection' },
      },
    ]);
  });

  it('starts a rebuild of one tenant on the projection service', async () => {
    const { io, sent } = harness({ status: 202, body: { id: 'j-1', state: 'running' } });
    expect(await runCli(['projections', 'rebuild', 'orders', '--tenant', 'acme'], io)).toBe(0);
    expect(sent.map((s) => s.call)).toEqual([
      {
        method: 'POST',
        path: '/v1/admin/projections/orders/rebuilds',
        body: { tenant: 'acme' },
        service: 'projection',
      },
    ]);
  });

  it('follows a rebuild with --wait until it ends, drawing its progress, and exits by its outcome', async () => {
    const progress = (done: number) => ({ done, total: 10, ratePerSecond: 5, etaSeconds: (10 - done) / 5 });
    for (const [final, code] of [
      ['succeeded', 0],
      ['failed', 1],
    ] as const) {
      const answers: ApiResult[] = [
        { status: 202, body: { id: 'j-1', state: 'running', progress: progress(0) } },
        { status: 200, body: { id: 'j-1', state: 'running', progress: progress(5) } },
        { status: 200, body: { id: 'j-1', state: final, progress: progress(10) } },
      ];
      const { io, sent, out } = harness();
      const lines: string[] = [];
      const followed: CliIo = {
        ...io,
        send: async (c, call) => (sent.push({ connection: c, call }), answers.shift() as ApiResult),
        progress: (l) => lines.push(l),
      };
      expect(await runCli(['projections', 'rebuild', 'orders', '--wait', '--interval', '1'], followed)).toBe(
        code,
      );
      expect(sent.map((s) => `${s.call.method} ${s.call.path}`)).toEqual([
        'POST /v1/admin/projections/orders/rebuilds',
        'GET /v1/admin/rebuilds/j-1',
        'GET /v1/admin/rebuilds/j-1',
      ]);
      expect(lines.map((l) => l.split(']')[1]?.trim().split(' ')[0])).toEqual(['0%', '50%', '100%']);
      expect(JSON.parse(out.join('\n'))).toMatchObject({ state: final });
    }
  });

  it('exits 1 when a replay leaves the aggregate parked', async () => {
    const { io } = harness({ status: 200, body: { status: 'parked', error: 'still failing' } });
    expect(await runCli(['parked', 'replay', 't-1', 'o-1'], io)).toBe(1);
  });

  it('prints a problem to stderr and exits 1', async () => {
    const { io, out, err } = harness({ status: 409, body: { status: 409, title: 'conflict' } });
    expect(await runCli(['resume', 't-1'], io)).toBe(1);
    expect(out).toEqual([]);
    expect(JSON.parse(err.join('\n'))).toEqual({ status: 409, title: 'conflict' });
  });

  it('fails audit verify when the chain is broken', async () => {
    const { io } = harness({
      status: 200,
      body: { verification: { valid: false, firstInvalidSequence: 3 } },
    });
    expect(await runCli(['audit', 'verify', 't-1'], io)).toBe(1);
  });

  it('refuses to run without a token', async () => {
    const { io, sent, err } = harness();
    expect(await runCli(['get', 'acme'], { ...io, env: {} })).toBe(2);
    expect(sent).toEqual([]);
    expect(err.join()).toMatch(/no token/);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const { io } = harness();
    expect(await runCli(['frobnicate'], io)).toBe(2);
  });
});
