import { type Dispatcher, request } from 'undici';
import type { PostResult } from './attempt-outcome';

/** Longest response body read (and discarded), so a chatty receiver cannot hold the dispatcher. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** POSTs `body` and reports the status, or the error if no answer came within `timeoutMs`. Never throws. */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; dispatcher?: Dispatcher },
): Promise<PostResult> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    await response.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
    return { kind: 'response', statusCode: response.statusCode };
  } catch (error) {
    return { kind: 'error', error: describeError(error) };
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${describeError(error.cause)}` : '';
  const code = 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
  return `${error.name}${code}: ${error.message}${cause}`.slice(0, 500);
}
