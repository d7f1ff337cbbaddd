/** The progress of a rebuild as the projection service reports it. */
export interface ReportedProgress {
  readonly done: number;
  readonly total: number;
  readonly ratePerSecond: number;
  readonly etaSeconds: number | null;
}

/**
 * Pure: one line of progress, `[#####-----]  50%  5,000/10,000 events  2,500 ev/s  ETA 2s`.
 *
 * @example
 * progressBar({ done: 1, total: 4, ratePerSecond: 1, etaSeconds: 3 }, 8); // '[##------]  25%  1/4 events  1 ev/s  ETA 3s'
 */
export function progressBar(progress: ReportedProgress, width = 30): string {
  const fraction = progress.total === 0 ? 1 : Math.min(1, progress.done / progress.total);
  const filled = Math.round(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const n = (value: number): string => value.toLocaleString('en-US');
  const eta = progress.etaSeconds === null ? '?' : `${progress.etaSeconds}s`;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ` +
    `${n(progress.done)}/${n(progress.total)} events  ${n(progress.ratePerSecond)} ev/s  ETA ${eta}`
  );
}
