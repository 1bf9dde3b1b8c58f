import type { GetLogEventsCommandInput, GetLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { parseArn, taskIdFromArn } from './ecs-task';
import { describeError } from '../../data/provisioner/errors';

/** Subset of the SDK's aggregated `CloudWatchLogs` client that the handler calls. Tests pass moto or a stub. */
export interface CloudWatchLogsApi {
  getLogEvents(input: GetLogEventsCommandInput): Promise<GetLogEventsCommandOutput>;
}

/** Number of log events read from the end of the container's stream for a failure message. */
export const LOG_TAIL_EVENTS = 20;

/** Longer log lines are cut to this many characters, so one line cannot fill the message. */
export const MAX_LOG_LINE_LENGTH = 300;

/** Last lines of a container log, or the reason they could not be read. */
export interface LogTail {
  /** Lines in chronological order, cleaned for display. */
  readonly lines: string[];
  /** Reason the log could not be read, set only when `lines` is empty for that reason. */
  readonly unavailableReason?: string;
}

/** Returns the stream name that the `awslogs` driver uses for a container of an ECS task. */
export function logStreamName(streamPrefix: string, containerName: string, taskArn: string): string {
  return `${streamPrefix}/${containerName}/${taskIdFromArn(taskArn)}`;
}

/**
 * Encodes a log group or stream name for the CloudWatch console's `#logsV2:` fragment, which
 * takes the name URL-encoded twice with `%` replaced by `$` (so `/` becomes `$252F`).
 */
export function encodeConsoleFragmentName(name: string): string {
  return encodeURIComponent(encodeURIComponent(name)).replace(/%/g, '$');
}

/**
 * Returns the CloudWatch console link to a log stream, in the partition and region of the task ARN.
 * Returns undefined when the task ARN is not an ARN.
 */
export function logStreamConsoleUrl(taskArn: string, logGroup: string, logStream: string): string | undefined {
  const arn = parseArn(taskArn);
  if (!arn) {
    return undefined;
  }
  const host = consoleHost(arn.partition, arn.region);
  const fragment = `logsV2:log-groups/log-group/${encodeConsoleFragmentName(logGroup)}`
    + `/log-events/${encodeConsoleFragmentName(logStream)}`;
  return `https://${host}/cloudwatch/home?region=${arn.region}#${fragment}`;
}

/**
 * Reads the last `limit` events of a log stream. Never throws, because the log tail only adds
 * detail to a failure that is reported anyway: a read error becomes `unavailableReason`.
 */
export async function fetchLogTail(
  logs: CloudWatchLogsApi,
  logGroup: string,
  logStream: string,
  limit: number = LOG_TAIL_EVENTS,
): Promise<LogTail> {
  let output: GetLogEventsCommandOutput;
  try {
    output = await logs.getLogEvents({ logGroupName: logGroup, logStreamName: logStream, startFromHead: false, limit });
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      return {
        lines: [],
        unavailableReason: 'the log stream does not exist, so the container probably never started',
      };
    }
    return {
      lines: [],
      unavailableReason: `reading the log failed (${describeError(error)}); check that the handler role may call `
        + 'logs:GetLogEvents on the log group',
    };
  }

  // With startFromHead false, GetLogEvents returns the newest events, still oldest first.
  const lines = (output.events ?? [])
    .flatMap((event) => (event.message ?? '').split(/\r?\n/))
    .map(cleanLogLine)
    .filter((line) => line.length > 0);
  return { lines };
}

/**
 * Removes ANSI color codes and other control characters and cuts the line to
 * `MAX_LOG_LINE_LENGTH` characters. Prisma and Temporal's tools color their output.
 */
export function cleanLogLine(line: string): string {
  const text = line
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\t/g, '  ')
    .trimEnd();
  return text.length > MAX_LOG_LINE_LENGTH ? `${text.slice(0, MAX_LOG_LINE_LENGTH - 1)}…` : text;
}

// NOTE: the aws-cn and aws-us-gov console hosts are unverified. Only the aws partition link is tested.
function consoleHost(partition: string, region: string): string {
  switch (partition) {
    case 'aws-cn':
      return `${region}.console.amazonaws.cn`;
    case 'aws-us-gov':
      return `${region}.console.amazonaws-us-gov.com`;
    default:
      return `${region}.console.aws.amazon.com`;
  }
}
