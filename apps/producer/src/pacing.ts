/**
 * Rate pacing as pure arithmetic over (elapsed time, records sent), so the main loop
 * never accumulates timer drift: the k-th record (0-based) is due at k / rate seconds.
 */

/** How many records should have been sent by `elapsedMs`, never more than `total`. */
export function recordsDueBy(elapsedMs: number, ratePerSecond: number | undefined, total: number | undefined): number {
  const cap = total ?? Number.POSITIVE_INFINITY;
  if (ratePerSecond === undefined) return cap;
  const due = Math.floor((Math.max(0, elapsedMs) * ratePerSecond) / 1000) + 1;
  return Math.min(cap, due);
}

/** Size of the next batch to send now: what is due, at most `batchSize`. Zero means wait. */
export function nextBatchSize(
  elapsedMs: number,
  sent: number,
  ratePerSecond: number | undefined,
  total: number | undefined,
  batchSize: number,
): number {
  const due = recordsDueBy(elapsedMs, ratePerSecond, total);
  if (due === Number.POSITIVE_INFINITY) return batchSize;
  return Math.max(0, Math.min(batchSize, due - sent));
}

/** Milliseconds until the next record is due (0 if it already is). */
export function millisecondsUntilNextRecord(
  elapsedMs: number,
  sent: number,
  ratePerSecond: number | undefined,
): number {
  if (ratePerSecond === undefined) return 0;
  return Math.max(0, Math.ceil((sent * 1000) / ratePerSecond - elapsedMs));
}

/**
 * How long to wait when nothing is due yet. Waiting at least `lingerMs` groups records
 * into batches at high rates instead of one request per record; a record is late by at
 * most `lingerMs`.
 */
export function waitBeforeNextBatch(
  elapsedMs: number,
  sent: number,
  ratePerSecond: number | undefined,
  lingerMs: number,
): number {
  return Math.max(millisecondsUntilNextRecord(elapsedMs, sent, ratePerSecond), lingerMs);
}
