import type {
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  Failure,
  RunTaskCommandInput,
  RunTaskCommandOutput,
  StopTaskCommandInput,
  StopTaskCommandOutput,
  Task,
} from '@aws-sdk/client-ecs';
import { OneOffTaskProperties } from './properties';
import { describeError } from '../../data/provisioner/errors';

/** Subset of the SDK's aggregated `ECS` client that the handler calls. Tests pass moto or a stub. */
export interface EcsApi {
  runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput>;
  describeTasks(input: DescribeTasksCommandInput): Promise<DescribeTasksCommandOutput>;
  stopTask(input: StopTaskCommandInput): Promise<StopTaskCommandOutput>;
}

/** `startedBy` of every task this handler runs, so `aws ecs list-tasks --started-by cdk-postiz` finds them. */
export const STARTED_BY = 'cdk-postiz';

/** Maximum length of a RunTask `clientToken`, from the ECS API reference. */
const MAX_CLIENT_TOKEN_LENGTH = 64;

/** Parts of an ARN that the handler needs: `arn:partition:service:region:account:resource`. */
export interface ArnParts {
  readonly partition: string;
  readonly region: string;
  readonly resource: string;
}

/**
 * Builds the RunTask request for one task with the given network configuration. A capacity
 * provider strategy replaces the launch type, because ECS rejects a request that sets both.
 * With `clientToken`, a repeated request for the same CloudFormation event returns the first
 * task instead of starting a second one. A token that ECS would reject is left out.
 */
export function buildRunTaskInput(properties: OneOffTaskProperties, clientToken?: string): RunTaskCommandInput {
  const placement: Pick<RunTaskCommandInput, 'capacityProviderStrategy' | 'launchType'> = properties.capacityProviderStrategy
    ? { capacityProviderStrategy: properties.capacityProviderStrategy.map((entry) => ({ ...entry })) }
    : { launchType: 'FARGATE' };
  return {
    cluster: properties.cluster,
    taskDefinition: properties.taskDefinition,
    count: 1,
    startedBy: STARTED_BY,
    enableExecuteCommand: false,
    propagateTags: 'TASK_DEFINITION',
    ...placement,
    ...(properties.platformVersion ? { platformVersion: properties.platformVersion } : {}),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...properties.subnets],
        securityGroups: [...properties.securityGroups],
        assignPublicIp: properties.assignPublicIp,
      },
    },
    ...(clientToken && isValidClientToken(clientToken) ? { clientToken } : {}),
  };
}

/**
 * Calls RunTask and returns the new task's ARN. Throws when the call fails or ECS reports
 * placement failures, such as missing capacity or an unknown subnet, with ECS's reasons.
 */
export async function runTask(ecs: EcsApi, properties: OneOffTaskProperties, clientToken?: string): Promise<string> {
  const target = `task definition ${properties.taskDefinition} on cluster ${properties.cluster}`;
  let output: RunTaskCommandOutput;
  try {
    output = await ecs.runTask(buildRunTaskInput(properties, clientToken));
  } catch (error) {
    throw new Error(
      `${properties.description}: RunTask for ${target} failed: ${describeError(error)}. Check that the cluster `
      + 'and the task definition exist and that the handler role may call ecs:RunTask and iam:PassRole on the task roles.',
    );
  }

  const failures = output.failures ?? [];
  if (failures.length > 0) {
    throw new Error(
      `${properties.description}: ECS could not start ${target}: ${failures.map(formatFailure).join('; ')}. `
      + 'Check the capacity provider, subnets and security groups, then retry the deployment.',
    );
  }
  const taskArn = output.tasks?.[0]?.taskArn;
  if (!taskArn) {
    throw new Error(`${properties.description}: RunTask for ${target} returned no task and no failure; retry the deployment.`);
  }
  return taskArn;
}

/**
 * Calls DescribeTasks for one task and returns it. Throws when the call fails or ECS returns
 * no such task.
 */
export async function describeTask(ecs: EcsApi, cluster: string, taskArn: string, description: string): Promise<Task> {
  let output: DescribeTasksCommandOutput;
  try {
    output = await ecs.describeTasks({ cluster, tasks: [taskArn] });
  } catch (error) {
    throw new Error(
      `${description}: DescribeTasks for task ${taskArn} on cluster ${cluster} failed: ${describeError(error)}. `
      + 'Check that the handler role may call ecs:DescribeTasks.',
    );
  }

  const task = output.tasks?.find((candidate) => candidate.taskArn === taskArn);
  if (!task) {
    const failures = output.failures ?? [];
    const reason = failures.length > 0 ? failures.map(formatFailure).join('; ') : 'no task and no failure returned';
    throw new Error(
      `${description}: task ${taskArn} was not found in cluster ${cluster} (${reason}), so its result is unknown. `
      + 'Retry the deployment to run the task again.',
    );
  }
  return task;
}

/** Splits an ARN into the parts the handler uses, or returns undefined for a string that is not an ARN. */
export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[1] === '' || parts[3] === '') {
    return undefined;
  }
  return { partition: parts[1], region: parts[3], resource: parts.slice(5).join(':') };
}

/** Returns the task ID, the last path segment of both the long and the short task ARN format. */
export function taskIdFromArn(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}

/** Returns the cluster name from a cluster ARN, or the input when it is already a name. */
export function clusterNameFromArn(cluster: string): string {
  const resource = parseArn(cluster)?.resource;
  return resource?.startsWith('cluster/') ? resource.slice('cluster/'.length) : cluster;
}

function formatFailure(failure: Failure): string {
  const reason = failure.reason ?? 'unknown reason';
  const detail = failure.detail ? ` (${failure.detail})` : '';
  const arn = failure.arn ? ` for ${failure.arn}` : '';
  return `${reason}${detail}${arn}`;
}

/** ECS accepts up to 64 characters with codes 33 to 126, which CloudFormation's UUID request IDs meet. */
function isValidClientToken(token: string): boolean {
  return token.length <= MAX_CLIENT_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(token);
}
