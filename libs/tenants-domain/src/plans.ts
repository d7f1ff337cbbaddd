import { TENANT_PLANS, type TenantPlan } from '@platform/contracts';

export interface PlanLimits {
  /** Per tenant: a sustained rate and the burst above it (a token bucket); beyond it, `429`. */
  readonly rateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  readonly quotas: {
    readonly maxOrdersPerMonth: number;
    readonly maxApiKeys: number;
    readonly maxWebhooks: number;
    readonly maxStorageMb: number;
  };
  /** Where a tenant may be placed: only the policy's default region, or any region it allows. */
  readonly placement: 'default-region' | 'any-allowed-region';
}

/**
 * Rate limits, quotas and placement of every plan: the one place they are read from. The README's
 * plans table is rendered from it ({@link plansMarkdownTable}) and a test keeps the two equal.
 */
export const PLANS: Readonly<Record<TenantPlan, PlanLimits>> = {
  free: {
    rateLimit: { requestsPerSecond: 5, burst: 10 },
    quotas: { maxOrdersPerMonth: 1_000, maxApiKeys: 2, maxWebhooks: 1, maxStorageMb: 100 },
    placement: 'default-region',
  },
  standard: {
    rateLimit: { requestsPerSecond: 50, burst: 100 },
    quotas: { maxOrdersPerMonth: 100_000, maxApiKeys: 10, maxWebhooks: 10, maxStorageMb: 10_240 },
    placement: 'any-allowed-region',
  },
  enterprise: {
    rateLimit: { requestsPerSecond: 500, burst: 1_000 },
    quotas: { maxOrdersPerMonth: 10_000_000, maxApiKeys: 100, maxWebhooks: 50, maxStorageMb: 512_000 },
    placement: 'any-allowed-region',
  },
};

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
