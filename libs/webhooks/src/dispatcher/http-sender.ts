import { type Dispatcher, request } from 'undici';
import { refusalIn } from '../egress/webhook-egress';
import type { PostResult } from './attempt-outcome';

/** Longest response body read (and discarded), so a chatty receiver cannot hold the dispatcher. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs `body` through `dispatcher` and reports the status, the error if no answer came within
 * `timeoutMs`, or the refusal if the dispatcher's address check refused to connect. Redirects are
 * not followed. Never throws.
 */
export async function postWebhook(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; dispatcher: Dispatcher },
): Promise<PostResult> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      dispatcher: options.dispatcher,
    });
    await response.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
    return { kind: 'response', statusCode: response.statusCode };
  } catch (error) {
    const refusal = refusalIn(error);
    if (refusal) return { kind: 'refused', reason: refusal.message };
    return { kind: 'error', error: describeError(error) };
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${describeError(error.cause)}` : '';
  const code = 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
  return `${error.name}${code}: ${error.message}${cause}`.slice(0, 500);
}
