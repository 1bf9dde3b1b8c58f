/** Settings of the retry loop around each file. */
export interface RetryOptions {
  /**
   * Maximum attempts per file, the first one included.
   *
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * Upper bound of the first backoff delay, in milliseconds. Each later delay doubles it.
   *
   * @default 500
   */
  readonly baseDelayMs?: number;
  /**
   * Upper bound of any backoff delay, in milliseconds.
   *
   * @default 20000
   */
  readonly maxDelayMs?: number;
  /**
   * Waits the given number of milliseconds. Tests pass a function that returns at once.
   *
   * @default a `setTimeout` promise
   */
  readonly sleep?: (milliseconds: number) => Promise<void>;
  /**
   * Returns a number in [0, 1) for the jitter.
   *
   * @default Math.random
   */
  readonly random?: () => number;
}

/** Network error codes after which the same request may succeed. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

/**
 * Returns the HTTP status of a Cloud Storage error, or undefined when the error carries none.
 * `ApiError` from `@google-cloud/storage` stores it in `code`, gaxios errors in `response.status`.
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const candidate = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [candidate.code, candidate.status, candidate.response?.status]) {
    if (typeof value === 'number' && value >= 100 && value < 600) {
      return value;
    }
  }
  return undefined;
}

/**
 * Returns true for errors that a later attempt may not see: throttling (429), server errors (5xx)
 * and dropped or refused connections.
 */
export function isRetryableError(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) {
    return status === 429 || status >= 500;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code);
}

/**
 * Returns the delay before attempt `attempt + 1`, in milliseconds, after `attempt` failed
 * attempts. It uses full jitter: a random value up to `baseDelayMs * 2^(attempt - 1)`, capped at
 * `maxDelayMs`, so parallel runs that fail together do not retry together.
 */
export function backoffDelayMs(attempt: number, options: RetryOptions = {}): number {
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `milliseconds` with a timer. */
export function sleepWithTimer(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Throws when a retry setting is outside its valid range. */
export function validateRetryOptions(options: RetryOptions): void {
  const checks: Array<[string, number | undefined, number]> = [
    ['maxAttempts', options.maxAttempts, 1],
    ['baseDelayMs', options.baseDelayMs, 0],
    ['maxDelayMs', options.maxDelayMs, 0],
  ];
  for (const [name, value, minimum] of checks) {
    if (value !== undefined && (!Number.isInteger(value) || value < minimum)) {
      throw new Error(`Invalid ${name} ${JSON.stringify(value)}: use a whole number of at least ${minimum}.`);
    }
  }
}
