/** Formats the periodic progress line written to stderr. */
export function formatProgress(
  sent: number,
  total: number | undefined,
  elapsedMs: number,
  recentRatePerSecond: number,
): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const average = sent / seconds;
  const share = total === undefined ? "" : `/${total} (${((100 * sent) / Math.max(total, 1)).toFixed(1)}%)`;
  return `progress: sent ${sent}${share} records, rate ${recentRatePerSecond.toFixed(1)}/s, average ${average.toFixed(1)}/s, elapsed ${seconds.toFixed(1)} s`;
}

/** Tracks the rate over the last reporting interval. */
export class ProgressMeter {
  private lastReportAt: number;
  private lastReportSent = 0;

  constructor(
    private readonly startedAt: number,
    private readonly intervalMs: number,
  ) {
    this.lastReportAt = startedAt;
  }

  /** Returns a line when an interval has passed since the last one, otherwise undefined. */
  maybeReport(now: number, sent: number, total: number | undefined): string | undefined {
    if (now - this.lastReportAt < this.intervalMs) return undefined;
    const recentRate = ((sent - this.lastReportSent) * 1000) / Math.max(1, now - this.lastReportAt);
    this.lastReportAt = now;
    this.lastReportSent = sent;
    return formatProgress(sent, total, now - this.startedAt, recentRate);
  }
}
