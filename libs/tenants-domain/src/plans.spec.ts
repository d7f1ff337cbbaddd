import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TENANT_PLANS } from '@platform/contracts';
import { PLANS, plansMarkdownTable } from './plans';

const README = path.resolve(__dirname, '../../../README.md');

/** The text of one `## ` section of the README, without its heading. */
function section(markdown: string, heading: string): string | undefined {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) return undefined;
  const body = markdown.slice(start + heading.length + 5);
  const end = body.indexOf('\n## ');
  return end < 0 ? body : body.slice(0, end + 1);
}

describe('plans', () => {
  it('are documented in the README, under "## Plans", exactly as PLANS renders them', () => {
    const plans = section(readFileSync(README, 'utf8'), 'Plans');
    expect(plans).toBeDefined();
    // On failure: replace the README's table with the output of plansMarkdownTable().
    expect(plans).toContain(plansMarkdownTable());
    const tables = (plans ?? '').split('\n').filter((line) => line.startsWith('| plan '));
    expect(tables).toHaveLength(1);
  });

  it('renders one row per plan, in order, with readable numbers', () => {
    const rows = plansMarkdownTable().trimEnd().split('\n');
    expect(rows).toHaveLength(2 + TENANT_PLANS.length);
    expect(rows[2]).toMatch(
      /^\| `free` +\| +5 \| +10 \| +1,000 \| +2 \| +1 \| +100 MB \| the default region +\|$/,
    );
    expect(rows[4]).toContain('10,000,000');
    expect(rows[4]).toContain('500 GB');
  });

  it('defines every plan with positive limits and a burst at least the sustained rate', () => {
    expect(Object.keys(PLANS).sort()).toEqual([...TENANT_PLANS].sort());
    for (const { rateLimit, quotas } of Object.values(PLANS)) {
      expect(rateLimit.burst).toBeGreaterThanOrEqual(rateLimit.requestsPerSecond);
      for (const limit of [rateLimit.requestsPerSecond, ...Object.values(quotas)]) {
        expect(Number.isInteger(limit) && limit > 0).toBe(true);
      }
    }
  });

  it('never gives a higher plan less than a lower one', () => {
    const numbers = (plan: (typeof TENANT_PLANS)[number]): number[] => [
      PLANS[plan].rateLimit.requestsPerSecond,
      PLANS[plan].rateLimit.burst,
      ...Object.values(PLANS[plan].quotas),
    ];
    for (const [lower, higher] of [
      ['free', 'standard'],
      ['standard', 'enterprise'],
    ] as const) {
      numbers(higher).forEach((limit, i) =>
        expect(limit).toBeGreaterThanOrEqual(numbers(lower)[i] ?? Infinity),
      );
    }
  });
});
