import type { Container, Task } from '@aws-sdk/client-ecs';
import { LogTail } from './log-tail';

/**
 * Maximum size of a failure message, counted in bytes of its JSON string form. CloudFormation
 * rejects a custom resource response body over 4096 bytes, and the body also carries the stack
 * ID, request ID, physical ID, `Data` and the provider framework's "Logs: /aws/lambda/..." line.
 */
export const MAX_MESSAGE_BYTES = 2500;

/** Content of a failure message before it is fitted to `MAX_MESSAGE_BYTES`. */
export interface FailureReport {
  /** First line: what failed and what to do. */
  readonly summary: string;
  /** Lines with the task ARN, stop reasons, log location and hints. */
  readonly details: string[];
  readonly logTail: LogTail;
}

/** Outcome of a task in the STOPPED state, judged by the exit code of one container. */
export interface StoppedTaskOutcome {
  readonly succeeded: boolean;
  /** The container named by `ContainerName`, when the task has it. */
  readonly container?: Container;
  /** First line of the failure message, or empty when the task succeeded. */
  readonly summary: string;
}

/**
 * Decides whether a stopped task succeeded: only when the named container exited with code 0.
 * A task that failed to start, such as after an image pull error, has no exit code and fails.
 */
export function evaluateStoppedTask(task: Task, containerName: string, description: string): StoppedTaskOutcome {
  const containers = task.containers ?? [];
  const container = containers.find((candidate) => candidate.name === containerName);
  if (!container) {
    const names = containers.map((candidate) => `"${candidate.name}"`).join(', ') || 'none';
    return {
      succeeded: false,
      summary: `${description} failed: the task has no container named "${containerName}" (its containers: ${names}). `
        + 'Set ContainerName to the container that runs the command.',
    };
  }
  if (container.exitCode === 0) {
    return { succeeded: true, container, summary: '' };
  }
  if (container.exitCode !== undefined) {
    return {
      succeeded: false,
      container,
      summary: `${description} failed: container "${containerName}" exited with code ${container.exitCode}.`,
    };
  }
  if (task.stopCode === 'TaskFailedToStart') {
    return {
      succeeded: false,
      container,
      summary: `${description} failed: the task failed to start, so container "${containerName}" never ran.`,
    };
  }
  return {
    succeeded: false,
    container,
    summary: `${description} failed: the task stopped before container "${containerName}" reported an exit code.`,
  };
}

/**
 * Returns the detail lines of a failure message: task ARN, stop code and reason, the container's
 * exit code and reason, the log location and console link, and a hint for well-known stop reasons.
 */
export function describeTaskState(
  task: Task,
  container: Container | undefined,
  logGroup: string,
  logStream: string,
  consoleUrl: string | undefined,
): string[] {
  const lines = [
    `Task: ${task.taskArn}`,
    `Stopped reason: ${task.stoppedReason || 'none'} (stop code ${task.stopCode ?? 'none'}).`,
  ];
  if (container) {
    lines.push(
      `Container "${container.name}": exit code ${container.exitCode ?? 'none'}, reason: ${container.reason || 'none'}.`,
    );
  }
  lines.push(...describeLogLocation(logGroup, logStream, consoleUrl));
  const hint = hintForReason(`${task.stoppedReason ?? ''} ${container?.reason ?? ''}`);
  if (hint) {
    lines.push(hint);
  }
  return lines;
}

/** Returns the lines that name the container's log group and stream and link to the stream. */
export function describeLogLocation(logGroup: string, logStream: string, consoleUrl: string | undefined): string[] {
  const lines = [`Log group: ${logGroup}, stream: ${logStream}`];
  if (consoleUrl) {
    lines.push(`Console: ${consoleUrl}`);
  }
  return lines;
}

/**
 * Joins a report into one message of at most `MAX_MESSAGE_BYTES`. Older log lines are dropped
 * first, so the newest are kept. The summary and details are cut only when they alone are too long.
 */
export function formatFailureMessage(report: FailureReport): string {
  const head = [report.summary, ...report.details].join('\n');
  if (report.logTail.unavailableReason !== undefined) {
    return truncateToBudget(`${head}\nLog tail unavailable: ${report.logTail.unavailableReason}.`);
  }
  if (report.logTail.lines.length === 0) {
    return truncateToBudget(`${head}\nThe log stream has no lines.`);
  }

  const lines = report.logTail.lines;
  for (let first = 0; first < lines.length; first++) {
    const keptLines = lines.slice(first);
    const title = first === 0
      ? `Last ${keptLines.length} log lines:`
      : `Last ${keptLines.length} log lines (older lines left out to fit CloudFormation's 4096-byte response limit):`;
    const message = [head, title, ...keptLines.map((line) => `  ${line}`)].join('\n');
    if (jsonByteLength(message) <= MAX_MESSAGE_BYTES) {
      return message;
    }
  }
  return truncateToBudget(`${head}\nLog lines left out to fit CloudFormation's 4096-byte response limit.`);
}

/**
 * Creates an Error whose stack is its first line only. The Lambda runtime reports the stack as
 * a list of lines, and the provider framework appends all but the first to the CloudFormation
 * reason. A full stack would repeat the message's later lines and add frames, which together
 * could exceed the 4096-byte response limit.
 */
export function createTaskFailureError(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message.split('\n', 1)[0]}`;
  return error;
}

/** Returns the size in bytes of a string once it is JSON-encoded, as in a CloudFormation response body. */
export function jsonByteLength(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

function truncateToBudget(message: string): string {
  if (jsonByteLength(message) <= MAX_MESSAGE_BYTES) {
    return message;
  }
  // Binary search for the longest prefix that fits, because the JSON size grows with the prefix.
  let fits = 0;
  let tooLong = message.length;
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (jsonByteLength(`${message.slice(0, middle)}…`) <= MAX_MESSAGE_BYTES) {
      fits = middle;
    } else {
      tooLong = middle;
    }
  }
  return `${message.slice(0, fits)}…`;
}

function hintForReason(reason: string): string | undefined {
  if (reason.includes('CannotPullContainerError')) {
    return 'Hint: ECS could not pull the image. Check the image name and tag, the task execution role, '
      + 'and that the subnets reach the registry through a NAT gateway or VPC endpoints.';
  }
  if (reason.includes('ResourceInitializationError')) {
    return 'Hint: ECS could not prepare the task, often because it could not read a secret or reach Secrets Manager '
      + 'or ECR. Check the task execution role and the routes of the subnets.';
  }
  return undefined;
}
