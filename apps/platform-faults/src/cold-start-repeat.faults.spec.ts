import path from 'node:path';
import { freePort, PrivateKafka, startPlatform, uniqueSuffix, workspaceRoot } from '@platform/testing';
import { PrivatePostgres } from './private-postgres';

/** Fresh starts in a row: issue 9 asks `npm start` from wiped infrastructure to succeed 5 times out of 5. */
const RUNS = 5;
const BASE_PORT = 19_580;

/**
 * `npm start`'s path from nothing, five times: a PostgreSQL and a Kafka of this test's own with
 * empty data directories, started as `deploy/local/infra.sh start` does, then the six services in
 * `scripts/platform.sh`'s order, each waited for until ready; then a graceful stop (every exit code
 * 0) and the data wiped. Any run in which a service exits or is not ready in time fails the test.
 */
describe('cold start from wiped infrastructure, 5 times in a row', () => {
  it('starts every service and stops it cleanly, every time', async () => {
    const seconds: number[] = [];
    for (let run = 1; run <= RUNS; run += 1) {
      const started = Date.now();
      const kafka = await PrivateKafka.create(`cold-${run}`);
      const postgres = new PrivatePostgres(
        workspaceRoot,
        path.join(workspaceRoot, '.local', 'cold-start', `${run}-${uniqueSuffix()}`),
        await freePort(),
      );
      try {
        await Promise.all([kafka.start(), postgres.start()]);
        const platform = await startPlatform(BASE_PORT, {
          name: `cold${run}`,
          extraEnv: { KAFKA_BROKERS: kafka.brokers.join(','), DATABASE_URL: postgres.url, LOG_LEVEL: 'warn' },
        });
        const codes = await platform.stop();
        expect({ run, failed: codes.filter(([, code]) => code !== 0) }).toEqual({ run, failed: [] });
      } finally {
        await kafka.destroy();
        await postgres.destroy();
      }
      seconds.push(Math.round((Date.now() - started) / 1_000));
    }
    process.stdout.write(
      `cold start: ${RUNS}/${RUNS} from wiped infrastructure, seconds per run: ${seconds.join(', ')}\n`,
    );
  }, 900_000);
});
