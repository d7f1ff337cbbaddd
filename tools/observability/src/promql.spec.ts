import { exportedNames, metricNamesOf } from './promql';

describe('metricNamesOf', () => {
  it('names the metrics, not the functions, labels, keywords, strings or durations', () => {
    expect(
      metricNamesOf(
        'sum by (service, route) (rate(http_server_request_duration_seconds_count{status=~"5..",service="x"}[5m])) / ' +
          'ignoring(status) group_left sum without (le) (rate(other_total[1h] offset 5m)) > 0.05 and on(service) up == bool 1',
      ).sort(),
    ).toEqual(['http_server_request_duration_seconds_count', 'other_total', 'up']);
  });

  it('replaces Grafana variables and reads label_values', () => {
    expect(metricNamesOf('label_values(gateway_commands_total, tenant)')).toEqual(['gateway_commands_total']);
    expect(
      metricNamesOf(
        'histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{tenant="$tenant"}[$__rate_interval])))',
      ),
    ).toEqual(['x_seconds_bucket']);
  });

  it('names the series of a histogram', () => {
    expect(exportedNames({ name: 'a_seconds', type: 'histogram' })).toEqual([
      'a_seconds_bucket',
      'a_seconds_sum',
      'a_seconds_count',
    ]);
    expect(exportedNames({ name: 'a_total', type: 'counter' })).toEqual(['a_total']);
  });
});
