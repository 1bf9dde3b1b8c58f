import * as fs from 'fs';
import { pipeline } from 'stream/promises';
import { ObjectWriteOptions, ReplicationBucket, ReplicationObject, RemoteObjectMetadata } from './bucket';
import { UPLOAD_CACHE_CONTROL, contentTypeFor } from './content-type';
import { UploadDay, recentUploadDays, uploadDaysBetween } from './dates';
import { UploadFile, listUploadFiles, md5OfFile } from './local-files';
import { ReplicationLogger, describeReplicationError, logJsonLine } from './log';
import { RetryOptions, backoffDelayMs, httpStatusOf, isRetryableError, sleepWithTimer, validateRetryOptions } from './retry';

/** Options shared by `replicateRecent` and `backfill`. */
export interface ReplicationOptions extends RetryOptions {
  /**
   * Destination bucket, from a `Storage` client that the caller creates. Give that client
   * `retryOptions: { autoRetry: false }`, because replication retries whole file copies itself
   * and the client's own retries would multiply the attempts.
   */
  readonly bucket: ReplicationBucket;
  /** Absolute path where the uploads directory is mounted, such as `/mnt/uploads`. */
  readonly uploadsPath: string;
  /**
   * Files larger than this many bytes use a resumable upload, smaller ones a single request.
   *
   * @default 8 MiB
   */
  readonly resumableThresholdBytes?: number;
  /**
   * Minimum age, by modification time, of a file to copy. Younger files may still be being written,
   * and a partial copy would be cached for a year, so they wait for a later run.
   *
   * @default 10
   */
  readonly minFileAgeSeconds?: number;
  /**
   * Number of files copied at the same time.
   *
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Returns the current time. It picks the recent days and measures the replication lag.
   *
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /**
   * Receives one object per file action and one per run.
   *
   * @default one JSON line per entry on stdout
   */
  readonly logger?: ReplicationLogger;
}

/** Options of `replicateRecent`. */
export interface RecentReplicationOptions extends ReplicationOptions {
  /**
   * Number of UTC days to scan, today included.
   *
   * @default 2
   */
  readonly days?: number;
}

/** A file that was not copied after all attempts. The caller sends these to a dead-letter queue. */
export interface ReplicationFailure {
  /** Path on the mounted file system. */
  readonly path: string;
  /** Object key, or the day prefix followed by `/` when a whole day folder could not be listed. */
  readonly key: string;
  readonly reason: string;
  /** Attempts made, 0 when the folder listing failed. */
  readonly attempts: number;
}

/** Counts and failures of one replication run. */
export interface ReplicationResult {
  /** Days scanned, as `YYYY-MM-DD`, oldest first. */
  readonly days: string[];
  readonly filesSeen: number;
  readonly filesCopied: number;
  /** Files whose object already had the same size and MD5. */
  readonly filesSkipped: number;
  /** Files younger than `minFileAgeSeconds`, left for a later run. */
  readonly filesDeferred: number;
  readonly filesFailed: number;
  readonly bytesCopied: number;
  /**
   * Age in whole seconds of the oldest file, by modification time, that this run copied, deferred or
   * failed to copy: how long media waited to reach the bucket. 0 when every file was already there.
   */
  readonly replicationLagSeconds: number;
  readonly failures: ReplicationFailure[];
}

/** Default size above which uploads are resumable. A resumable upload costs an extra request to open its session. */
export const DEFAULT_RESUMABLE_THRESHOLD_BYTES = 8 * 1024 * 1024;

const DEFAULT_RECENT_DAYS = 2;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_MIN_FILE_AGE_SECONDS = 10;
const DEFAULT_MAX_ATTEMPTS = 5;
const LOG_EVENT = 'gcs_replication';

/**
 * Custom metadata key of the source file's modification time, in whole epoch milliseconds. When
 * size and this time match, the file is skipped without being read, which keeps scheduled runs
 * from reading every recent file from the file system again.
 */
export const SOURCE_MODIFIED_METADATA_KEY = 'cdk-postiz-source-mtime';

/**
 * Copies new and changed files of the most recent UTC days, today included, to the bucket.
 * A file that still fails after retries does not stop the run but is listed in `failures`.
 * Throws only for invalid options and for an unreadable uploads path.
 */
export async function replicateRecent(options: RecentReplicationOptions): Promise<ReplicationResult> {
  const now = (options.now ?? (() => new Date()))();
  const days = recentUploadDays(now, options.days ?? DEFAULT_RECENT_DAYS);
  return replicateDays(options, days);
}

/**
 * Copies new and changed files of every UTC day from `fromDate` to `toDate`, both included and
 * given as `YYYY-MM-DD`. Throws for an invalid or reversed range, or one longer than
 * `MAX_BACKFILL_DAYS`, before it touches any file.
 */
export async function backfill(options: ReplicationOptions, fromDate: string, toDate: string): Promise<ReplicationResult> {
  return replicateDays(options, uploadDaysBetween(fromDate, toDate));
}

type FileOutcome =
  | { readonly kind: 'copied'; readonly bytes: number; readonly modifiedMs: number }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'deferred'; readonly modifiedMs: number }
  | { readonly kind: 'failed'; readonly failure: ReplicationFailure; readonly modifiedMs?: number };

/** Remote objects of the day folders that were listed. Folders whose listing failed are not in `prefixes`. */
interface RemoteListing {
  readonly prefixes: Set<string>;
  readonly objects: Map<string, RemoteObjectMetadata>;
}

interface RunContext {
  readonly bucket: ReplicationBucket;
  readonly listed: RemoteListing;
  readonly resumableThresholdBytes: number;
  /** Files modified after this time, in epoch milliseconds, are deferred. */
  readonly deferAfterMs: number;
  readonly maxAttempts: number;
  readonly retry: RetryOptions;
  readonly sleep: (milliseconds: number) => Promise<void>;
  readonly log: ReplicationLogger;
}

async function replicateDays(options: ReplicationOptions, days: readonly UploadDay[]): Promise<ReplicationResult> {
  const startedAt = (options.now ?? (() => new Date()))();
  const settings = createRunContext(options, startedAt);
  const listing = await listUploadFiles(options.uploadsPath, days);
  const context: RunContext = { ...settings, listed: await listRemoteObjects(listing.files, settings) };

  const failures: ReplicationFailure[] = [];
  for (const folder of listing.unreadableFolders) {
    const reason = describeReplicationError(folder.error);
    const prefix = folder.path.slice(options.uploadsPath.length).replace(/^\/+/, '');
    failures.push({ path: folder.path, key: `${prefix}/`, reason, attempts: 0 });
    context.log({ level: 'ERROR', event: LOG_EVENT, action: 'folder_failed', path: folder.path, reason });
  }

  const outcomes = await mapWithConcurrency(
    listing.files,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    (file) => replicateFile(file, context),
  );

  let filesCopied = 0;
  let filesSkipped = 0;
  let filesDeferred = 0;
  let bytesCopied = 0;
  let oldestPendingMs: number | undefined;
  for (const outcome of outcomes) {
    if (outcome.kind === 'skipped') {
      filesSkipped++;
      continue;
    }
    if (outcome.kind === 'copied') {
      filesCopied++;
      bytesCopied += outcome.bytes;
    } else if (outcome.kind === 'deferred') {
      filesDeferred++;
    } else {
      failures.push(outcome.failure);
    }
    if (outcome.modifiedMs !== undefined) {
      oldestPendingMs = Math.min(oldestPendingMs ?? outcome.modifiedMs, outcome.modifiedMs);
    }
  }

  const result: ReplicationResult = {
    days: days.map((day) => day.date),
    filesSeen: listing.files.length,
    filesCopied,
    filesSkipped,
    filesDeferred,
    filesFailed: outcomes.length - filesCopied - filesSkipped - filesDeferred,
    bytesCopied,
    replicationLagSeconds: oldestPendingMs === undefined
      ? 0
      : Math.max(0, Math.floor((startedAt.getTime() - oldestPendingMs) / 1000)),
    failures,
  };
  const { failures: _failures, ...counts } = result;
  context.log({ level: failures.length > 0 ? 'WARN' : 'INFO', event: LOG_EVENT, action: 'run_finished', bucket: context.bucket.name, ...counts });
  return result;
}

function createRunContext(options: ReplicationOptions, startedAt: Date): RunContext {
  const listed: RemoteListing = { prefixes: new Set(), objects: new Map() };
  validateRetryOptions(options);
  const resumableThresholdBytes = options.resumableThresholdBytes ?? DEFAULT_RESUMABLE_THRESHOLD_BYTES;
  if (!Number.isInteger(resumableThresholdBytes) || resumableThresholdBytes < 0) {
    throw new Error(`Invalid resumableThresholdBytes ${JSON.stringify(resumableThresholdBytes)}: use a whole number of bytes, 0 or more.`);
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`Invalid concurrency ${JSON.stringify(concurrency)}: use a whole number of at least 1.`);
  }
  const minFileAgeSeconds = options.minFileAgeSeconds ?? DEFAULT_MIN_FILE_AGE_SECONDS;
  if (!Number.isFinite(minFileAgeSeconds) || minFileAgeSeconds < 0) {
    throw new Error(`Invalid minFileAgeSeconds ${JSON.stringify(minFileAgeSeconds)}: use a number of seconds, 0 or more.`);
  }
  return {
    bucket: options.bucket,
    listed,
    resumableThresholdBytes,
    deferAfterMs: startedAt.getTime() - minFileAgeSeconds * 1000,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retry: options,
    sleep: options.sleep ?? sleepWithTimer,
    log: options.logger ?? logJsonLine,
  };
}

/**
 * Copies one file, retrying throttling, server and connection errors with backoff. A failed
 * generation precondition (412) means another run wrote the object first, so the next attempt
 * compares again at once and skips the file when the contents are now equal.
 */
async function replicateFile(file: UploadFile, context: RunContext): Promise<FileOutcome> {
  const base = { event: LOG_EVENT, bucket: context.bucket.name, key: file.key };
  let modifiedMs: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const stats = await fs.promises.stat(file.path);
      modifiedMs = stats.mtimeMs;
      if (modifiedMs > context.deferAfterMs) {
        context.log({ ...base, level: 'INFO', action: 'deferred', reason: 'modified too recently', attempt });
        return { kind: 'deferred', modifiedMs };
      }
      const outcome = await copyIfChanged(file, stats, context, attempt);
      if (outcome.kind === 'skipped') {
        context.log({ ...base, level: 'INFO', action: 'skipped', reason: outcome.reason, attempt });
        return { kind: 'skipped' };
      }
      context.log({ ...base, level: 'INFO', action: 'copied', bytes: outcome.bytes, resumable: outcome.resumable, attempt });
      return { kind: 'copied', bytes: outcome.bytes, modifiedMs };
    } catch (error) {
      const status = httpStatusOf(error);
      const reason = describeReplicationError(error);
      const retryable = status === 412 || isRetryableError(error);
      if (!retryable || attempt >= context.maxAttempts) {
        context.log({ ...base, level: 'ERROR', action: 'failed', path: file.path, status, reason, attempt });
        const failure: ReplicationFailure = {
          path: file.path,
          key: file.key,
          reason: retryable ? `${reason} (gave up after ${attempt} attempts)` : reason,
          attempts: attempt,
        };
        return { kind: 'failed', failure, modifiedMs };
      }
      const delayMs = status === 412 ? 0 : backoffDelayMs(attempt, context.retry);
      const action = status === 412 ? 'precondition_failed' : 'retry';
      context.log({ ...base, level: 'WARN', action, status, reason, attempt, delayMs });
      if (delayMs > 0) {
        await context.sleep(delayMs);
      }
    }
  }
}

type CopyOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'copied'; readonly bytes: number; readonly resumable: boolean };

/**
 * Compares the file with its object and uploads it when the object is missing or differs. The
 * first attempt uses the day folder's listing when there is one, and retries fetch the metadata again.
 */
async function copyIfChanged(file: UploadFile, stats: fs.Stats, context: RunContext, attempt: number): Promise<CopyOutcome> {
  const object = context.bucket.file(file.key);
  const remote = attempt === 1 && context.listed.prefixes.has(dayPrefixOf(file.key))
    ? context.listed.objects.get(file.key)
    : await fetchMetadata(object);
  const size = stats.size;
  const modified = sourceModifiedMarker(stats.mtimeMs);
  if (remote !== undefined && Number(remote.size) === size) {
    if (remote.md5Hash !== undefined && String(remote.metadata?.[SOURCE_MODIFIED_METADATA_KEY]) === modified) {
      return { kind: 'skipped', reason: 'same size and modification time' };
    }
    // MD5 rather than CRC32C: Node's crypto computes it natively, and Cloud Storage sets md5Hash
    // on every non-composite object, which is all this code writes.
    // NOTE: a file whose time changed but whose content did not is read again on every run,
    // because the object keeps the earlier time.
    const localMd5 = await md5OfFile(file.path);
    if (remote.md5Hash === localMd5) {
      return { kind: 'skipped', reason: 'same size and MD5' };
    }
  }
  if (remote !== undefined && remote.generation === undefined) {
    throw new Error(`Object ${file.key} has no generation in its metadata, so it cannot be replaced safely.`);
  }

  const resumable = size > context.resumableThresholdBytes;
  const writeOptions: ObjectWriteOptions = {
    resumable,
    metadata: {
      contentType: contentTypeFor(file.key),
      cacheControl: UPLOAD_CACHE_CONTROL,
      metadata: { [SOURCE_MODIFIED_METADATA_KEY]: modified },
    },
    // Generation 0 creates the object only if it is still missing, and the generation read above
    // replaces only the version that was compared, so a newer copy from a parallel run stays.
    preconditionOpts: { ifGenerationMatch: remote?.generation ?? 0 },
  };
  const source = fs.createReadStream(file.path);
  await pipeline(source, object.createWriteStream(writeOptions));
  return { kind: 'copied', bytes: source.bytesRead, resumable };
}

/**
 * Lists the objects of each day folder that has files, retrying throttling and server errors. A
 * folder whose listing still fails is left out, and its files fetch their metadata one by one.
 */
async function listRemoteObjects(files: readonly UploadFile[], context: RunContext): Promise<RemoteListing> {
  const listed: RemoteListing = { prefixes: new Set(), objects: new Map() };
  const bucket = context.bucket;
  if (!bucket.getFiles) {
    return listed;
  }
  const prefixes = [...new Set(files.map((file) => dayPrefixOf(file.key)))];
  for (const prefix of prefixes) {
    for (let attempt = 1; ; attempt++) {
      try {
        const [objects] = await bucket.getFiles({ prefix: `${prefix}/`, autoPaginate: true });
        for (const object of objects) {
          listed.objects.set(object.name, object.metadata);
        }
        listed.prefixes.add(prefix);
        break;
      } catch (error) {
        const base = { event: LOG_EVENT, bucket: bucket.name, prefix: `${prefix}/`, status: httpStatusOf(error), reason: describeReplicationError(error), attempt };
        if (!isRetryableError(error) || attempt >= context.maxAttempts) {
          context.log({ ...base, level: 'WARN', action: 'list_failed' });
          break;
        }
        const delayMs = backoffDelayMs(attempt, context.retry);
        context.log({ ...base, level: 'WARN', action: 'retry', delayMs });
        await context.sleep(delayMs);
      }
    }
  }
  return listed;
}

/** Returns the day prefix `YYYY/MM/DD` of an object key. */
function dayPrefixOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/'));
}

/** Formats a modification time as stored in `SOURCE_MODIFIED_METADATA_KEY`. */
function sourceModifiedMarker(mtimeMs: number): string {
  return String(Math.trunc(mtimeMs));
}

async function fetchMetadata(object: ReplicationObject): Promise<RemoteObjectMetadata | undefined> {
  try {
    const [metadata] = await object.getMetadata();
    return metadata;
  } catch (error) {
    if (httpStatusOf(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

/** Runs `worker` over `items` with at most `concurrency` calls in flight, keeping the input order. */
async function mapWithConcurrency<T, R>(items: readonly T[], concurrency: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index]);
    }
  });
  await Promise.all(runners);
  return results;
}
