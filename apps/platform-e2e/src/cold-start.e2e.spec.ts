import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import {
  eventually,
  freePort,
  PrivateKafka,
  startService,
  testInfra,
  uniqueSuffix,
  waitReady,
  type RunningService,
} from '@platform/testing';

/** Forwards `port` to PostgreSQL: the database "appears" when the test opens it. */
async function openProxy(port: number, target: URL): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

const logOf = (service: RunningService): string => readFileSync(service.logFile, 'utf8');

/**
 * Issue 9: `npm start` from nothing made the registry exit while Kafka was still starting. Here
 * the registry and a command service start before their dependencies exist: PostgreSQL is a port
 * nobody listens on until the test opens it, Kafka a private broker not started yet. Both services
 * log that they wait, stay alive, and become ready once the dependencies appear, without a restart.
 */
describe('services started before their dependencies', () => {
  let kafka: PrivateKafka;
  let proxy: Server | undefined;
  const services: RunningService[] = [];

  afterAll(async () => {
    for (const service of services) await service.stop();
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    await kafka?.destroy();
  }, 120_000);

  it('wait for PostgreSQL and Kafka, then become ready', async () => {
    kafka = await PrivateKafka.create('e2e-cold-start');
    const databasePort = await freePort();
    const database = new URL(testInfra.databaseUrl);
    const proxied = new URL(testInfra.databaseUrl);
    proxied.port = String(databasePort);
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPIC_PREFIX: `cold-${uniqueSuffix()}.`,
      DATABASE_URL: proxied.toString(),
      JWT_SECRET: `cold-start-secret-${uniqueSuffix()}-0123456789abcdefghij`,
      INTERNAL_CONTEXT_SECRET: `cold-internal-${uniqueSuffix()}-0123456789abcdefghij`,
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'info',
    };
    services.push(
      startService('tenant-registry', 'e2e-cold-tenant-registry', 37_085, env),
      startService('command-service', 'e2e-cold-command', 37_081, env),
    );

    for (const service of services) {
      await eventually(
        () => {
          expect(service.process.exitCode).toBeNull();
          expect(logOf(service)).toMatch(
            /waiting for postgresql at 127\.0\.0\.1:\d+\/\w+: .*; retrying in \d+ ms/,
          );
        },
        { timeoutMs: 60_000, intervalMs: 200, what: `${service.name} waiting for PostgreSQL` },
      );
    }
    proxy = await openProxy(databasePort, database);

    for (const service of services) {
      await eventually(
        () => {
          expect(service.process.exitCode).toBeNull();
          expect(logOf(service)).toMatch(/kafka: connecting to 127\.0\.0\.1:\d+ \(.*\); retrying in \d+ ms/);
        },
        { timeoutMs: 90_000, intervalMs: 200, what: `${service.name} waiting for Kafka` },
      );
    }
    await kafka.start();

    for (const service of services) await waitReady(service, 120_000);
    for (const service of services) expect(service.process.exitCode).toBeNull();
  }, 400_000);
});
