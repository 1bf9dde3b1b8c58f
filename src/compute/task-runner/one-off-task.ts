import type { Task } from '@aws-sdk/client-ecs';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { EcsApi, STARTED_BY, clusterNameFromArn, describeTask, runTask } from './ecs-task';
import {
  createTaskFailureError,
  describeLogLocation,
  describeTaskState,
  evaluateStoppedTask,
  formatFailureMessage,
} from './failure-report';
import { CloudWatchLogsApi, fetchLogTail, logStreamConsoleUrl, logStreamName } from './log-tail';
import { OneOffTaskProperties, RESOURCE_TYPE, parseOneOffTaskProperties } from './properties';
import { CloudFormationApi, chooseUpdateAction, describeStackStatus } from './stack-status';
import { CustomResourceResponse, logRequest, physicalResourceId } from '../../data/provisioner/custom-resource';
import { describeError } from '../../data/provisioner/errors';
import { logEvent } from '../../data/provisioner/log';

/** Role of the Lambda function, from `HANDLER_MODE`: `start` is the onEvent handler, `check` the isComplete handler. */
export type HandlerMode = 'start' | 'check';

/** Response of an `isComplete` handler of the aws-cdk-lib custom resource provider framework. */
export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  /** Attributes merged into the onEvent `Data`. The framework rejects them while `IsComplete` is false. */
  readonly Data?: Record<string, string>;
}

/**
 * Event that the provider framework passes to `isComplete`: the CloudFormation event with the
 * onEvent response spread over it, so `Data` is the onEvent `Data`.
 */
export type IsCompleteEvent = CloudFormationCustomResourceEvent & { readonly Data?: Record<string, unknown> };

/** Clients and clock that the handler uses. Tests pass stubs or clients aimed at moto. */
export interface OneOffTaskDependencies {
  readonly ecs: EcsApi;
  readonly logs: CloudWatchLogsApi;
  /** Client for the stack status, which decides whether an Update runs the task or skips it during a rollback. */
  readonly cloudformation: CloudFormationApi;
  /** Clock for the task timeout, the system clock when absent. */
  now?(): Date;
}

/** ECS limits the StopTask reason to 255 characters. */
const MAX_STOP_REASON_LENGTH = 255;

/** `Data` key of a start response that ran no task. The check step completes at once when it is set. */
export const SKIP_REASON_KEY = 'SkipReason';

/** `Data.SkipReason` of an Update that arrived while the stack rolled back. */
export const ROLLBACK_SKIP_REASON = 'StackRollback';

/** Validates the `HANDLER_MODE` environment variable. */
export function parseHandlerMode(value: string | undefined): HandlerMode {
  if (value !== 'start' && value !== 'check') {
    throw new Error(
      `${RESOURCE_TYPE}: environment variable HANDLER_MODE is ${JSON.stringify(value ?? null)}; set it to "start" `
      + 'for the provider\'s onEventHandler or "check" for its isCompleteHandler.',
    );
  }
  return value;
}

/** Runs the start (onEvent) or check (isComplete) step for one provider framework event. */
export async function handleOneOffTaskEvent(
  mode: HandlerMode,
  event: IsCompleteEvent,
  dependencies: OneOffTaskDependencies,
): Promise<CustomResourceResponse | IsCompleteResponse> {
  try {
    return mode === 'start'
      ? await startOneOffTask(event, dependencies)
      : await checkOneOffTask(event, dependencies);
  } catch (error) {
    // Only the first line, because later lines can contain container output, which stays out of this log.
    logEvent('ERROR', 'request.failed', {
      resourceType: RESOURCE_TYPE,
      mode,
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      error: describeError(error).split('\n', 1)[0],
    });
    throw error;
  }
}

/**
 * Handles the onEvent step. Create and Update start the task and return its ARN in `Data.TaskArn`
 * for the check step. An Update first reads the stack status and, during an update rollback, starts
 * no task and returns `Data.SkipReason`. Delete returns at once, because a finished one-off task
 * leaves nothing behind.
 */
export async function startOneOffTask(
  event: CloudFormationCustomResourceEvent,
  dependencies: OneOffTaskDependencies,
): Promise<CustomResourceResponse> {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === 'Delete') {
    logEvent('INFO', 'request.delete_skipped', {
      resourceType: RESOURCE_TYPE,
      physicalResourceId: event.PhysicalResourceId,
      reason: 'a one-off task leaves nothing to delete',
    });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }

  if (event.RequestType === 'Update') {
    const stackStatus = await describeStackStatus(dependencies.cloudformation, event.StackId, event.LogicalResourceId);
    if (chooseUpdateAction(stackStatus, event.StackId, event.LogicalResourceId) === 'skip') {
      return skipTaskDuringRollback(event, stackStatus);
    }
  }

  const properties = parseOneOffTaskProperties(event.ResourceProperties);
  // The request ID as client token makes a retried invocation for the same event reuse the first task.
  const taskArn = await runTask(dependencies.ecs, properties, event.RequestId);
  logEvent('INFO', 'task.started', {
    resourceType: RESOURCE_TYPE,
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    cluster: properties.cluster,
    taskDefinition: properties.taskDefinition,
    containerName: properties.containerName,
    startedBy: STARTED_BY,
    taskArn,
  });

  // Stable across updates, because a new ID would make CloudFormation send a Delete for the old one.
  const createId = `${clusterNameFromArn(properties.cluster)}/${properties.containerName}/${event.LogicalResourceId}`;
  return {
    PhysicalResourceId: physicalResourceId(event, createId),
    Data: { TaskArn: taskArn },
  };
}

/**
 * Completes an Update during an update rollback without running the task. The rollback sends the
 * previous properties, whose task could undo the newer schema. For example, the previous Postiz
 * image's `prisma db push --accept-data-loss` would drop the columns that the failed update added,
 * with their data. The previous application version usually works with the extra columns.
 */
function skipTaskDuringRollback(event: CloudFormationCustomResourceUpdateEvent, stackStatus: string): CustomResourceResponse {
  // Read without validation, because a rollback must not fail on properties that it does not use.
  const taskDefinition = event.ResourceProperties.TaskDefinition;
  logEvent('WARN', 'task.skipped_during_rollback', {
    resourceType: RESOURCE_TYPE,
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: event.PhysicalResourceId,
    stackId: event.StackId,
    stackStatus,
    taskDefinition: typeof taskDefinition === 'string' ? taskDefinition : undefined,
    reason: 'the stack is rolling back, so the task for the previous properties is not run again',
  });
  return {
    PhysicalResourceId: event.PhysicalResourceId,
    Data: { [SKIP_REASON_KEY]: ROLLBACK_SKIP_REASON },
  };
}

/**
 * Handles the isComplete step. Returns `IsComplete: false` while the task runs and true once the
 * named container exited with code 0. Throws when the task failed or ran longer than
 * `TimeoutSeconds`, which it then stops first. Delete and an Update that the start step skipped
 * are complete at once.
 */
export async function checkOneOffTask(event: IsCompleteEvent, dependencies: OneOffTaskDependencies): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') {
    logEvent('INFO', 'task.check_skipped', {
      resourceType: RESOURCE_TYPE,
      requestType: event.RequestType,
      physicalResourceId: event.PhysicalResourceId,
    });
    return { IsComplete: true };
  }
  // Only the exact value that the start step sets counts, so a missing TaskArn still fails below.
  if (event.RequestType === 'Update' && event.Data?.[SKIP_REASON_KEY] === ROLLBACK_SKIP_REASON) {
    logEvent('INFO', 'task.check_skipped', {
      resourceType: RESOURCE_TYPE,
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      physicalResourceId: event.PhysicalResourceId,
      reason: 'the start step ran no task because the stack is rolling back',
    });
    return { IsComplete: true };
  }

  const properties = parseOneOffTaskProperties(event.ResourceProperties);
  const taskArn = requireTaskArn(event);
  const task = await describeTask(dependencies.ecs, properties.cluster, taskArn, properties.description);

  if (task.lastStatus !== 'STOPPED') {
    const now = dependencies.now?.() ?? new Date();
    const elapsedSeconds = secondsSinceCreated(task, now);
    if (elapsedSeconds !== undefined && elapsedSeconds > properties.timeoutSeconds) {
      return failTimedOutTask(task, taskArn, elapsedSeconds, properties, dependencies);
    }
    logEvent('INFO', 'task.polled', {
      resourceType: RESOURCE_TYPE,
      logicalResourceId: event.LogicalResourceId,
      taskArn,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      elapsedSeconds,
    });
    return { IsComplete: false };
  }

  const outcome = evaluateStoppedTask(task, properties.containerName, properties.description);
  if (outcome.succeeded) {
    logEvent('INFO', 'task.succeeded', {
      resourceType: RESOURCE_TYPE,
      logicalResourceId: event.LogicalResourceId,
      taskArn,
      containerName: properties.containerName,
      exitCode: 0,
    });
    return { IsComplete: true };
  }

  const logStream = logStreamName(properties.logStreamPrefix, properties.containerName, taskArn);
  const logTail = await fetchLogTail(dependencies.logs, properties.logGroup, logStream);
  logEvent('ERROR', 'task.failed', {
    resourceType: RESOURCE_TYPE,
    logicalResourceId: event.LogicalResourceId,
    taskArn,
    containerName: properties.containerName,
    exitCode: outcome.container?.exitCode,
    stopCode: task.stopCode,
    logGroup: properties.logGroup,
    logStream,
    logTailLines: logTail.lines.length,
  });
  const consoleUrl = logStreamConsoleUrl(taskArn, properties.logGroup, logStream);
  throw createTaskFailureError(formatFailureMessage({
    summary: outcome.summary,
    details: describeTaskState(task, outcome.container, properties.logGroup, logStream, consoleUrl),
    logTail,
  }));
}

/** Stops a task that ran longer than `TimeoutSeconds` and throws the timeout message. */
async function failTimedOutTask(
  task: Task,
  taskArn: string,
  elapsedSeconds: number,
  properties: OneOffTaskProperties,
  dependencies: OneOffTaskDependencies,
): Promise<never> {
  const reason = `${properties.description} ran longer than TimeoutSeconds (${properties.timeoutSeconds} s); stopped by ${STARTED_BY}.`
    .slice(0, MAX_STOP_REASON_LENGTH);
  let stopLine: string;
  try {
    await dependencies.ecs.stopTask({ cluster: properties.cluster, task: taskArn, reason });
    stopLine = `The task was stopped with reason "${reason}".`;
    logEvent('WARN', 'task.stopped', { resourceType: RESOURCE_TYPE, taskArn, elapsedSeconds, timeoutSeconds: properties.timeoutSeconds });
  } catch (error) {
    stopLine = `Stopping the task failed (${describeError(error)}); stop it with `
      + `"aws ecs stop-task --cluster ${properties.cluster} --task ${taskArn}".`;
    logEvent('ERROR', 'task.stop_failed', { resourceType: RESOURCE_TYPE, taskArn, error: describeError(error) });
  }

  const logStream = logStreamName(properties.logStreamPrefix, properties.containerName, taskArn);
  const logTail = await fetchLogTail(dependencies.logs, properties.logGroup, logStream);
  const consoleUrl = logStreamConsoleUrl(taskArn, properties.logGroup, logStream);
  throw createTaskFailureError(formatFailureMessage({
    summary: `${properties.description} timed out: the task ran for ${elapsedSeconds} seconds, longer than TimeoutSeconds `
      + `(${properties.timeoutSeconds}). Raise TimeoutSeconds if the work needs more time, or read the log to see where it stalled.`,
    details: [
      `Task: ${taskArn} (last status ${task.lastStatus ?? 'unknown'})`,
      stopLine,
      ...describeLogLocation(properties.logGroup, logStream, consoleUrl),
    ],
    logTail,
  }));
}

function requireTaskArn(event: IsCompleteEvent): string {
  const taskArn = event.Data?.TaskArn;
  if (typeof taskArn !== 'string' || taskArn.length === 0) {
    throw new Error(
      `${RESOURCE_TYPE}: the isComplete event has no Data.TaskArn. The start step returns it, so check that the `
      + 'provider\'s onEventHandler runs this code with HANDLER_MODE=start.',
    );
  }
  return taskArn;
}

// NOTE: ECS always returns createdAt; without it (as from moto 5.2) the timeout is not enforced
// here and only the provider's totalTimeout ends the wait.
function secondsSinceCreated(task: Task, now: Date): number | undefined {
  if (!task.createdAt) {
    return undefined;
  }
  return Math.floor((now.getTime() - new Date(task.createdAt).getTime()) / 1000);
}
