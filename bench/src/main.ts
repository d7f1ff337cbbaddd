import os from 'node:os';
import { Client, Pool } from 'pg';
import { type BenchConfig, gitRevision, loadConfig, selected, withDatabase } from './config';
import { type Row, progress } from './harness';
import { type PgbenchResult, pgbenchCeilings } from './pgbench';
import { markdownTable, writeResults } from './report';
import { type Ceilings, type StoreTargets, appendScenarios } from './scenarios/appends';
import { commandPathScenarios } from './scenarios/command-path';
import { fulfilmentScenarios } from './scenarios/fulfilment';
import { httpCommandScenarios } from './scenarios/http-commands';
import { kafkaScenarios } from './scenarios/kafka';
import { provisioningScenarios } from './scenarios/provisioning';
import { readAllScenario, readStreamScenarios } from './scenarios/reads';
import { rebuildScenarios } from './scenarios/rebuild';

const READ_ALL_EVENTS = 20_000;

/** Creates Emmett's database for this run (its tables live in `public`, so it gets a database of its own). */
async function createDatabase(config: BenchConfig, name: string): Promise<void> {
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}"`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

async function dropDatabase(config: BenchConfig, name: string): Promise<void> {
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  const loadAtStart = os.loadavg();
  const revision = gitRevision(config.repoRoot);
  const admin = new Pool({ connectionString: config.databaseUrl, max: 2 });
  const postgres = String(
    (await admin.query<{ v: string }>("select split_part(version(), ' on ', 1) as v")).rows[0]?.v,
  );
  const oursSchema = `bench_es_${config.runId}`;
  const emmettDatabase = `bench_emmett_${config.runId}`;
  const isSelected = (id: string): boolean => selected(config, id);
  progress(
    `run ${config.runId} at ${revision}: ours in schema ${oursSchema}, emmett in database ${emmettDatabase}`,
  );
  await createDatabase(config, emmettDatabase);

  const targets: StoreTargets = {
    ours: { databaseUrl: config.databaseUrl, schema: oursSchema, admin },
    peer: { databaseUrl: withDatabase(config.databaseUrl, emmettDatabase) },
  };
  const rows: Row[] = [];
  const failures: string[] = [];
  let pgbench: PgbenchResult[] = [];
  const ceilings: Ceilings = { tps: new Map() };
  const attempt = async (name: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      const message = `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      progress(`FAILED ${message}`);
      failures.push(message.split('\n')[0] ?? message);
    }
  };

  try {
    if (isSelected('pgbench')) {
      await attempt('pgbench', async () => {
        if (config.pgbench === '') throw new Error('BENCH_PGBENCH is not set (no pgbench binary)');
        pgbench = await pgbenchCeilings(config, admin, [1, 8, 32]);
        for (const result of pgbench) ceilings.tps.set(result.clients, result.tps);
      });
    }
    await attempt('append scenarios', async () => {
      rows.push(...(await appendScenarios(config, targets, ceilings, isSelected)));
    });
    await attempt('readStream scenarios', async () => {
      rows.push(...(await readStreamScenarios(config, targets, isSelected)));
    });
    await attempt('readAll scenario', async () => {
      rows.push(...(await readAllScenario(config, targets, isSelected, READ_ALL_EVENTS)));
    });
    await attempt('Kafka scenarios', async () => {
      rows.push(...(await kafkaScenarios(config, targets, isSelected)).rows);
    });
    await attempt('provisioning scenarios', async () => {
      rows.push(...(await provisioningScenarios(config, isSelected)));
    });
    await attempt('HTTP command scenarios', async () => {
      rows.push(...(await httpCommandScenarios(config, isSelected)));
    });
    await attempt('command path scenarios', async () => {
      rows.push(...(await commandPathScenarios(config, isSelected)));
    });
    await attempt('fulfilment scenarios', async () => {
      rows.push(...(await fulfilmentScenarios(config, isSelected)));
    });
    await attempt('rebuild scenario', async () => {
      rows.push(...(await rebuildScenarios(config, isSelected)));
    });
  } finally {
    if (!config.keep) {
      await admin.query(`drop schema if exists "${oursSchema}" cascade`).catch(() => undefined);
      await dropDatabase(config, emmettDatabase).catch(() => undefined);
    }
    await admin.end();
  }

  const file = await writeResults({
    config,
    load: { start: loadAtStart, end: os.loadavg() },
    revision,
    postgres,
    finishedAt: new Date(),
    pgbench,
    rows,
    failures,
  });
  console.log('');
  console.log(markdownTable(rows));
  console.log('');
  for (const p of pgbench) {
    console.log(`pgbench ceiling, ${p.clients} client(s): ${Math.round(p.tps)} tps  (${p.command})`);
  }
  for (const failure of failures) console.log(`FAILED: ${failure}`);
  console.log(`\nwritten: ${file} and bench/results/latest.json`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
    // a client library's lingering socket must not hold the run open
    setTimeout(() => process.exit(code), 3_000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
