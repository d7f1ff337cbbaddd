import type { Readiness } from './readiness';

/** What `/health/ready` answers, on the service port and on the management port alike. */
export interface ReadinessAnswer {
  readonly status: 200 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: object;
}

/** 200 with every check `up`, or a 503 problem+json (with `Retry-After`) naming what is down. */
export async function readinessAnswer(readiness: Readiness): Promise<ReadinessAnswer> {
  const { ready, checks } = await readiness.run();
  if (ready) return { status: 200, headers: {}, body: { status: 'ok', checks } };
  return {
    status: 503,
    headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
    body: {
      type: 'https://tenantflow.dev/problems/service-unavailable',
      title: 'A dependency is unavailable',
      status: 503,
      detail: 'not ready',
      instance: '/health/ready',
      checks,
    },
  };
}
