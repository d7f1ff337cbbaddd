// Just enough of PromQL to name the metrics an expression reads (the syntax itself is promtool's job).

/** PromQL words that are not metric names: aggregation modifiers, set operators, keywords. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names an expression selects: identifiers that are not functions (followed by `(`),
 * keywords, label names (inside `{}`, a `by (...)` list or Grafana's `label_values`), strings,
 * durations or numbers. Grafana variables (`$tenant`, `${tenant}`, `$__rate_interval`) are replaced first.
 *
 * @example
 * metricNamesOf('sum by (service) (rate(http_requests_total{status=~"5.."}[5m]))'); // ['http_requests_total']
 */
export function metricNamesOf(expression: string): string[] {
  const text = expression
    // Grafana's label_values(<selector>, <label>): the label is not a metric
    .replace(/label_values\(([^,]+),\s*\w+\s*\)/g, '$1')
    .replace(/\$__\w+|\$\{\w+\}|\$\w+/g, 'x')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const before = text[(match.index ?? 0) - 1] ?? ' ';
    const after = text.slice((match.index ?? 0) + name.length);
    if (/[0-9.]/.test(before)) continue; // part of a number or a duration (1e3, 5m)
    if (/^\s*\(/.test(after)) continue; // a function
    if (KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** The series names a registered metric exports: a histogram's `_bucket`, `_sum` and `_count`. */
export function exportedNames(metric: { name: string; type: string }): string[] {
  if (metric.type === 'histogram') return ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix);
  if (metric.type === 'summary') return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
  return [metric.name];
}
