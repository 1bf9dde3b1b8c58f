import type { ExecuteStatementCommandInput, ExecuteStatementCommandOutput } from '@aws-sdk/client-rds-data';
import { describeError } from './errors';
import { logEvent } from './log';
import { SqlExecutor, SqlRow } from './postgres';

/** Subset of the SDK's aggregated `RDSData` client that the executor calls; tests pass a stub. */
export interface RdsDataApi {
  executeStatement(input: ExecuteStatementCommandInput): Promise<ExecuteStatementCommandOutput>;
}

/** Backoff of retried Data API calls. */
export interface RetryOptions {
  /**
   * Time after the first attempt of a statement when no further attempt starts, in milliseconds.
   *
   * @default 300000 (5 minutes)
   */
  readonly maxElapsedMs?: number;

  /**
   * Wait before the first retry, in milliseconds; each further wait doubles.
   *
   * @default 1000
   */
  readonly initialDelayMs?: number;

  /**
   * Upper bound of one wait, in milliseconds.
   *
   * @default 20000
   */
  readonly maxDelayMs?: number;

  /** Waits `ms` milliseconds; tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;

  /** Returns the current time in milliseconds; tests pass a fake clock. */
  readonly now?: () => number;
}

/** Options of `createDataApiExecutor`. */
export interface DataApiExecutorOptions {
  readonly rdsData: RdsDataApi;
  readonly clusterArn: string;
  /** Secret with the credentials that the Data API connects with (the cluster's master secret). */
  readonly secretArn: string;

  /**
   * Database for statements that name none. It must exist before provisioning starts.
   *
   * @default 'postgres'
   */
  readonly defaultDatabase?: string;

  readonly retry?: RetryOptions;
}

/**
 * Data API errors that go away on their own: the cluster resuming from auto-pause, the writer
 * being briefly unavailable (scaling, failover), throttling and internal errors.
 */
const RETRYABLE_ERROR_NAMES = new Set([
  'DatabaseResumingException',
  'DatabaseUnavailableException',
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
]);

/** Returns whether a failed Data API call is worth repeating after a wait. */
export function isRetryableDataApiError(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  if (RETRYABLE_ERROR_NAMES.has(error.name)) {
    return true;
  }
  const retryable = (error as { $retryable?: unknown }).$retryable;
  return retryable !== undefined && retryable !== null;
}

/**
 * Creates a `SqlExecutor` that runs each statement with RDS Data API `ExecuteStatement` outside
 * any transaction, so every statement autocommits and `CREATE DATABASE` is allowed. Retries the
 * errors of `isRetryableDataApiError` with exponential backoff and logs one line per retry.
 * The SQL text is never logged because it can contain a SCRAM verifier.
 */
export function createDataApiExecutor(options: DataApiExecutorOptions): SqlExecutor {
  const defaultDatabase = options.defaultDatabase ?? 'postgres';
  const retry = options.retry ?? {};
  const maxElapsedMs = retry.maxElapsedMs ?? 300_000;
  const initialDelayMs = retry.initialDelayMs ?? 1000;
  const maxDelayMs = retry.maxDelayMs ?? 20_000;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = retry.now ?? Date.now;

  async function execute(sql: string, database?: string): Promise<SqlRow[]> {
    const target = database ?? defaultDatabase;
    const input: ExecuteStatementCommandInput = {
      resourceArn: options.clusterArn,
      secretArn: options.secretArn,
      database: target,
      sql,
      formatRecordsAs: 'JSON',
    };

    const startedAt = now();
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await options.rdsData.executeStatement(input);
        return parseRecords(output);
      } catch (error) {
        if (!isRetryableDataApiError(error)) {
          throw error;
        }
        const elapsedMs = now() - startedAt;
        const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
        const errorName = (error as Error).name;
        if (elapsedMs + delayMs > maxElapsedMs) {
          logEvent('ERROR', 'data_api.retries_exhausted', { database: target, attempt, elapsedMs, errorName });
          throw new Error(
            `RDS Data API call in database "${target}" still failed after ${attempt} attempts over `
            + `${Math.round(elapsedMs / 1000)} s: ${describeError(error)}. Check that cluster `
            + `${options.clusterArn} is available (not stopped, not stuck resuming) and deploy again.`,
          );
        }
        logEvent('WARN', 'data_api.retry', { database: target, attempt, delayMs, errorName });
        await sleep(delayMs);
      }
    }
  }

  return { execute };
}

/** Parses `formattedRecords`, which the Data API returns only for statements with a result set. */
function parseRecords(output: ExecuteStatementCommandOutput): SqlRow[] {
  if (!output.formattedRecords) {
    return [];
  }
  const records: unknown = JSON.parse(output.formattedRecords);
  if (!Array.isArray(records)) {
    throw new Error('The RDS Data API returned formattedRecords that is not a JSON array.');
  }
  return records as SqlRow[];
}
