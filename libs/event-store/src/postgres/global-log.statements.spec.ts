import { toCheckedAllFilter } from '../global-log/all-filter';
import { LOG_START } from './checkpoint';
import { headStatement, readAllStatement } from './global-log.statements';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
const filters = [
  {},
  { tenantId },
  { types: ['A'] },
  { since: '2026-01-01T00:00:00Z' },
  { tenantId, types: ['A', 'B'], since: '2026-01-01T00:00:00Z' },
].map((filter) => toCheckedAllFilter(filter));

const placeholders = (text: string): number[] =>
  [...new Set([...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])))].sort((a, b) => a - b);

describe('global log statements', () => {
  it.each(filters)('number their placeholders 1..n to match the values, for %j', (filter) => {
    for (const statement of [
      readAllStatement('es_x', filter, LOG_START, 10),
      headStatement('es_x', filter),
    ]) {
      const values = statement.values ?? [];
      expect(placeholders(statement.text)).toEqual(values.map((_, i) => i + 1));
    }
  });

  it('prepare one statement per combination of criteria, named within 63 bytes for the longest schema', () => {
    const longest = 'x'.repeat(48);
    const names = filters.flatMap((filter) => [
      readAllStatement(longest, filter, LOG_START, 10).name ?? '',
      headStatement(longest, filter).name ?? '',
    ]);

    expect(new Set(names).size).toBe(filters.length * 2);
    names.forEach((name) => expect(name.length).toBeLessThanOrEqual(63));
  });

  it('read only below the oldest running transaction, in (transaction, position) order', () => {
    const { text } = readAllStatement('es_x', filters[0] ?? toCheckedAllFilter(), LOG_START, 10);

    expect(text).toContain('pg_snapshot_xmin(pg_current_snapshot())');
    expect(text).toContain('ev.transaction_id < r.readable_below');
    expect(text).toContain('(ev.transaction_id, ev.global_position) > ($1::xid8, $2::bigint)');
    // the table's columns, not the text columns of the same name (numeric-log-order.int.spec.ts)
    expect(text).toContain('order by ev.transaction_id, ev.global_position limit');
  });

  it('finds the head by the numeric order of the table columns', () => {
    const { text } = headStatement('es_x', filters[0] ?? toCheckedAllFilter());

    expect(text).toContain('order by ev.transaction_id desc, ev.global_position desc limit 1');
  });
});
