import { PLANS, TENANT_PLANS, type PlanLimits, type TenantPlan } from '@platform/contracts';

// PLANS lives in contracts: every service reads it (the gateway's rate limits, the command service's
// quotas); this lib keeps the README rendering and re-exports it for the registry.
export { PLANS, type PlanLimits } from '@platform/contracts';

type Column = readonly [heading: string, align: 'left' | 'right', cell: (plan: TenantPlan) => string];

const COLUMNS: readonly Column[] = [
  ['plan', 'left', (plan) => `\`${plan}\``],
  ['requests/s', 'right', (plan) => count(PLANS[plan].rateLimit.requestsPerSecond)],
  ['burst', 'right', (plan) => count(PLANS[plan].rateLimit.burst)],
  ['orders/month', 'right', (plan) => count(PLANS[plan].quotas.maxOrdersPerMonth)],
  ['API keys', 'right', (plan) => count(PLANS[plan].quotas.maxApiKeys)],
  ['webhooks', 'right', (plan) => count(PLANS[plan].quotas.maxWebhooks)],
  ['storage', 'right', (plan) => megabytes(PLANS[plan].quotas.maxStorageMb)],
  ['region', 'left', (plan) => PLAN_PLACEMENT[PLANS[plan].placement]],
];

const PLAN_PLACEMENT: Readonly<Record<PlanLimits['placement'], string>> = {
  'default-region': 'the default region',
  'any-allowed-region': 'any allowed region',
};

/**
 * The plans as a Markdown table, laid out as Prettier lays it out, for the README's `## Plans`.
 * Regenerate the README's table from this when {@link PLANS} changes; a test fails until you do.
 */
export function plansMarkdownTable(): string {
  const rows = TENANT_PLANS.map((plan) => COLUMNS.map(([, , cell]) => cell(plan)));
  const headings = COLUMNS.map(([heading]) => heading);
  const widths = COLUMNS.map((_, i) =>
    Math.max(3, ...[headings, ...rows].map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => pad(cell, widths[i] ?? 0, COLUMNS[i]?.[1] ?? 'left')).join(' | ')} |`;
  const rule = `| ${widths.map((width, i) => (COLUMNS[i]?.[1] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(headings), rule, ...rows.map(line)].join('\n') + '\n';
}

const pad = (cell: string, width: number, align: 'left' | 'right'): string =>
  align === 'right' ? cell.padStart(width) : cell.padEnd(width);

const count = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const megabytes = (mb: number): string => (mb % 1024 === 0 ? `${count(mb / 1024)} GB` : `${count(mb)} MB`);
