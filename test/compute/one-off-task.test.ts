import type { DescribeStacksCommandInput, DescribeStacksCommandOutput, StackStatus } from '@aws-sdk/client-cloudformation';
import type { GetLogEventsCommandInput, GetLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type {
  Container,
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  RunTaskCommandInput,
  RunTaskCommandOutput,
  StopTaskCommandInput,
  Task,
} from '@aws-sdk/client-ecs';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { buildRunTaskInput, clusterNameFromArn, parseArn, taskIdFromArn } from '../../src/compute/task-runner/ecs-task';
import {
  MAX_MESSAGE_BYTES,
  createTaskFailureError,
  formatFailureMessage,
  jsonByteLength,
} from '../../src/compute/task-runner/failure-report';
import {
  cleanLogLine,
  encodeConsoleFragmentName,
  logStreamConsoleUrl,
  logStreamName,
} from '../../src/compute/task-runner/log-tail';
import {
  IsCompleteEvent,
  IsCompleteResponse,
  OneOffTaskDependencies,
  ROLLBACK_SKIP_REASON,
  handleOneOffTaskEvent,
  parseHandlerMode,
} from '../../src/compute/task-runner/one-off-task';
import { DEFAULT_TIMEOUT_SECONDS, parseOneOffTaskProperties } from '../../src/compute/task-runner/properties';
import { CustomResourceResponse } from '../../src/data/provisioner/custom-resource';

const REGION = 'eu-west-1';
const CLUSTER = `arn:aws:ecs:${REGION}:123456789012:cluster/postiz`;
const TASK_DEFINITION = `arn:aws:ecs:${REGION}:123456789012:task-definition/postiz-schema:7`;
const TASK_ID = '0123456789abcdef0123456789abcdef';
const TASK_ARN = `arn:aws:ecs:${REGION}:123456789012:task/postiz/${TASK_ID}`;
const LOG_GROUP = '/postiz/one-off-tasks';
const LOG_STREAM = `schema/postiz/${TASK_ID}`;
const DESCRIPTION = 'Postiz schema update (prisma db push)';
const CONSOLE_URL = `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}`
  + `#logsV2:log-groups/log-group/$252Fpostiz$252Fone-off-tasks/log-events/schema$252Fpostiz$252F${TASK_ID}`;
const CREATED_AT = new Date('2026-01-01T10:00:00Z');
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/postiz/1';

const BASE_PROPERTIES: Record<string, unknown> = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  Cluster: CLUSTER,
  TaskDefinition: TASK_DEFINITION,
  ContainerName: 'postiz',
  Subnets: ['subnet-0a', 'subnet-0b'],
  SecurityGroups: ['sg-0123'],
  LogGroup: LOG_GROUP,
  LogStreamPrefix: 'schema',
  Description: DESCRIPTION,
  Trigger: 'image-digest-1',
};

const logLines: string[] = [];
let logSpy: jest.SpyInstance;

beforeAll(() => {
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
});

afterAll(() => logSpy.mockRestore());

type RequestType = 'Create' | 'Update' | 'Delete';

function event(
  requestType: RequestType,
  properties: Record<string, unknown> = BASE_PROPERTIES,
  data?: Record<string, unknown>,
): IsCompleteEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/response',
    StackId: STACK_ID,
    RequestId: 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff',
    LogicalResourceId: 'SchemaUpdate',
    ResourceType: 'Custom::PostizOneOffTask',
    ResourceProperties: { ...properties } as CloudFormationCustomResourceEvent['ResourceProperties'],
    ...(data ? { Data: data } : {}),
  };
  if (requestType === 'Create') {
    return { ...base, RequestType: 'Create' };
  }
  return {
    ...base,
    RequestType: requestType,
    PhysicalResourceId: 'postiz/postiz/SchemaUpdate',
    OldResourceProperties: { ...BASE_PROPERTIES },
  } as IsCompleteEvent;
}

/** Returns the event that the provider framework gives isComplete after a successful start. */
function checkEvent(requestType: RequestType = 'Create', properties: Record<string, unknown> = BASE_PROPERTIES): IsCompleteEvent {
  return event(requestType, properties, { TaskArn: TASK_ARN });
}

function container(overrides: Partial<Container> = {}): Container {
  return { name: 'postiz', lastStatus: 'STOPPED', ...overrides };
}

function task(overrides: Partial<Task> = {}): Task {
  return {
    taskArn: TASK_ARN,
    clusterArn: CLUSTER,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    createdAt: CREATED_AT,
    containers: [container({ exitCode: 0 })],
    ...overrides,
  };
}

interface StubSetup {
  runTask?: (input: RunTaskCommandInput) => Promise<RunTaskCommandOutput>;
  describedTask?: Task;
  describeTasks?: (input: DescribeTasksCommandInput) => Promise<DescribeTasksCommandOutput>;
  stopTaskError?: Error;
  logMessages?: string[];
  logError?: Error;
  now?: Date;
  /** `StackStatus` that DescribeStacks returns, UPDATE_IN_PROGRESS when absent. */
  stackStatus?: StackStatus;
  describeStacks?: (input: DescribeStacksCommandInput) => Promise<DescribeStacksCommandOutput>;
}

interface StubCalls {
  runTask: RunTaskCommandInput[];
  describeTasks: DescribeTasksCommandInput[];
  stopTask: StopTaskCommandInput[];
  getLogEvents: GetLogEventsCommandInput[];
  describeStacks: DescribeStacksCommandInput[];
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function createStubs(setup: StubSetup = {}): { dependencies: OneOffTaskDependencies; calls: StubCalls } {
  const calls: StubCalls = { runTask: [], describeTasks: [], stopTask: [], getLogEvents: [], describeStacks: [] };
  const dependencies: OneOffTaskDependencies = {
    ecs: {
      runTask: async (input) => {
        calls.runTask.push(input);
        return setup.runTask ? setup.runTask(input) : { $metadata: {}, tasks: [{ taskArn: TASK_ARN }], failures: [] };
      },
      describeTasks: async (input) => {
        calls.describeTasks.push(input);
        if (setup.describeTasks) {
          return setup.describeTasks(input);
        }
        return { $metadata: {}, tasks: [setup.describedTask ?? task()], failures: [] };
      },
      stopTask: async (input) => {
        calls.stopTask.push(input);
        if (setup.stopTaskError) {
          throw setup.stopTaskError;
        }
        return { $metadata: {}, task: { taskArn: TASK_ARN, desiredStatus: 'STOPPED' } };
      },
    },
    logs: {
      getLogEvents: async (input): Promise<GetLogEventsCommandOutput> => {
        calls.getLogEvents.push(input);
        if (setup.logError) {
          throw setup.logError;
        }
        const messages = setup.logMessages ?? [];
        return { $metadata: {}, events: messages.map((message, index) => ({ timestamp: index, message })) };
      },
    },
    cloudformation: {
      describeStacks: async (input) => {
        calls.describeStacks.push(input);
        if (setup.describeStacks) {
          return setup.describeStacks(input);
        }
        const stack = { StackId: STACK_ID, StackName: 'postiz', CreationTime: CREATED_AT };
        return { $metadata: {}, Stacks: [{ ...stack, StackStatus: setup.stackStatus ?? 'UPDATE_IN_PROGRESS' }] };
      },
    },
    now: () => setup.now ?? new Date(CREATED_AT.getTime() + 60_000),
  };
  return { dependencies, calls };
}

async function start(request: IsCompleteEvent, dependencies: OneOffTaskDependencies): Promise<CustomResourceResponse> {
  return await handleOneOffTaskEvent('start', request, dependencies) as CustomResourceResponse;
}

async function check(request: IsCompleteEvent, dependencies: OneOffTaskDependencies): Promise<IsCompleteResponse> {
  return await handleOneOffTaskEvent('check', request, dependencies) as IsCompleteResponse;
}

/** Returns the error that a promise rejects with, and fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('parseOneOffTaskProperties', () => {
  test('applies defaults', () => {
    const properties = parseOneOffTaskProperties(BASE_PROPERTIES);

    expect(properties).toEqual({
      cluster: CLUSTER,
      taskDefinition: TASK_DEFINITION,
      containerName: 'postiz',
      subnets: ['subnet-0a', 'subnet-0b'],
      securityGroups: ['sg-0123'],
      assignPublicIp: 'DISABLED',
      logGroup: LOG_GROUP,
      logStreamPrefix: 'schema',
      description: DESCRIPTION,
      timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    });
    expect(DEFAULT_TIMEOUT_SECONDS).toBe(1200);
  });

  test('parses optional properties from strings', () => {
    const properties = parseOneOffTaskProperties({
      ...BASE_PROPERTIES,
      AssignPublicIp: 'ENABLED',
      PlatformVersion: '1.4.0',
      TimeoutSeconds: '90',
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE_SPOT', Weight: '3', Base: '0' },
        { CapacityProvider: 'FARGATE', Weight: '1' },
      ],
    });

    expect(properties.assignPublicIp).toBe('ENABLED');
    expect(properties.platformVersion).toBe('1.4.0');
    expect(properties.timeoutSeconds).toBe(90);
    expect(properties.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
      { capacityProvider: 'FARGATE', weight: 1 },
    ]);
  });

  test('treats empty strategy as absent', () => {
    expect(parseOneOffTaskProperties({ ...BASE_PROPERTIES, CapacityProviderStrategy: [] }).capacityProviderStrategy).toBeUndefined();
  });

  test.each([
    ['missing Cluster', { Cluster: undefined }, 'Custom::PostizOneOffTask: property Cluster is missing or empty; the construct must set it.'],
    ['empty TaskDefinition', { TaskDefinition: '' }, 'property TaskDefinition is missing or empty'],
    ['missing ContainerName', { ContainerName: undefined }, 'property ContainerName is missing or empty'],
    ['empty Subnets', { Subnets: [] }, 'Custom::PostizOneOffTask: property Subnets must be a non-empty list of subnet IDs; the construct must set it.'],
    ['string Subnets', { Subnets: 'subnet-0a' }, 'property Subnets must be a non-empty list of subnet IDs'],
    ['blank subnet', { Subnets: ['subnet-0a', ''] }, 'property Subnets must be a non-empty list of subnet IDs'],
    ['missing SecurityGroups', { SecurityGroups: undefined }, 'property SecurityGroups must be a non-empty list of security group IDs'],
    ['missing LogGroup', { LogGroup: undefined }, 'property LogGroup is missing or empty'],
    ['missing LogStreamPrefix', { LogStreamPrefix: '' }, 'property LogStreamPrefix is missing or empty'],
    ['missing Description', { Description: undefined }, 'property Description is missing or empty'],
    ['bad AssignPublicIp', { AssignPublicIp: 'yes' }, 'property AssignPublicIp is "yes"; set it to ENABLED or DISABLED.'],
    ['numeric PlatformVersion', { PlatformVersion: 14 }, 'property PlatformVersion must be a string.'],
    ['strategy object', { CapacityProviderStrategy: { CapacityProvider: 'FARGATE' } }, 'property CapacityProviderStrategy must be a list'],
    ['strategy entry string', { CapacityProviderStrategy: ['FARGATE'] }, 'CapacityProviderStrategy[0] must be an object'],
    ['strategy without provider', { CapacityProviderStrategy: [{ Weight: '1' }] }, 'CapacityProviderStrategy[0]: property CapacityProvider is missing or empty'],
    ['weight too high', { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: '1001' }] },
      'CapacityProviderStrategy[0].Weight is "1001"; set it to a whole number from 0 to 1000.'],
    ['negative base', { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: '-1' }] },
      'CapacityProviderStrategy[0].Base is "-1"; set it to a whole number from 0 to 100000.'],
  ])('rejects %s', (_case, overrides, message) => {
    expect(() => parseOneOffTaskProperties({ ...BASE_PROPERTIES, ...overrides })).toThrow(message);
  });

  test.each([
    ['abc'],
    ['0'],
    ['3601'],
    ['1.5'],
    ['-5'],
    ['10s'],
    [true],
  ])('rejects TimeoutSeconds %p', (value) => {
    expect(() => parseOneOffTaskProperties({ ...BASE_PROPERTIES, TimeoutSeconds: value })).toThrow(
      `Custom::PostizOneOffTask: property TimeoutSeconds is ${JSON.stringify(value)}; set it to a whole number of seconds from 1 to 3600.`,
    );
  });

  test.each([
    ['90', 90],
    [' 600 ', 600],
    [3600, 3600],
    ['', DEFAULT_TIMEOUT_SECONDS],
  ])('accepts TimeoutSeconds %p', (value, seconds) => {
    expect(parseOneOffTaskProperties({ ...BASE_PROPERTIES, TimeoutSeconds: value }).timeoutSeconds).toBe(seconds);
  });
});

describe('parseHandlerMode', () => {
  test('accepts start and check', () => {
    expect(parseHandlerMode('start')).toBe('start');
    expect(parseHandlerMode('check')).toBe('check');
  });

  test.each([[undefined], [''], ['START'], ['complete']])('rejects %p', (value) => {
    expect(() => parseHandlerMode(value)).toThrow(/environment variable HANDLER_MODE is .*; set it to "start" for the provider's onEventHandler/);
  });
});

describe('buildRunTaskInput', () => {
  test('uses launch type FARGATE without strategy', () => {
    const input = buildRunTaskInput(parseOneOffTaskProperties(BASE_PROPERTIES), 'token-1');

    expect(input).toEqual({
      cluster: CLUSTER,
      taskDefinition: TASK_DEFINITION,
      count: 1,
      startedBy: 'cdk-postiz',
      enableExecuteCommand: false,
      propagateTags: 'TASK_DEFINITION',
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' },
      },
      clientToken: 'token-1',
    });
  });

  test('uses strategy in place of launch type', () => {
    const properties = parseOneOffTaskProperties({
      ...BASE_PROPERTIES,
      AssignPublicIp: 'ENABLED',
      PlatformVersion: 'LATEST',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: '1', Base: '1' }],
    });

    const input = buildRunTaskInput(properties);

    expect(input).toEqual({
      cluster: CLUSTER,
      taskDefinition: TASK_DEFINITION,
      count: 1,
      startedBy: 'cdk-postiz',
      enableExecuteCommand: false,
      propagateTags: 'TASK_DEFINITION',
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 1 }],
      platformVersion: 'LATEST',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0123'], assignPublicIp: 'ENABLED' },
      },
    });
    expect(input).not.toHaveProperty('launchType');
  });

  test.each([
    ['too long', 'x'.repeat(65)],
    ['with a space', 'request 1'],
  ])('leaves out client token %s', (_case, token) => {
    expect(buildRunTaskInput(parseOneOffTaskProperties(BASE_PROPERTIES), token)).not.toHaveProperty('clientToken');
  });
});

describe('ARN helpers', () => {
  test('parseArn splits partition, region and resource', () => {
    expect(parseArn(TASK_ARN)).toEqual({ partition: 'aws', region: REGION, resource: `task/postiz/${TASK_ID}` });
    expect(parseArn('postiz')).toBeUndefined();
  });

  test('taskIdFromArn reads long and short formats', () => {
    expect(taskIdFromArn(TASK_ARN)).toBe(TASK_ID);
    expect(taskIdFromArn(`arn:aws:ecs:${REGION}:123456789012:task/${TASK_ID}`)).toBe(TASK_ID);
  });

  test('clusterNameFromArn accepts ARN or name', () => {
    expect(clusterNameFromArn(CLUSTER)).toBe('postiz');
    expect(clusterNameFromArn('postiz-dev')).toBe('postiz-dev');
  });
});

describe('start step', () => {
  test('create runs task with exact input', async () => {
    const { dependencies, calls } = createStubs();

    const response = await start(event('Create'), dependencies);

    expect(response).toEqual({ PhysicalResourceId: 'postiz/postiz/SchemaUpdate', Data: { TaskArn: TASK_ARN } });
    expect(calls.runTask).toEqual([{
      cluster: CLUSTER,
      taskDefinition: TASK_DEFINITION,
      count: 1,
      startedBy: 'cdk-postiz',
      enableExecuteCommand: false,
      propagateTags: 'TASK_DEFINITION',
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' },
      },
      clientToken: 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff',
    }]);
    expect(calls.describeTasks).toEqual([]);
  });

  test('create passes capacity provider strategy', async () => {
    const { dependencies, calls } = createStubs();
    const properties = {
      ...BASE_PROPERTIES,
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: '2' }, { CapacityProvider: 'FARGATE', Base: '1', Weight: '1' }],
    };

    await start(event('Create', properties), dependencies);

    expect(calls.runTask).toHaveLength(1);
    expect(calls.runTask[0].capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 2 },
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
    ]);
    expect(calls.runTask[0].launchType).toBeUndefined();
  });

  test('update reruns task and keeps id', async () => {
    const { dependencies, calls } = createStubs();
    const properties = { ...BASE_PROPERTIES, TaskDefinition: `${TASK_DEFINITION.slice(0, -1)}8` };

    const response = await start(event('Update', properties), dependencies);

    expect(response).toEqual({ PhysicalResourceId: 'postiz/postiz/SchemaUpdate', Data: { TaskArn: TASK_ARN } });
    expect(calls.describeStacks).toEqual([{ StackName: STACK_ID }]);
    expect(calls.runTask).toHaveLength(1);
    expect(calls.runTask[0].taskDefinition).toBe(`${TASK_DEFINITION.slice(0, -1)}8`);
  });

  test('create never reads stack status', async () => {
    const { dependencies, calls } = createStubs({ stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    const response = await start(event('Create'), dependencies);

    expect(response.Data).toEqual({ TaskArn: TASK_ARN });
    expect(calls.describeStacks).toEqual([]);
    expect(calls.runTask).toHaveLength(1);
  });

  test('delete does nothing', async () => {
    const { dependencies, calls } = createStubs();

    const response = await start(event('Delete'), dependencies);

    expect(response).toEqual({ PhysicalResourceId: 'postiz/postiz/SchemaUpdate' });
    expect(calls.runTask).toEqual([]);
    expect(calls.describeTasks).toEqual([]);
    expect(calls.describeStacks).toEqual([]);
  });

  test('delete ignores invalid properties', async () => {
    const { dependencies } = createStubs();

    const response = await start(event('Delete', { ServiceToken: 'x' }), dependencies);

    expect(response).toEqual({ PhysicalResourceId: 'postiz/postiz/SchemaUpdate' });
  });

  test('placement failures fail at once', async () => {
    const { dependencies } = createStubs({
      runTask: async () => ({
        $metadata: {},
        tasks: [],
        failures: [
          { arn: 'arn:aws:ecs:eu-west-1:123456789012:subnet/subnet-0a', reason: 'RESOURCE:ENI', detail: 'subnet has no free addresses' },
          { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' },
        ],
      }),
    });

    const error = await rejectionOf(start(event('Create'), dependencies));

    expect(error.message).toContain(`${DESCRIPTION}: ECS could not start task definition ${TASK_DEFINITION} on cluster ${CLUSTER}:`);
    expect(error.message).toContain('RESOURCE:ENI (subnet has no free addresses) for arn:aws:ecs:eu-west-1:123456789012:subnet/subnet-0a');
    expect(error.message).toContain('Capacity is unavailable at this time');
    expect(error.message).toContain('Check the capacity provider, subnets and security groups, then retry the deployment.');
  });

  test('RunTask API error names the fix', async () => {
    const { dependencies } = createStubs({
      runTask: async () => {
        throw namedError('ClusterNotFoundException', 'Cluster not found.');
      },
    });

    const error = await rejectionOf(start(event('Create'), dependencies));

    expect(error.message).toBe(
      `${DESCRIPTION}: RunTask for task definition ${TASK_DEFINITION} on cluster ${CLUSTER} failed: ClusterNotFoundException: `
      + 'Cluster not found. Check that the cluster and the task definition exist and that the handler role may call '
      + 'ecs:RunTask and iam:PassRole on the task roles.',
    );
  });

  test('empty RunTask output fails', async () => {
    const { dependencies } = createStubs({ runTask: async () => ({ $metadata: {} }) });

    await expect(start(event('Create'), dependencies)).rejects.toThrow('returned no task and no failure; retry the deployment.');
  });

  test('invalid properties fail before RunTask', async () => {
    const { dependencies, calls } = createStubs();

    await expect(start(event('Create', { ...BASE_PROPERTIES, Cluster: '' }), dependencies))
      .rejects.toThrow('property Cluster is missing or empty');
    await expect(start(event('Update', { ...BASE_PROPERTIES, Subnets: [] }), dependencies))
      .rejects.toThrow('property Subnets must be a non-empty list');
    await expect(start(event('Create', { ...BASE_PROPERTIES, TimeoutSeconds: 'soon' }), dependencies))
      .rejects.toThrow('property TimeoutSeconds is "soon"');
    expect(calls.runTask).toEqual([]);
  });
});

describe('update during rollback', () => {
  const OLD_TASK_DEFINITION = `${TASK_DEFINITION.slice(0, -1)}6`;
  const OLD_PROPERTIES = { ...BASE_PROPERTIES, TaskDefinition: OLD_TASK_DEFINITION };
  const RECOVERY_HINT = 'If this failure leaves the stack in UPDATE_ROLLBACK_FAILED, finish the rollback without this '
    + `resource: aws cloudformation continue-update-rollback --stack-name ${STACK_ID} --resources-to-skip SchemaUpdate `
    + '(for a nested stack, run it on the parent stack with --resources-to-skip <NestedStackLogicalId>.SchemaUpdate).';

  test('rollback skips task and keeps id', async () => {
    const { dependencies, calls } = createStubs({ stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    const response = await start(event('Update', OLD_PROPERTIES), dependencies);

    expect(response).toEqual({ PhysicalResourceId: 'postiz/postiz/SchemaUpdate', Data: { SkipReason: 'StackRollback' } });
    expect(response.Data).not.toHaveProperty('TaskArn');
    expect(calls.describeStacks).toEqual([{ StackName: STACK_ID }]);
    expect(calls.runTask).toEqual([]);
  });

  test('check completes skipped run', async () => {
    const { dependencies, calls } = createStubs({ stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
    const response = await start(event('Update', OLD_PROPERTIES), dependencies);

    const completion = await check(event('Update', OLD_PROPERTIES, response.Data), dependencies);

    expect(completion).toEqual({ IsComplete: true });
    expect(calls.describeTasks).toEqual([]);
    expect(calls.getLogEvents).toEqual([]);
  });

  test('skip ignores invalid properties', async () => {
    const { dependencies, calls } = createStubs({ stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    const response = await start(event('Update', { ServiceToken: 'x', Subnets: [] }), dependencies);

    expect(response.Data).toEqual({ SkipReason: ROLLBACK_SKIP_REASON });
    expect(calls.runTask).toEqual([]);
  });

  test('skip logs stack and task definition', async () => {
    logLines.length = 0;
    const { dependencies } = createStubs({ stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });

    const response = await start(event('Update', OLD_PROPERTIES), dependencies);
    await check(event('Update', OLD_PROPERTIES, response.Data), dependencies);

    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.event)).toEqual(['request.received', 'task.skipped_during_rollback', 'task.check_skipped']);
    expect(entries[1]).toEqual({
      level: 'WARN',
      event: 'task.skipped_during_rollback',
      resourceType: 'Custom::PostizOneOffTask',
      requestType: 'Update',
      logicalResourceId: 'SchemaUpdate',
      physicalResourceId: 'postiz/postiz/SchemaUpdate',
      stackId: STACK_ID,
      stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
      taskDefinition: OLD_TASK_DEFINITION,
      reason: 'the stack is rolling back, so the task for the previous properties is not run again',
    });
    expect(entries[2]).toMatchObject({
      level: 'INFO',
      requestType: 'Update',
      reason: 'the start step ran no task because the stack is rolling back',
    });
  });

  test.each([
    ['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'],
    ['ROLLBACK_IN_PROGRESS'],
    ['UPDATE_ROLLBACK_FAILED'],
    ['UPDATE_COMPLETE'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'],
    ['IMPORT_IN_PROGRESS'],
  ] as Array<[StackStatus]>)('update in %s fails without task', async (stackStatus) => {
    const { dependencies, calls } = createStubs({ stackStatus });

    const error = await rejectionOf(start(event('Update', OLD_PROPERTIES), dependencies));

    expect(error.message).toBe(
      `Custom::PostizOneOffTask SchemaUpdate: received an Update while stack ${STACK_ID} is in ${stackStatus}. The task `
      + 'runs only in UPDATE_IN_PROGRESS and is skipped in UPDATE_ROLLBACK_IN_PROGRESS, so it did not run. Retry the '
      + `deployment after the stack reaches a *_COMPLETE status. ${RECOVERY_HINT}`,
    );
    expect(calls.runTask).toEqual([]);
  });

  test('DescribeStacks failure fails without task', async () => {
    const { dependencies, calls } = createStubs({
      describeStacks: async () => {
        throw namedError('AccessDenied', `User is not authorized to perform: cloudformation:DescribeStacks on resource: ${STACK_ID}`);
      },
    });

    const error = await rejectionOf(start(event('Update'), dependencies));

    expect(error.message).toBe(
      `Custom::PostizOneOffTask SchemaUpdate: DescribeStacks for stack ${STACK_ID} failed: AccessDenied: User is not `
      + `authorized to perform: cloudformation:DescribeStacks on resource: ${STACK_ID}. Without the stack status the `
      + 'start step cannot tell a rollback, in which it skips the task, from a stack update, so it did not run the task. '
      + 'Check that the start handler\'s role may call cloudformation:DescribeStacks on the stack, then retry the '
      + `deployment. ${RECOVERY_HINT}`,
    );
    expect(calls.runTask).toEqual([]);
  });

  test('DescribeStacks failure is logged', async () => {
    logLines.length = 0;
    const { dependencies } = createStubs({
      describeStacks: async () => {
        throw namedError('ThrottlingException', 'Rate exceeded');
      },
    });

    await rejectionOf(start(event('Update'), dependencies));

    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.event)).toEqual(['request.received', 'request.failed']);
    expect(entries[1]).toMatchObject({ level: 'ERROR', mode: 'start', requestType: 'Update', logicalResourceId: 'SchemaUpdate' });
    expect(entries[1].error).toContain(`DescribeStacks for stack ${STACK_ID} failed: ThrottlingException: Rate exceeded.`);
  });

  test('missing stack status fails without task', async () => {
    const { dependencies, calls } = createStubs({ describeStacks: async () => ({ $metadata: {}, Stacks: [] }) });

    const error = await rejectionOf(start(event('Update'), dependencies));

    expect(error.message).toBe(
      `Custom::PostizOneOffTask SchemaUpdate: DescribeStacks for stack ${STACK_ID} returned no stack status. Without the `
      + 'stack status the start step cannot tell a rollback, in which it skips the task, from a stack update, so it did '
      + `not run the task. Retry the deployment. ${RECOVERY_HINT}`,
    );
    expect(calls.runTask).toEqual([]);
  });

  test.each([
    ['create with skip reason', 'Create', { SkipReason: ROLLBACK_SKIP_REASON }],
    ['unknown skip reason', 'Update', { SkipReason: 'Other' }],
    ['empty Data', 'Update', {}],
  ] as Array<[string, RequestType, Record<string, unknown>]>)('check rejects %s', async (_case, requestType, data) => {
    const { dependencies, calls } = createStubs();

    await expect(check(event(requestType, BASE_PROPERTIES, data), dependencies)).rejects.toThrow(
      'the isComplete event has no Data.TaskArn.',
    );
    expect(calls.describeTasks).toEqual([]);
  });
});

describe('check step', () => {
  test('running task is not complete', async () => {
    const { dependencies, calls } = createStubs({
      describedTask: task({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [container({ lastStatus: 'RUNNING' })] }),
    });

    const response = await check(checkEvent(), dependencies);

    // The framework rejects any Data while IsComplete is false.
    expect(response).toEqual({ IsComplete: false });
    expect(calls.describeTasks).toEqual([{ cluster: CLUSTER, tasks: [TASK_ARN] }]);
    expect(calls.stopTask).toEqual([]);
  });

  test.each(['PROVISIONING', 'PENDING', 'DEPROVISIONING'])('%s task is not complete', async (lastStatus) => {
    const { dependencies } = createStubs({ describedTask: task({ lastStatus, containers: [container({ exitCode: 1 })] }) });

    expect(await check(checkEvent(), dependencies)).toEqual({ IsComplete: false });
  });

  test('exit code 0 is complete', async () => {
    const { dependencies, calls } = createStubs({ describedTask: task() });

    const response = await check(checkEvent('Update'), dependencies);

    expect(response).toEqual({ IsComplete: true });
    expect(calls.getLogEvents).toEqual([]);
  });

  test('other containers do not decide', async () => {
    const { dependencies } = createStubs({
      describedTask: task({ containers: [container({ name: 'log-router', exitCode: 1 }), container({ exitCode: 0 })] }),
    });

    expect(await check(checkEvent(), dependencies)).toEqual({ IsComplete: true });
  });

  test('exit code 1 reports task, log and tail', async () => {
    const logMessages = Array.from({ length: 20 }, (_, index) => `prisma line ${index + 1}`);
    logMessages[19] = 'Error: P1001: Can\'t reach database server at `postiz.cluster-abc.eu-west-1.rds.amazonaws.com:5432`';
    const { dependencies, calls } = createStubs({
      describedTask: task({
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [container({ exitCode: 1 })],
      }),
      logMessages,
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toBe([
      `${DESCRIPTION} failed: container "postiz" exited with code 1.`,
      `Task: ${TASK_ARN}`,
      'Stopped reason: Essential container in task exited (stop code EssentialContainerExited).',
      'Container "postiz": exit code 1, reason: none.',
      `Log group: ${LOG_GROUP}, stream: ${LOG_STREAM}`,
      `Console: ${CONSOLE_URL}`,
      'Last 20 log lines:',
      ...logMessages.map((line) => `  ${line}`),
    ].join('\n'));
    expect(calls.getLogEvents).toEqual([{ logGroupName: LOG_GROUP, logStreamName: LOG_STREAM, startFromHead: false, limit: 20 }]);
  });

  test('failure error has one-line stack', async () => {
    const { dependencies } = createStubs({ describedTask: task({ containers: [container({ exitCode: 2 })] }), logMessages: ['a', 'b'] });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.stack).toBe(`Error: ${DESCRIPTION} failed: container "postiz" exited with code 2.`);
    expect(error.message.split('\n').length).toBeGreaterThan(5);
  });

  test('image pull failure has no exit code', async () => {
    const pullError = 'CannotPullContainerError: pull image manifest has been retried 7 time(s): '
      + 'failed to resolve ref ghcr.io/gitroomhq/postiz-app:v9.9.9: not found';
    const { dependencies } = createStubs({
      describedTask: task({
        stopCode: 'TaskFailedToStart',
        stoppedReason: pullError,
        containers: [container({ reason: pullError })],
      }),
      logError: namedError('ResourceNotFoundException', 'The specified log stream does not exist.'),
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toContain(`${DESCRIPTION} failed: the task failed to start, so container "postiz" never ran.`);
    expect(error.message).toContain(`Stopped reason: ${pullError} (stop code TaskFailedToStart).`);
    expect(error.message).toContain(`Container "postiz": exit code none, reason: ${pullError}.`);
    expect(error.message).toContain('Hint: ECS could not pull the image.');
    expect(error.message).toContain(`Log group: ${LOG_GROUP}, stream: ${LOG_STREAM}`);
    expect(error.message).toContain('Log tail unavailable: the log stream does not exist, so the container probably never started.');
  });

  test('secret fetch failure gets hint', async () => {
    const reason = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed';
    const { dependencies } = createStubs({
      describedTask: task({ stopCode: 'TaskFailedToStart', stoppedReason: reason, containers: [container()] }),
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toContain('Hint: ECS could not prepare the task, often because it could not read a secret');
    expect(error.message).toContain('The log stream has no lines.');
  });

  test('stop without exit code fails', async () => {
    const { dependencies } = createStubs({
      describedTask: task({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.', containers: [container()] }),
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toContain(`${DESCRIPTION} failed: the task stopped before container "postiz" reported an exit code.`);
    expect(error.message).toContain('Stopped reason: Your Spot Task was interrupted. (stop code SpotInterruption).');
  });

  test('missing container lists names', async () => {
    const { dependencies } = createStubs({
      describedTask: task({ containers: [container({ name: 'migrate', exitCode: 0 }), container({ name: 'sidecar', exitCode: 0 })] }),
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toContain(
      `${DESCRIPTION} failed: the task has no container named "postiz" (its containers: "migrate", "sidecar"). `
      + 'Set ContainerName to the container that runs the command.',
    );
    expect(error.message).not.toContain('Container "');
  });

  test('log read failure keeps main error', async () => {
    const { dependencies } = createStubs({
      describedTask: task({ stoppedReason: 'Essential container in task exited', containers: [container({ exitCode: 1 })] }),
      logError: namedError('AccessDeniedException', 'User is not authorized to perform: logs:GetLogEvents'),
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toContain(`${DESCRIPTION} failed: container "postiz" exited with code 1.`);
    expect(error.message).toContain(`Task: ${TASK_ARN}`);
    expect(error.message).toContain(`Console: ${CONSOLE_URL}`);
    expect(error.message).toContain(
      'Log tail unavailable: reading the log failed (AccessDeniedException: User is not authorized to perform: '
      + 'logs:GetLogEvents); check that the handler role may call logs:GetLogEvents on the log group.',
    );
  });

  test('non-Error log failure keeps main error', async () => {
    const { dependencies } = createStubs({ describedTask: task({ containers: [container({ exitCode: 1 })] }) });
    dependencies.logs.getLogEvents = async () => {
      throw 'socket hang up';
    };

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toContain('exited with code 1.');
    expect(error.message).toContain('Log tail unavailable: reading the log failed (socket hang up)');
  });

  test('timeout stops task and fails', async () => {
    const { dependencies, calls } = createStubs({
      describedTask: task({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [container({ lastStatus: 'RUNNING' })] }),
      now: new Date(CREATED_AT.getTime() + 1201_000),
      logMessages: ['Waiting for database...'],
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    const reason = `${DESCRIPTION} ran longer than TimeoutSeconds (1200 s); stopped by cdk-postiz.`;
    expect(calls.stopTask).toEqual([{ cluster: CLUSTER, task: TASK_ARN, reason }]);
    expect(error.message).toBe([
      `${DESCRIPTION} timed out: the task ran for 1201 seconds, longer than TimeoutSeconds (1200). Raise TimeoutSeconds `
      + 'if the work needs more time, or read the log to see where it stalled.',
      `Task: ${TASK_ARN} (last status RUNNING)`,
      `The task was stopped with reason "${reason}".`,
      `Log group: ${LOG_GROUP}, stream: ${LOG_STREAM}`,
      `Console: ${CONSOLE_URL}`,
      'Last 1 log lines:',
      '  Waiting for database...',
    ].join('\n'));
  });

  test('timeout uses TimeoutSeconds', async () => {
    const running = task({ lastStatus: 'PENDING', desiredStatus: 'RUNNING', containers: [container({ lastStatus: 'PENDING' })] });
    const properties = { ...BASE_PROPERTIES, TimeoutSeconds: '60' };
    const within = createStubs({ describedTask: running, now: new Date(CREATED_AT.getTime() + 60_000) });
    const past = createStubs({ describedTask: running, now: new Date(CREATED_AT.getTime() + 61_000) });

    expect(await check(checkEvent('Create', properties), within.dependencies)).toEqual({ IsComplete: false });
    await expect(check(checkEvent('Create', properties), past.dependencies)).rejects.toThrow('timed out: the task ran for 61 seconds');
    expect(within.calls.stopTask).toEqual([]);
    expect(past.calls.stopTask).toHaveLength(1);
  });

  test('stop failure still fails with command', async () => {
    const { dependencies } = createStubs({
      describedTask: task({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }),
      now: new Date(CREATED_AT.getTime() + 3_600_000),
      stopTaskError: namedError('AccessDeniedException', 'not authorized to perform: ecs:StopTask'),
      logError: namedError('ThrottlingException', 'Rate exceeded'),
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message).toContain('timed out: the task ran for 3600 seconds');
    expect(error.message).toContain(
      'Stopping the task failed (AccessDeniedException: not authorized to perform: ecs:StopTask); stop it with '
      + `"aws ecs stop-task --cluster ${CLUSTER} --task ${TASK_ARN}".`,
    );
    expect(error.message).toContain('Log tail unavailable: reading the log failed (ThrottlingException: Rate exceeded)');
  });

  test('task without createdAt keeps polling', async () => {
    const { dependencies, calls } = createStubs({
      describedTask: task({ lastStatus: 'RUNNING', createdAt: undefined }),
      now: new Date(CREATED_AT.getTime() + 86_400_000),
    });

    expect(await check(checkEvent(), dependencies)).toEqual({ IsComplete: false });
    expect(calls.stopTask).toEqual([]);
  });

  test('delete is complete at once', async () => {
    const { dependencies, calls } = createStubs();

    expect(await check(event('Delete'), dependencies)).toEqual({ IsComplete: true });
    expect(calls.describeTasks).toEqual([]);
  });

  test('missing TaskArn names the cause', async () => {
    const { dependencies, calls } = createStubs();

    await expect(check(event('Create'), dependencies)).rejects.toThrow(
      'Custom::PostizOneOffTask: the isComplete event has no Data.TaskArn. The start step returns it, so check that the '
      + 'provider\'s onEventHandler runs this code with HANDLER_MODE=start.',
    );
    await expect(check(event('Update'), dependencies)).rejects.toThrow('the isComplete event has no Data.TaskArn.');
    expect(calls.describeTasks).toEqual([]);
  });

  test('missing task fails with reason', async () => {
    const { dependencies } = createStubs({
      describeTasks: async () => ({ $metadata: {}, tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] }),
    });

    await expect(check(checkEvent(), dependencies)).rejects.toThrow(
      `${DESCRIPTION}: task ${TASK_ARN} was not found in cluster ${CLUSTER} (MISSING for ${TASK_ARN}), so its result is unknown. `
      + 'Retry the deployment to run the task again.',
    );
  });

  test('DescribeTasks API error names the fix', async () => {
    const { dependencies } = createStubs({
      describeTasks: async () => {
        throw namedError('AccessDeniedException', 'not authorized to perform: ecs:DescribeTasks');
      },
    });

    await expect(check(checkEvent(), dependencies)).rejects.toThrow(
      `${DESCRIPTION}: DescribeTasks for task ${TASK_ARN} on cluster ${CLUSTER} failed: AccessDeniedException: not authorized `
      + 'to perform: ecs:DescribeTasks. Check that the handler role may call ecs:DescribeTasks.',
    );
  });
});

describe('log tail helpers', () => {
  test('stream name joins prefix, container and task ID', () => {
    expect(logStreamName('schema', 'postiz', TASK_ARN)).toBe(LOG_STREAM);
  });

  test('console fragment encodes twice with dollar signs', () => {
    expect(encodeConsoleFragmentName('/aws/lambda/hoge-lambda')).toBe('$252Faws$252Flambda$252Fhoge-lambda');
    expect(encodeConsoleFragmentName('2020/10/27/[$LATEST]abc')).toBe('2020$252F10$252F27$252F$255B$2524LATEST$255Dabc');
  });

  test('console link follows task region', () => {
    expect(logStreamConsoleUrl(TASK_ARN, LOG_GROUP, LOG_STREAM)).toBe(CONSOLE_URL);
    expect(logStreamConsoleUrl(`arn:aws-cn:ecs:cn-north-1:123456789012:task/postiz/${TASK_ID}`, LOG_GROUP, LOG_STREAM))
      .toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\/cloudwatch\/home\?region=cn-north-1#logsV2:/);
    expect(logStreamConsoleUrl(`arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task/postiz/${TASK_ID}`, LOG_GROUP, LOG_STREAM))
      .toMatch(/^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\/cloudwatch\/home\?region=us-gov-west-1#logsV2:/);
    expect(logStreamConsoleUrl(TASK_ID, LOG_GROUP, LOG_STREAM)).toBeUndefined();
  });

  test('cleanLogLine strips color codes and cuts long lines', () => {
    expect(cleanLogLine('\u001b[1;32m✔\u001b[0m Your database is now in sync\r')).toBe('✔ Your database is now in sync');
    expect(cleanLogLine('a\u0007b\tc')).toBe('ab  c');
    const long = cleanLogLine('x'.repeat(1000));
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });

  test('multi-line events become lines', async () => {
    const { dependencies } = createStubs({
      describedTask: task({ containers: [container({ exitCode: 1 })] }),
      logMessages: ['first\nsecond\n', '', '\u001b[31mthird\u001b[39m'],
    });

    const error = await rejectionOf(check(checkEvent(), dependencies));

    expect(error.message.endsWith('Last 3 log lines:\n  first\n  second\n  third')).toBe(true);
  });
});

describe('formatFailureMessage', () => {
  const details = [`Task: ${TASK_ARN}`];

  test('keeps newest lines within budget', () => {
    const lines = Array.from({ length: 20 }, (_, index) => `line ${String(index + 1).padStart(2, '0')} ${'"quoted" '.repeat(25)}`);

    const message = formatFailureMessage({ summary: 'Schema update failed.', details, logTail: { lines } });

    expect(jsonByteLength(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(message).toContain('log lines (older lines left out to fit CloudFormation\'s 4096-byte response limit):');
    expect(message).toContain(lines[19]);
    expect(message).not.toContain(lines[0]);
  });

  test('cuts oversized summary', () => {
    const message = formatFailureMessage({ summary: `Failed: ${'ü'.repeat(5000)}`, details, logTail: { lines: ['x'] } });

    expect(jsonByteLength(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(jsonByteLength(message)).toBeGreaterThan(MAX_MESSAGE_BYTES - 10);
    expect(message.startsWith('Failed: üüü')).toBe(true);
    expect(message.endsWith('…')).toBe(true);
  });

  test('fits a worst-case response body', () => {
    const lines = Array.from({ length: 20 }, () => `${'\u001b'.repeat(10)}${'"\\'.repeat(140)}`);
    const message = formatFailureMessage({
      summary: `${DESCRIPTION} failed: container "postiz" exited with code 1.`,
      details: [
        `Task: ${TASK_ARN}`,
        `Stopped reason: ${'r'.repeat(255)} (stop code EssentialContainerExited).`,
        `Container "postiz": exit code 1, reason: ${'c'.repeat(255)}.`,
        `Log group: ${LOG_GROUP}, stream: ${LOG_STREAM}`,
        `Console: ${CONSOLE_URL}`,
      ],
      logTail: { lines },
    });
    // The body that the provider framework sends, with its "Logs:" line and long IDs.
    const body = JSON.stringify({
      Status: 'FAILED',
      Reason: `${message}\n\nLogs: /aws/lambda/${'f'.repeat(64)}\n`,
      StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${'s'.repeat(128)}/0a1b2c3d-4e5f-6789-0abc-def012345678`,
      RequestId: 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff',
      PhysicalResourceId: `${'p'.repeat(255)}/postiz/${'l'.repeat(255)}`,
      LogicalResourceId: 'l'.repeat(255),
      Data: { TaskArn: TASK_ARN },
    });

    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(4096);
  });

  test('createTaskFailureError keeps full message', () => {
    const error = createTaskFailureError('first\nsecond');

    expect(error.message).toBe('first\nsecond');
    expect(error.stack).toBe('Error: first');
    expect(error).toBeInstanceOf(Error);
  });
});

describe('handler logs', () => {
  test('one JSON line per event without log contents', async () => {
    logLines.length = 0;
    const { dependencies } = createStubs({
      describedTask: task({ containers: [container({ exitCode: 1 })] }),
      logMessages: ['DATABASE_URL=postgresql://postiz:SuperSecret1@db/postiz'],
    });

    await start(event('Create'), dependencies);
    await rejectionOf(check(checkEvent(), dependencies));

    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.event)).toEqual(['request.received', 'task.started', 'task.failed', 'request.failed']);
    expect(entries[1]).toMatchObject({ level: 'INFO', taskArn: TASK_ARN, cluster: CLUSTER, taskDefinition: TASK_DEFINITION });
    expect(entries[2]).toMatchObject({ level: 'ERROR', taskArn: TASK_ARN, exitCode: 1, logGroup: LOG_GROUP, logStream: LOG_STREAM });
    expect(entries[3]).toMatchObject({ level: 'ERROR', mode: 'check', error: `${DESCRIPTION} failed: container "postiz" exited with code 1.` });
    for (const line of logLines) {
      expect(line).not.toMatch(/SuperSecret1|DATABASE_URL/);
    }
  });

  test('poll and stop are logged', async () => {
    logLines.length = 0;
    const running = createStubs({ describedTask: task({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }) });
    const late = createStubs({ describedTask: task({ lastStatus: 'RUNNING' }), now: new Date(CREATED_AT.getTime() + 2_000_000) });

    await check(checkEvent(), running.dependencies);
    await rejectionOf(check(checkEvent(), late.dependencies));

    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.event)).toEqual(['task.polled', 'task.stopped', 'request.failed']);
    expect(entries[0]).toMatchObject({ taskArn: TASK_ARN, lastStatus: 'RUNNING', elapsedSeconds: 60 });
    expect(entries[1]).toMatchObject({ level: 'WARN', taskArn: TASK_ARN, elapsedSeconds: 2000, timeoutSeconds: 1200 });
  });
});
