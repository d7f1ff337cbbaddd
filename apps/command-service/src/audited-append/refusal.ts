import type { ProblemData, ProblemKind } from '@platform/contracts';
import type { ConsumeResult } from '@platform/quotas';

/**
 * An expected failure of a command, as a value: a domain rejection (its `kind` is a problem kind)
 * or one of this service's own (a quota used up, a stream that kept changing).
 */
export interface Refusal {
  readonly kind: ProblemKind;
  readonly code: string;
  readonly detail: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const refusalProblem = (refusal: Refusal): ProblemData => ({
  kind: refusal.kind,
  detail: refusal.detail,
  ...(refusal.headers && { headers: refusal.headers }),
});

/**
 * A monthly quota used up: 429 `quota-exceeded`, `Retry-After` = seconds until the next UTC month,
 * and the RateLimit fields of the quota (draft-ietf-httpapi-ratelimit-headers).
 */
export function quotaExceeded(metric: string, refused: Extract<ConsumeResult, { ok: false }>): Refusal {
  const { limit, used, period, retryAfterSeconds } = refused;
  const name = `"${metric}-per-month"`;
  const monthSeconds = Math.round(
    (period.resetsAt.getTime() - Date.parse(`${period.start}T00:00:00Z`)) / 1000,
  );
  return {
    kind: 'quotaExceeded',
    code: 'quota-exceeded',
    detail: `the plan allows ${limit} ${metric} per UTC month and ${used} are used; the quota resets at ${period.resetsAt.toISOString()}`,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'ratelimit-policy': `${name};q=${limit};w=${monthSeconds}`,
      ratelimit: `${name};r=0;t=${retryAfterSeconds}`,
    },
  };
}
