/** Where a rebuild is, as the operator route and `tenantctl projections rebuild --wait` show it. */
export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
  /** Events per second since the start. */
  readonly ratePerSecond: number;
  /** Seconds left at that rate; null before anything was done. */
  readonly etaSeconds: number | null;
  /** 0..1. */
  readonly fraction: number;
}

/**
 * Pure: the progress after `done` of `total` events in `elapsedMs`. `done` may pass `total` (events
 * appended during the rebuild are folded too): the total then follows it.
 *
 * @example
 * progressOf(30_000, 120_000, 1_000); // { done: 30000, total: 120000, ratePerSecond: 30000, etaSeconds: 3, fraction: 0.25 }
 */
export function progressOf(done: number, total: number, elapsedMs: number): RebuildProgress {
  const shownTotal = Math.max(total, done);
  const ratePerSecond = elapsedMs > 0 ? Math.round((done * 1_000) / elapsedMs) : 0;
  const left = shownTotal - done;
  const etaSeconds = ratePerSecond > 0 ? Math.ceil(left / ratePerSecond) : left === 0 ? 0 : null;
  return {
    done,
    total: shownTotal,
    ratePerSecond,
    etaSeconds,
    fraction: shownTotal === 0 ? 1 : done / shownTotal,
  };
}
