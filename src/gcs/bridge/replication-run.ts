import type { Storage } from '@google-cloud/storage';
import { fetchAccessToken } from './authentication';
import { ReplicationSettings } from './configuration';
import { ResolvedCredentials } from './credentials';
import { DeadLetterQueueApi, sendToDeadLetterQueue } from './dead-letter';
import { logBridgeAction, writeJsonLine } from './log';
import { writeReplicationMetrics } from './metrics';
import { ReplicationOptions, ReplicationResult, backfill, replicateRecent } from '../replication/replicate';
import { RetryOptions } from '../replication/retry';

/** A replication run that an event requested. */
export type ReplicationRequest =
  | { readonly kind: 'recent' }
  | { readonly kind: 'backfill'; readonly from: string; readonly to: string };

/** Counts of one replication run, returned by the handler. */
export interface ReplicationRunResult {
  readonly mode: 'recent' | 'backfill';
  readonly bucket: string;
  /** Days scanned, as `YYYY-MM-DD`, oldest first. */
  readonly days: string[];
  readonly filesSeen: number;
  readonly filesCopied: number;
  readonly filesSkipped: number;
  readonly filesDeferred: number;
  readonly filesFailed: number;
  readonly bytesCopied: number;
  readonly replicationLagSeconds: number;
  /** Messages sent to the dead-letter queue, one per failure. */
  readonly deadLetterMessages: number;
}

/** Everything one replication run needs. */
export interface ReplicationRunContext {
  readonly storage: Storage;
  readonly credentials: ResolvedCredentials;
  readonly bucketName: string;
  readonly settings: ReplicationSettings;
  readonly metricsNamespace: string;
  readonly deadLetterQueue: () => DeadLetterQueueApi;
  readonly now: () => Date;
  /** Retry settings of the file copies and the dead-letter sends, for tests. */
  readonly retry?: RetryOptions;
}

/**
 * Runs `replicateRecent` or `backfill`, writes one EMF metrics line, and sends each failure to the
 * dead-letter queue. Throws before copying when the credentials are rejected or the uploads path
 * cannot be read, and after the metrics line when the dead-letter queue did not accept every message.
 */
export async function runReplication(request: ReplicationRequest, context: ReplicationRunContext): Promise<ReplicationRunResult> {
  await fetchAccessToken(context.storage, context.credentials);

  const options: ReplicationOptions = {
    ...context.retry,
    bucket: context.storage.bucket(context.bucketName),
    uploadsPath: context.settings.uploadsPath,
    minFileAgeSeconds: context.settings.minFileAgeSeconds,
    concurrency: context.settings.concurrency,
    now: context.now,
    logger: writeJsonLine,
  };
  const result: ReplicationResult = request.kind === 'recent'
    ? await replicateRecent({ ...options, days: context.settings.recentDays })
    : await backfill(options, request.from, request.to);

  const finishedAt = context.now();
  writeReplicationMetrics(result, {
    namespace: context.metricsNamespace,
    bucket: context.bucketName,
    mode: request.kind,
    timestamp: finishedAt,
  });

  let deadLetterMessages = 0;
  if (result.failures.length > 0) {
    deadLetterMessages = await sendToDeadLetterQueue(context.deadLetterQueue(), result.failures, {
      queueUrl: context.settings.deadLetterQueueUrl,
      bucket: context.bucketName,
      mode: request.kind,
      failedAt: finishedAt,
      sleep: context.retry?.sleep,
      random: context.retry?.random,
    });
    logBridgeAction('WARN', 'dead_letter_sent', {
      bucket: context.bucketName,
      queueUrl: context.settings.deadLetterQueueUrl,
      messages: deadLetterMessages,
      keys: result.failures.slice(0, 20).map((failure) => failure.key),
    });
  }

  return {
    mode: request.kind,
    bucket: context.bucketName,
    days: result.days,
    filesSeen: result.filesSeen,
    filesCopied: result.filesCopied,
    filesSkipped: result.filesSkipped,
    filesDeferred: result.filesDeferred,
    filesFailed: result.filesFailed,
    bytesCopied: result.bytesCopied,
    replicationLagSeconds: result.replicationLagSeconds,
    deadLetterMessages,
  };
}
