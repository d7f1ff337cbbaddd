import { PrivateKafka, eventually, uniqueSuffix } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { startPlatform, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

const COMMAND_TIMEOUT_MS = 10_000;

/**
 * Issue 9: the gateway died when Kafka went away (an unhandled rejection of the reply wait). The
 * whole platform runs on a private broker; the test kills it (SIGKILL) and starts it again. While
 * it is away, commands are 503 with Retry-After well under the command timeout, no process exits,
 * `/health/ready` names Kafka; once it is back, commands succeed without restarting anything.
 */
describe('the platform while its broker is away', () => {
  let kafka: PrivateKafka;
  let platform: Platform;

  beforeAll(async () => {
    kafka = await PrivateKafka.create('e2e-outage');
    await kafka.start();
    platform = await startPlatform(18_580, {
      name: 'e2e-outage',
      extraEnv: { KAFKA_BROKERS: kafka.brokers.join(','), COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) },
    });
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await kafka?.destroy();
  }, 120_000);

  it('answers 503 at once while Kafka is down, stays up, and recovers by itself', async () => {
    const [gateway] = platform.gateways;
    if (!gateway) throw new Error('no gateway');
    const admin = platform.token(['platform-admin'], [], 'e2e-admin');
    const tenant = await createActiveTenant({
      via: gateway.url,
      admin,
      slug: `outage-${uniqueSuffix()}`,
      servedBy: { gateways: [gateway.url], token: (id) => platform.token(['viewer'], [id]) },
    });
    const member = platform.token(['member'], [tenant]);
    const createOrder = () =>
      api(gateway.url, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-1' } });
    expect((await createOrder()).status).toBe(201);
    const gatewayPid = gateway.process.pid;

    await kafka.kill();
    // A command handed to the producer before it knew can only time out or fail (503/504).
    expect([503, 504]).toContain((await createOrder()).status);
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const refused = await createOrder();
      const ms = performance.now() - started;
      expectProblem(refused, 503, 'service-unavailable');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS / 4);
    }
    const ready = await api(gateway.url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(String((ready.body.checks as Record<string, string>).kafka)).toMatch(/^down/);
    for (const service of platform.services)
      expect({ [service.name]: service.process.exitCode }).toEqual({ [service.name]: null });

    await kafka.start();
    await eventually(async () => expect((await createOrder()).status).toBe(201), {
      timeoutMs: 120_000,
      intervalMs: 1_000,
      what: 'commands accepted again',
    });
    await eventually(async () => expect((await api(gateway.url, 'GET', '/health/ready')).status).toBe(200), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the gateway ready again',
    });
    expect(gateway.process.pid).toBe(gatewayPid);
    for (const service of platform.services)
      expect({ [service.name]: service.process.exitCode }).toEqual({ [service.name]: null });
  }, 400_000);
});
