// deploy/observability against what the services really export: every metric an alert or a
// dashboard reads is registered by some service (the registry is filled by importing the services'
// modules, as they do at start), every alert has a runbook that exists, and the rule files pass
// promtool (`check rules` and the alerts' unit tests) when it could be built.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { metricsRegistry, startDefaultMetrics } from '@platform/observability';
// The services' modules, imported for the metrics they register when loaded (nothing is started).
// eslint-disable-next-line @nx/enforce-module-boundaries -- registers the gateway's metrics
import '../../../apps/gateway/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- registers the command service's metrics
import '../../../apps/command-service/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- registers the projection service's metrics
import '../../../apps/projection-service/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- registers the query service's metrics
import '../../../apps/query-service/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- registers the saga service's metrics
import '../../../apps/saga-service/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- registers the registry's metrics
import '../../../apps/tenant-registry/src/app.module';
import { exportedNames, metricNamesOf } from './promql';

const root = path.resolve(__dirname, '../../..');
const dir = path.join(root, 'deploy/observability');
const ALERTS = path.join(dir, 'prometheus/alerts.yml');
const ALERT_TESTS = path.join(dir, 'prometheus/alerts.test.yml');
const DASHBOARDS = ['platform-overview.json', 'tenant.json'].map((file) =>
  path.join(dir, 'grafana/dashboards', file),
);

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

interface Panel {
  readonly title?: string;
  readonly type?: string;
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly Panel[];
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { name: string; query?: unknown }[] };
}

const rules: Rule[] = (
  parse(readFileSync(ALERTS, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }
).groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule) => rule.alert !== undefined);

const dashboards = DASHBOARDS.map((file) => ({
  file: path.relative(root, file),
  dashboard: JSON.parse(readFileSync(file, 'utf8')) as Dashboard,
}));

/** Every query of a dashboard: its panels' (rows' panels too) and its query variables'. */
function queriesOf(dashboard: Dashboard): { where: string; expr: string }[] {
  const queries: { where: string; expr: string }[] = [];
  const walk = (panels: readonly Panel[]): void => {
    for (const panel of panels) {
      for (const target of panel.targets ?? [])
        if (target.expr !== undefined) queries.push({ where: `panel "${panel.title}"`, expr: target.expr });
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list) {
    const query = variable.query;
    const expr =
      typeof query === 'object' && query !== null ? (query as { query?: unknown }).query : undefined;
    if (typeof expr === 'string') queries.push({ where: `variable $${variable.name}`, expr });
  }
  return queries;
}

let exported: Set<string>;

beforeAll(async () => {
  startDefaultMetrics('observability-config-test');
  const metrics = await metricsRegistry.getMetricsAsJSON();
  exported = new Set(
    metrics.flatMap((metric) => exportedNames({ name: metric.name, type: String(metric.type) })),
  );
});

/** What promtool said, or why it did not run (said in the test log: never skipped silently). */
function promtool(...args: string[]): { ran: true; output: string } | { ran: false; why: string } {
  let bin: string;
  try {
    bin = execFileSync('bash', [path.join(dir, 'promtool.sh'), 'path'], { encoding: 'utf8' }).trim();
  } catch (error) {
    return { ran: false, why: String((error as { stderr?: unknown }).stderr ?? error).trim() };
  }
  try {
    return { ran: true, output: execFileSync(bin, args, { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
  }
}

describe('the services export what deploy/observability reads', () => {
  it('finds the metrics of every service in the registry (the collection itself works)', () => {
    for (const name of [
      'http_server_request_duration_seconds_count',
      'gateway_commands_total',
      'command_service_commands_total',
      'event_relay_lag_seconds',
      'messaging_consumer_lag_messages',
      'projection_parked_aggregates',
      'saga_fulfilments_in_flight',
      'webhook_deliveries_total',
      'rate_limit_refusals_total',
      'quota_refusals_total',
      'process_cpu_seconds_total',
    ])
      expect(exported).toContain(name);
    expect(exported).not.toContain('no_such_metric_total');
  });

  it.each(alerts.map((rule) => [rule.alert, rule] as const))(
    'alert %s reads only exported metrics',
    (_, rule) => {
      const names = metricNamesOf(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !exported.has(name))).toEqual([]);
    },
  );

  it.each(dashboards.map(({ file, dashboard }) => [file, dashboard] as const))(
    '%s queries only exported metrics',
    (_, dashboard) => {
      const queries = queriesOf(dashboard);
      expect(queries.length).toBeGreaterThan(5);
      const unknown = queries.flatMap(({ where, expr }) =>
        metricNamesOf(expr)
          .filter((name) => !exported.has(name))
          .map((name) => `${where}: ${name}`),
      );
      expect(unknown).toEqual([]);
    },
  );

  it('has a tenant variable on the tenant dashboard, used by every panel', () => {
    const tenant = dashboards.find(({ dashboard }) => dashboard.uid === 'tenantflow-tenant')?.dashboard;
    expect(tenant?.templating.list.map((variable) => variable.name)).toContain('tenant');
    const queries = queriesOf(tenant!).filter(({ where }) => where.startsWith('panel'));
    expect(
      queries.filter(({ expr }) => !expr.includes('tenant="$tenant"')).map(({ where }) => where),
    ).toEqual([]);
  });
});

describe('the alert rules', () => {
  it('cover relay lag, projection lag, DLQ growth, 5xx rate, saga timeouts and webhook dead letters', () => {
    const read = new Set(alerts.flatMap((rule) => metricNamesOf(rule.expr)));
    for (const metric of [
      'event_relay_lag_seconds',
      'messaging_consumer_lag_seconds',
      'messaging_dlq_messages',
      'http_server_request_duration_seconds_count',
      'saga_fulfilments_timed_out_total',
      'webhook_deliveries_total',
    ])
      expect(read).toContain(metric);
  });

  it.each(alerts.map((rule) => [rule.alert, rule] as const))(
    'alert %s has a severity, a summary and a runbook in docs/runbooks that exists',
    (name, rule) => {
      const kebab = name!.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      expect(rule.labels?.severity).toMatch(/^(page|ticket)$/);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.runbook_url).toBe(`docs/runbooks/${kebab}.md`);
      const runbook = path.join(root, rule.annotations!.runbook_url!);
      expect(existsSync(runbook)).toBe(true);
      const text = readFileSync(runbook, 'utf8');
      expect(text).toMatch(new RegExp(`^# ${name}$`, 'm'));
      expect(text).toMatch(/^## Checks$/m);
      expect(text).toMatch(/^## Remedies$/m);
    },
  );

  it('pass promtool check rules and the alerts unit tests (alerts.test.yml)', () => {
    const checked = promtool('check', 'rules', ALERTS);
    if (!checked.ran) {
      process.stderr.write(
        `observability-config: promtool did not run (${checked.why}); the parser checks above ran\n`,
      );
      return;
    }
    expect(checked.output).toContain(`SUCCESS: ${rules.length} rules found`);
    const tested = promtool('test', 'rules', ALERT_TESTS);
    expect(tested.ran && tested.output).toContain('SUCCESS');
  });

  it("pass promtool's parser with every dashboard query (as recording rules)", () => {
    const queries = dashboards.flatMap(({ dashboard }) => queriesOf(dashboard));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dashboards-')), 'queries.yml');
    const asRules = queries.map(({ expr }, index) => ({
      record: `dashboard:query_${index}`,
      expr: expr
        .replace(/label_values\(([^,]+),\s*\w+\s*\)/g, '$1')
        .replace(/\$__rate_interval/g, '5m')
        .replace(/\$\{?(\w+)\}?/g, 'x'),
    }));
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboards', rules: asRules }] }));
    const checked = promtool('check', 'rules', file);
    if (!checked.ran) {
      process.stderr.write(
        `observability-config: promtool did not run (${checked.why}); dashboard queries not parsed\n`,
      );
      return;
    }
    expect(checked.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });
});

describe('README', () => {
  it('documents every metric it lists in its metrics table under a name the services export', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = readme.slice(
      readme.indexOf('<!-- metrics-table -->'),
      readme.indexOf('<!-- /metrics-table -->'),
    );
    const names = [...table.matchAll(/^\| `([a-z_:]+)`/gm)].map((match) => match[1]!);
    expect(names.length).toBeGreaterThan(10);
    const base = (name: string): string[] => [name, `${name}_count`, `${name}_bucket`];
    expect(names.filter((name) => !base(name).some((n) => exported.has(n)))).toEqual([]);
  });
});
