import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { send, type ApiCall, type ApiResult, type Connection } from './api-client';
import { downloadArchive, uploadArchive, type TransferProgress } from './archive-transfer';
import { calls } from './calls';
import { progressBar, type ReportedProgress } from './progress-bar';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly send: (connection: Connection, call: ApiCall) => Promise<ApiResult>;
  readonly download?: typeof downloadArchive;
  readonly upload?: typeof uploadArchive;
  /** Progress line (stderr, rewritten in place on a terminal). */
  readonly progress?: (text: string) => void;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  send,
  download: downloadArchive,
  upload: uploadArchive,
  progress: (text) => process.stderr.write(process.stderr.isTTY ? `\r${text}` : `${text}\n`),
};

/**
 * `tenantctl`: the operator's command line for the control plane. It talks to the gateway with a
 * token (`--token` or `TENANTFLOW_TOKEN`); every answer is printed as JSON; a problem answer is
 * printed to stderr and the exit code is 1.
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('tenantctl')
    .description('operate tenantflow tenants through the gateway')
    .option('--url <url>', 'gateway URL (TENANTFLOW_URL)', io.env.TENANTFLOW_URL ?? 'http://127.0.0.1:8080')
    .option(
      '--projection-url <url>',
      'projection service URL, for parked and dlq (TENANTFLOW_PROJECTION_URL)',
      io.env.TENANTFLOW_PROJECTION_URL ?? 'http://127.0.0.1:8082',
    )
    .option(
      '--token <jwt>',
      'bearer token of a platform-admin or tenant-admin (TENANTFLOW_TOKEN)',
      io.env.TENANTFLOW_TOKEN,
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const run = async (
    call: ApiCall | Promise<ApiCall>,
    check?: (result: ApiResult) => number,
  ): Promise<void> => {
    const opts = program.opts<{ url: string; projectionUrl: string; token?: string }>();
    const { token } = opts;
    if (!token) {
      io.err(
        'tenantctl: no token: pass --token or set TENANTFLOW_TOKEN (npm run -s token -- --roles platform-admin)',
      );
      exitCode = 2;
      return;
    }
    const resolved = await call;
    const url = resolved.service === 'projection' ? opts.projectionUrl : opts.url;
    const result = await io.send({ url, token }, resolved);
    const text = JSON.stringify(result.body, null, 2);
    if (result.status >= 400) {
      io.err(text);
      exitCode = 1;
      return;
    }
    io.out(text);
    exitCode = check ? check(result) : 0;
  };

  program
    .command('list')
    .description('list tenants')
    .option('--status <status>')
    .option('--limit <n>')
    .option('--cursor <cursor>')
    .action((options: { status?: string; limit?: string; cursor?: string }) =>
      run(calls.listTenants(options)),
    );
  program
    .command('get <tenant>')
    .description('show a tenant (id or slug)')
    .action((id: string) => run(calls.getTenant(id)));
  program
    .command('create')
    .description('create a tenant (it becomes active once provisioned)')
    .requiredOption('--slug <slug>')
    .requiredOption('--name <name>')
    .option('--plan <plan>', 'free | standard | enterprise')
    .option('--isolation <mode>', 'shared | schema | dedicated')
    .option('--region <region>')
    .action((options: { slug: string; name: string; plan?: string; isolation?: string; region?: string }) =>
      run(calls.createTenant(options)),
    );
  program
    .command('apply')
    .description('apply a declarative manifest (YAML or JSON); applying it twice changes nothing')
    .requiredOption('-f, --file <path>')
    .action(async (options: { file: string }) => {
      const text = await readFile(options.file, 'utf8');
      const slug =
        /slug:\s*["']?([a-z][a-z0-9-]+)/.exec(text)?.[1] ?? /"slug"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      if (!slug) {
        io.err(`tenantctl: ${options.file} has no metadata.slug`);
        exitCode = 2;
        return;
      }
      await run(calls.applyManifest(slug, text, path.basename(options.file)));
    });
  for (const action of ['suspend', 'resume', 'archive'] as const) {
    program
      .command(`${action} <tenant>`)
      .description(`${action} a tenant`)
      .action((id: string) => run(calls.lifecycle(id, action)));
  }
  program
    .command('delete <tenant>')
    .description('delete an archived tenant and purge its data')
    .action((id: string) => run(calls.deleteTenant(id)));
  program
    .command('set-plan <tenant> <plan>')
    .description('change the plan; quotas follow')
    .action((id: string, plan: string) => run(calls.changePlan(id, plan)));

  const keys = program.command('api-keys').description('per-tenant API keys');
  keys.command('list <tenant>').action((id: string) => run(calls.listApiKeys(id)));
  keys
    .command('create <tenant>')
    .requiredOption('--name <name>')
    .option('--roles <roles>', 'comma-separated', 'member')
    .description('create a key (shown once)')
    .action((id: string, options: { name: string; roles: string }) =>
      run(calls.createApiKey(id, options.name, options.roles.split(','))),
    );
  keys
    .command('revoke <tenant> <keyId>')
    .action((id: string, keyId: string) => run(calls.revokeApiKey(id, keyId)));

  const hooks = program.command('webhooks').description('per-tenant webhook subscriptions');
  hooks.command('list <tenant>').action((id: string) => run(calls.listWebhooks(id)));
  hooks
    .command('create <tenant>')
    .requiredOption('--endpoint <url>', 'where deliveries are POSTed')
    .option('--events <types>', 'comma-separated event types, * for all', '*')
    .option('--secret <secret>')
    .action((id: string, options: { endpoint: string; events: string; secret?: string }) =>
      run(calls.createWebhook(id, options.endpoint, options.events.split(','), options.secret)),
    );
  hooks
    .command('delete <tenant> <webhookId>')
    .action((id: string, hookId: string) => run(calls.deleteWebhook(id, hookId)));
  hooks
    .command('dead-letters <tenant>')
    .description('deliveries that failed every attempt')
    .action((id: string) => run(calls.listDeadLetters(id)));
  hooks
    .command('requeue <tenant> <deliveryId>')
    .description('send a dead-lettered delivery again')
    .action((id: string, deliveryId: string) => run(calls.requeueDeadLetter(id, deliveryId)));

  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify <tenant>')
    .description('check the hash chain; exit 1 when broken')
    .action((id: string) =>
      run(calls.audit(id), (result) => {
        const verification = (result.body as { verification?: { valid?: boolean } } | null)?.verification;
        return verification?.valid === true ? 0 : 1;
      }),
    );

  const stillParked = (result: ApiResult): number =>
    (result.body as { status?: string } | null)?.status === 'unparked' ? 0 : 1;
  const parked = program
    .command('parked')
    .description("the projection's parked aggregates: a poison message and those behind it (platform-admin)");
  parked
    .command('list')
    .option('--tenant <tenant>', 'only this tenant (id or slug)')
    .option('--limit <n>')
    .action((options: { tenant?: string; limit?: string }) =>
      run(calls.listParked(options.tenant, options.limit)),
    );
  parked
    .command('show <tenant> <aggregateId>')
    .description('the parked messages of an aggregate, in order, with the error')
    .action((tenant: string, aggregateId: string) => run(calls.showParked(tenant, aggregateId)));
  parked
    .command('replay <tenant> <aggregateId>')
    .description('apply the parked messages again, in order (after a fix); exit 1 when still parked')
    .action((tenant: string, aggregateId: string) =>
      run(calls.handleParked(tenant, aggregateId, 'replay'), stillParked),
    );
  parked
    .command('skip <tenant> <aggregateId>')
    .description('drop the first parked message and apply the rest; exit 1 when still parked')
    .action((tenant: string, aggregateId: string) =>
      run(calls.handleParked(tenant, aggregateId, 'skip'), stillParked),
    );

  const projections = program
    .command('projections')
    .description("the projection's read models: rebuild blue/green from the event store (platform-admin)");
  projections
    .command('rebuild <projection>')
    .description('rebuild a projection (orders) for one tenant or all; exit 1 when the rebuild failed')
    .option('--tenant <tenant>', 'only this tenant (id or slug)')
    .option('--wait', 'follow the rebuild with a progress bar until it ends')
    .option('--interval <ms>', 'how often --wait asks, in ms', '500')
    .action(async (projection: string, options: { tenant?: string; wait?: boolean; interval: string }) => {
      if (!options.wait) return run(calls.startRebuild(projection, options.tenant));
      await follow(projection, options.tenant, Math.max(1, Number(options.interval) || 500));
    });
  projections
    .command('rebuilds [id]')
    .description('the rebuilds this projection instance ran or runs, or one of them')
    .action((id?: string) => run(id === undefined ? calls.listRebuilds() : calls.getRebuild(id)));

  interface Job {
    readonly id: string;
    readonly state: 'running' | 'succeeded' | 'failed';
    readonly progress: ReportedProgress;
  }
  /** Starts a rebuild and polls it until it ends, drawing its progress; prints the final job. */
  const follow = async (
    projection: string,
    tenant: string | undefined,
    intervalMs: number,
  ): Promise<void> => {
    const opts = program.opts<{ projectionUrl: string; token?: string }>();
    if (!opts.token) return run(calls.startRebuild(projection, tenant)); // says why
    const connection = { url: opts.projectionUrl, token: opts.token };
    let result = await io.send(connection, calls.startRebuild(projection, tenant));
    const show = io.progress ?? ((line: string) => io.err(line));
    while (result.status < 400 && (result.body as Job).state === 'running') {
      show(progressBar((result.body as Job).progress));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      result = await io.send(connection, calls.getRebuild((result.body as Job).id));
    }
    const text = JSON.stringify(result.body, null, 2);
    if (result.status >= 400) {
      io.err(text);
      exitCode = 1;
      return;
    }
    show(progressBar((result.body as Job).progress));
    if (io.progress === defaultIo.progress && process.stderr.isTTY) process.stderr.write('\n');
    io.out(text);
    exitCode = (result.body as Job).state === 'succeeded' ? 0 : 1;
  };

  const dlq = program.command('dlq').description('Kafka dead-letter topics (<topic>.dlq; platform-admin)');
  dlq
    .command('list <topic>')
    .description('messages of <topic>.dlq with their error headers (topic without KAFKA_TOPIC_PREFIX)')
    .option('--limit <n>')
    .option('--from <offset>')
    .action((topic: string, options: { limit?: string; from?: string }) =>
      run(calls.listDlq(topic, options)),
    );
  dlq
    .command('show <topic> <partition> <offset>')
    .action((topic: string, partition: string, offset: string) =>
      run(calls.showDlq(topic, partition, offset)),
    );
  dlq
    .command('replay <topic> <partition> <offset>')
    .description('send the message back to its original topic (same key and headers), audited')
    .action((topic: string, partition: string, offset: string) =>
      run(calls.replayDlq(topic, partition, offset)),
    );

  const transfer = async (
    work: (connection: Connection, onProgress: (progress: TransferProgress) => void) => Promise<ApiResult>,
  ): Promise<void> => {
    const { url, token } = program.opts<{ url: string; token?: string }>();
    if (!token) {
      io.err('tenantctl: no token: pass --token or set TENANTFLOW_TOKEN');
      exitCode = 2;
      return;
    }
    let shown = 0;
    const result = await work({ url, token }, (progress) => {
      const now = Date.now();
      if (now - shown < 500) return;
      shown = now;
      io.progress?.(describeProgress(progress));
    });
    const text = JSON.stringify(result.body, null, 2);
    if (result.status >= 400) {
      io.err(text);
      exitCode = 1;
      return;
    }
    io.out(text);
  };
  program
    .command('export <tenant>')
    .description('stream the tenant archive (events, audit chain, key and webhook metadata) to a file')
    .requiredOption('-o, --output <file>', 'where to write the archive (gzip NDJSON)')
    .action((tenant: string, options: { output: string }) =>
      transfer((connection, onProgress) =>
        (io.download ?? downloadArchive)(connection, tenant, options.output, onProgress),
      ),
    );
  program
    .command('import <file>')
    .description('restore an archive into a new tenant; it is verified before anything is written')
    .requiredOption('--new-slug <slug>', 'slug of the new tenant (slugs are never reused)')
    .option('--name <name>', "name of the new tenant (default: the archived tenant's)")
    .action((file: string, options: { newSlug: string; name?: string }) =>
      transfer((connection, onProgress) =>
        (io.upload ?? uploadArchive)(
          connection,
          file,
          { slug: options.newSlug, ...(options.name !== undefined && { name: options.name }) },
          onProgress,
        ),
      ),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  return exitCode;
}

function describeProgress({ bytes, lines, totalBytes }: TransferProgress): string {
  const mb = (n: number): string => `${(n / 1_048_576).toFixed(1)} MiB`;
  const size = totalBytes === undefined ? mb(bytes) : `${mb(bytes)} / ${mb(totalBytes)}`;
  return lines === undefined ? size : `${size}, ${lines} lines (events)`;
}
