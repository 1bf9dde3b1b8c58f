import { describeReplicationError } from '../replication/log';
import { ReplicationFailure } from '../replication/replicate';
import { RetryOptions, backoffDelayMs, sleepWithTimer } from '../replication/retry';

/** One entry of a `SendMessageBatch` request, as in `@aws-sdk/client-sqs`. */
export interface DeadLetterBatchEntry {
  readonly Id: string;
  readonly MessageBody: string;
}

/** The fields of a `SendMessageBatch` response that the sender reads, as in `@aws-sdk/client-sqs`. */
export interface DeadLetterBatchOutput {
  readonly Successful?: ReadonlyArray<{ readonly Id?: string }>;
  readonly Failed?: ReadonlyArray<{
    readonly Id?: string;
    readonly SenderFault?: boolean;
    readonly Code?: string;
    readonly Message?: string;
  }>;
}

/**
 * The part of the SDK's aggregated `SQS` client from `@aws-sdk/client-sqs` that the bridge calls.
 * `new SQS({})` fits it, and tests can pass a small client aimed at moto.
 */
export interface DeadLetterQueueApi {
  sendMessageBatch(input: { QueueUrl: string; Entries: DeadLetterBatchEntry[] }): Promise<DeadLetterBatchOutput>;
}

/** Body of one dead-letter message, as JSON. */
export interface DeadLetterMessage {
  readonly bucket: string;
  /** Object key, or a day prefix ending in `/` when the whole day folder could not be listed. */
  readonly key: string;
  readonly path: string;
  readonly reason: string;
  readonly attempts: number;
  /** Run mode, `recent` or `backfill`. */
  readonly mode: string;
  /** ISO 8601 time of the run that gave up on the file. */
  readonly failedAt: string;
}

/** Queue, message fields and retry settings for the failures of one run. */
export interface DeadLetterContext extends Pick<RetryOptions, 'sleep' | 'random'> {
  readonly queueUrl: string;
  readonly bucket: string;
  readonly mode: string;
  readonly failedAt: Date;
  /**
   * Attempts for entries that SQS reports as failed without a sender fault, such as throttling.
   *
   * @default 3
   */
  readonly maxAttempts?: number;
}

/** Maximum number of entries in one `SendMessageBatch` request, fixed by SQS. */
export const MAX_BATCH_ENTRIES = 10;

/**
 * Sends one message per failure to the dead-letter queue, in batches of at most ten. Entries that
 * SQS reports as failed without a sender fault are sent again, up to `maxAttempts` times. Throws
 * when any message was not accepted, so Lambda passes the event to the function's own
 * dead-letter queue. Returns the number of messages sent.
 *
 * NOTE: after a throw, Lambda may run the event again, so a consumer can receive the same key twice.
 */
export async function sendToDeadLetterQueue(
  sqs: DeadLetterQueueApi,
  failures: readonly ReplicationFailure[],
  context: DeadLetterContext,
): Promise<number> {
  const failedAt = context.failedAt.toISOString();
  const pending = failures.map((failure, index) => ({
    Id: `failure-${index}`,
    MessageBody: JSON.stringify(deadLetterMessage(failure, context, failedAt)),
  }));
  const rejected: string[] = [];
  for (let start = 0; start < pending.length; start += MAX_BATCH_ENTRIES) {
    const batch = pending.slice(start, start + MAX_BATCH_ENTRIES);
    rejected.push(...await sendBatch(sqs, batch, failures, context));
  }
  if (rejected.length > 0) {
    throw new Error(
      `Sending ${rejected.length} of ${failures.length} replication failures to dead-letter queue ${context.queueUrl} `
      + `failed: ${rejected.slice(0, 5).join('; ')}${rejected.length > 5 ? '; …' : ''}. Check that the queue exists and that `
      + "the function's role may call sqs:SendMessage on it and use its KMS key. The log lines with action failed list every file.",
    );
  }
  return failures.length;
}

/**
 * Sends one batch and resends the entries that failed without a sender fault. Returns one
 * description per entry that SQS did not accept.
 */
async function sendBatch(
  sqs: DeadLetterQueueApi,
  batch: DeadLetterBatchEntry[],
  failures: readonly ReplicationFailure[],
  context: DeadLetterContext,
): Promise<string[]> {
  const maxAttempts = context.maxAttempts ?? 3;
  const sleep = context.sleep ?? sleepWithTimer;
  const rejected: string[] = [];
  let entries = batch;
  for (let attempt = 1; ; attempt++) {
    let output: DeadLetterBatchOutput;
    try {
      output = await sqs.sendMessageBatch({ QueueUrl: context.queueUrl, Entries: entries });
    } catch (error) {
      // The AWS SDK client has already retried the request (3 attempts by default), so these
      // entries count as rejected.
      const reason = describeReplicationError(error);
      return [...rejected, ...entries.map((entry) => `${keyOf(entry, failures)} (${reason})`)];
    }

    const retry: DeadLetterBatchEntry[] = [];
    for (const result of output.Failed ?? []) {
      const entry = entries.find((candidate) => candidate.Id === result.Id);
      if (entry !== undefined && result.SenderFault !== true && attempt < maxAttempts) {
        retry.push(entry);
      } else {
        const key = entry !== undefined ? keyOf(entry, failures) : `entry ${result.Id ?? 'without id'}`;
        rejected.push(`${key} (${result.Code ?? 'no code'}: ${result.Message ?? 'no message'})`);
      }
    }
    if (retry.length === 0) {
      return rejected;
    }
    entries = retry;
    await sleep(backoffDelayMs(attempt, context));
  }
}

function deadLetterMessage(failure: ReplicationFailure, context: DeadLetterContext, failedAt: string): DeadLetterMessage {
  return {
    bucket: context.bucket,
    key: failure.key,
    path: failure.path,
    reason: failure.reason,
    attempts: failure.attempts,
    mode: context.mode,
    failedAt,
  };
}

function keyOf(entry: DeadLetterBatchEntry, failures: readonly ReplicationFailure[]): string {
  const index = Number(entry.Id.slice('failure-'.length));
  return failures[index]?.key ?? entry.Id;
}
