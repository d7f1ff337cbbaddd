import { randomUUID } from 'node:crypto';

/** What one command came to, after every retry. */
export type CommandResult =
  | {
      readonly outcome: 'accepted';
      readonly status: number;
      readonly body: Record<string, unknown>;
      readonly attempts: number;
    }
  | {
      readonly outcome: 'refused';
      readonly status: number;
      readonly body: Record<string, unknown>;
      readonly attempts: number;
    }
  | { readonly outcome: 'gave-up'; readonly lastStatus: number; readonly attempts: number };

export interface RetryPolicy {
  /** Give up after this long (the client then does not know whether the command ran). */
  readonly deadlineMs: number;
  /** One attempt's timeout. */
  readonly attemptTimeoutMs: number;
  /** First pause between attempts; doubled each time up to `maxBackoffMs`, with jitter. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = {
  deadlineMs: 180_000,
  attemptTimeoutMs: 15_000,
  backoffMs: 200,
  maxBackoffMs: 3_000,
};

/**
 * Whether an answer leaves the command's fate open, so that the client sends it again under the
 * same key, as the contract intends: no answer (0), a key still in flight (409 with
 * `Retry-After`), a dependency down (503), a gateway that timed out (504), or a rate limit (429).
 * Every other answer is final: 2xx accepted, 4xx refused.
 */
export function isRetriable(status: number, headers?: Headers): boolean {
  if (status === 0 || status === 503 || status === 504 || status === 429 || status === 502) return true;
  return status === 409 && headers?.get('retry-after') !== null && headers?.get('retry-after') !== undefined;
}

/**
 * A client that behaves as the contract asks of one: every write carries an `Idempotency-Key`,
 * and a retriable answer is retried with the same key (and the same body) across the gateways it
 * knows, until a final answer or its deadline.
 */
export class RetryingClient {
  retries = 0;
  private next = 0;

  constructor(
    private readonly gateways: readonly string[],
    private readonly headers: Readonly<Record<string, string>>,
    private readonly policy: RetryPolicy = DEFAULT_POLICY,
  ) {}

  async send(method: string, path: string, body: unknown): Promise<CommandResult> {
    const key = randomUUID();
    const started = Date.now();
    let backoff = this.policy.backoffMs;
    let lastStatus = 0;
    for (let attempts = 1; ; attempts += 1) {
      const gateway = this.gateways[this.next++ % this.gateways.length] ?? '';
      const answer = await this.attempt(`${gateway}${path}`, method, body, key);
      lastStatus = answer.status;
      if (!isRetriable(answer.status, answer.headers)) {
        return answer.status < 300
          ? { outcome: 'accepted', status: answer.status, body: answer.body, attempts }
          : { outcome: 'refused', status: answer.status, body: answer.body, attempts };
      }
      if (Date.now() - started > this.policy.deadlineMs) return { outcome: 'gave-up', lastStatus, attempts };
      this.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random())));
      backoff = Math.min(backoff * 2, this.policy.maxBackoffMs);
    }
  }

  private async attempt(
    url: string,
    method: string,
    body: unknown,
    key: string,
  ): Promise<{ status: number; headers?: Headers; body: Record<string, unknown> }> {
    try {
      const response = await fetch(url, {
        method,
        headers: { ...this.headers, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.policy.attemptTimeoutMs),
      });
      const text = await response.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        parsed = { text };
      }
      return { status: response.status, headers: response.headers, body: parsed };
    } catch {
      return { status: 0, body: {} };
    }
  }
}
