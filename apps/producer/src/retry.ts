/** Exponential backoff: initial, 2×initial, 4×initial … capped at maximum. `jitter` in [0,1) spreads retries of many clients. */
export function backoffDelayMs(attempt: number, initialMs: number, maximumMs: number, jitter = 0): number {
  const exponential = Math.min(maximumMs, initialMs * 2 ** Math.max(0, attempt));
  return Math.round(exponential * (1 - 0.5 * jitter));
}

export interface RetryOptions {
  retries: number;
  initialDelayMs: number;
  maximumDelayMs: number;
  /** Called before each wait so the caller can log why we retry. */
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  /** Decides whether an error is worth retrying; defaults to always. */
  isRetryable?: (error: unknown) => boolean;
  sleep?: (milliseconds: number) => Promise<void>;
  random?: () => number;
}

const realSleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

export async function withRetries<Result>(
  operation: (attempt: number) => Promise<Result>,
  options: RetryOptions,
): Promise<Result> {
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const retryable = options.isRetryable ? options.isRetryable(error) : true;
      if (!retryable || attempt >= options.retries) throw error;
      const delayMs = backoffDelayMs(attempt, options.initialDelayMs, options.maximumDelayMs, random());
      options.onRetry?.(attempt + 1, delayMs, error);
      await sleep(delayMs);
    }
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
