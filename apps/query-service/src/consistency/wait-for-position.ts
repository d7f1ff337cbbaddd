import { ProblemError } from '@platform/contracts';
import type { SeenPositions } from '@platform/read-models';

/** A position from a command's answer: a non-negative integer of at most 15 digits. */
const CONSISTENCY_TOKEN = /^\d{1,15}$/;

/**
 * `X-Consistency-Token: <position>` (from a command's answer): waits until this tenant's read models
 * have seen the event at that position, up to `waitMs`, then lets the read answer; past the bound,
 * 504 (ADR 0012). Only the tenant's own positions count: another tenant's token is never seen here,
 * and waits out the bound like a position not reached yet.
 */
export async function waitForPosition(
  positions: Pick<SeenPositions, 'waitUntilSeen'>,
  tenantId: string,
  token: string,
  waitMs: number,
): Promise<void> {
  const position = checkedPosition(token);
  // Positions start at 1: every read model has seen all there is up to 0 (no 5 s wait for a 504).
  if (position === 0) return;
  if (!(await positions.waitUntilSeen(tenantId, position, waitMs))) {
    throw new ProblemError(
      'timeout',
      `the read model has not seen position ${position} within ${waitMs} ms; retry`,
    );
  }
}

/** {@link waitForPosition} when the read came with a token; nothing to wait for otherwise. */
export async function waitForConsistency(
  positions: Pick<SeenPositions, 'waitUntilSeen'>,
  tenantId: string,
  token: string | undefined,
  waitMs: number,
): Promise<void> {
  if (token !== undefined) await waitForPosition(positions, tenantId, token, waitMs);
}

/** The position of a well-formed `X-Consistency-Token`, or a 400. */
export function checkedPosition(token: string): number {
  if (!CONSISTENCY_TOKEN.test(token)) {
    throw new ProblemError('validation', 'X-Consistency-Token must be a position (a non-negative integer)', [
      { path: '/headers/x-consistency-token', message: 'not a position' },
    ]);
  }
  return Number(token);
}
