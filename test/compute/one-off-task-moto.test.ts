import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { CloudFormation } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogs } from '@aws-sdk/client-cloudwatch-logs';
import { ECS } from '@aws-sdk/client-ecs';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  IsCompleteEvent,
  IsCompleteResponse,
  OneOffTaskDependencies,
  handleOneOffTaskEvent,
} from '../../src/compute/task-runner/one-off-task';
import { CloudFormationApi } from '../../src/compute/task-runner/stack-status';
import { CustomResourceResponse } from '../../src/data/provisioner/custom-resource';
import { MOTO_CREDENTIALS, MOTO_SERVER_PATH, MotoServer, startMotoServer } from '../support/moto-server';

// Keep the AWS SDK away from instance metadata and real credentials.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
process.env.AWS_REGION = 'us-east-1';

const LOG_GROUP = '/postiz/one-off-tasks';
const DESCRIPTION = 'Postiz schema update (prisma db push)';
const ABSENT_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/absent/00000000-0000-0000-0000-000000000000';

/**
 * Reports every stack as UPDATE_IN_PROGRESS, the status in which an Update runs the task. moto 5.2
 * completes stack operations at once, so its stacks never have this status.
 */
const STACK_UPDATE_IN_PROGRESS: CloudFormationApi = {
  describeStacks: async (input) => ({
    $metadata: {},
    Stacks: [{ StackId: input.StackName, StackName: 'postiz', CreationTime: new Date(), StackStatus: 'UPDATE_IN_PROGRESS' }],
  }),
};

/**
 * Creates a VPC, subnet and security group in moto with boto3 from moto's own virtualenv, because
 * the project has no EC2 client. moto 5.2 needs DNS hostnames on the VPC to run an awsvpc task.
 */
const NETWORK_SCRIPT = `
import json, sys, boto3
ec2 = boto3.client('ec2', endpoint_url=sys.argv[1], region_name='us-east-1',
                   aws_access_key_id='testing', aws_secret_access_key='testing')
vpc = ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId']
ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={'Value': True})
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock='10.0.1.0/24')['Subnet']['SubnetId']
group = ec2.create_security_group(VpcId=vpc, GroupName='one-off-tasks', Description='one-off tasks')['GroupId']
print(json.dumps({'subnetId': subnet, 'securityGroupId': group}))
`;

const logLines: string[] = [];
let logSpy: jest.SpyInstance;

beforeAll(() => {
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
});

afterAll(() => logSpy.mockRestore());

interface MotoNetwork {
  readonly subnetId: string;
  readonly securityGroupId: string;
}

async function createNetwork(endpoint: string): Promise<MotoNetwork> {
  const python = path.join(path.dirname(MOTO_SERVER_PATH), 'python');
  const { stdout } = await promisify(execFile)(python, ['-c', NETWORK_SCRIPT, endpoint], { timeout: 60_000 });
  return JSON.parse(stdout) as MotoNetwork;
}

describe('one-off task handler with moto', () => {
  let moto: MotoServer;
  let ecs: ECS;
  let logs: CloudWatchLogs;
  let cloudformation: CloudFormation;
  let dependencies: OneOffTaskDependencies;
  let stackId: string;
  let clusterArn: string;
  let taskDefinitionArn: string;
  let network: MotoNetwork;

  function event(
    requestType: 'Create' | 'Update',
    overrides: Record<string, unknown> = {},
    data?: Record<string, unknown>,
    eventStackId: string = 'arn:aws:cloudformation:us-east-1:123456789012:stack/postiz/1',
  ): IsCompleteEvent {
    const properties = {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      Cluster: clusterArn,
      TaskDefinition: taskDefinitionArn,
      ContainerName: 'postiz',
      Subnets: [network.subnetId],
      SecurityGroups: [network.securityGroupId],
      LogGroup: LOG_GROUP,
      LogStreamPrefix: 'schema',
      Description: DESCRIPTION,
      ...overrides,
    };
    const base = {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      ResponseURL: 'https://example.invalid/response',
      StackId: eventStackId,
      RequestId: `request-${Math.random().toString(16).slice(2)}`,
      LogicalResourceId: 'SchemaUpdate',
      ResourceType: 'Custom::PostizOneOffTask',
      ResourceProperties: properties as CloudFormationCustomResourceEvent['ResourceProperties'],
      ...(data ? { Data: data } : {}),
    };
    if (requestType === 'Create') {
      return { ...base, RequestType: 'Create' };
    }
    return { ...base, RequestType: 'Update', PhysicalResourceId: 'postiz/postiz/SchemaUpdate', OldResourceProperties: properties };
  }

  /** Calls the check step until it completes, as the provider's waiter does, and returns the number of calls. */
  async function pollUntilComplete(request: IsCompleteEvent, check: (e: IsCompleteEvent) => Promise<unknown>): Promise<number> {
    for (let call = 1; call <= 10; call++) {
      const response = await check(request) as IsCompleteResponse;
      if (response.IsComplete) {
        return call;
      }
      expect(response).toEqual({ IsComplete: false });
    }
    throw new Error('the task did not complete within 10 checks');
  }

  beforeAll(async () => {
    moto = await startMotoServer();
    ecs = new ECS({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    logs = new CloudWatchLogs({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    cloudformation = new CloudFormation({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    dependencies = { ecs, logs, cloudformation: STACK_UPDATE_IN_PROGRESS };
    network = await createNetwork(moto.endpoint);
    clusterArn = (await ecs.createCluster({ clusterName: 'postiz' })).cluster!.clusterArn!;
    const registered = await ecs.registerTaskDefinition({
      family: 'postiz-schema',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      // moto 5.2 fails RunTask with a 500 error when a container has no memory of its own.
      containerDefinitions: [{ name: 'postiz', image: 'ghcr.io/gitroomhq/postiz-app:latest', essential: true, memory: 512 }],
    });
    taskDefinitionArn = registered.taskDefinition!.taskDefinitionArn!;
    await logs.createLogGroup({ logGroupName: LOG_GROUP });
    const template = { Resources: { Queue: { Type: 'AWS::SQS::Queue' } } };
    stackId = (await cloudformation.createStack({ StackName: 'postiz', TemplateBody: JSON.stringify(template) })).StackId!;
  }, 90_000);

  afterAll(async () => {
    ecs?.destroy();
    logs?.destroy();
    cloudformation?.destroy();
    await moto?.stop();
  });

  test('create runs task to completion', async () => {
    const response = await handleOneOffTaskEvent('start', event('Create'), dependencies) as CustomResourceResponse;
    const taskArn = response.Data?.TaskArn;

    expect(response.PhysicalResourceId).toBe('postiz/postiz/SchemaUpdate');
    expect(taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/postiz\/[0-9a-f-]+$/);
    const listed = await ecs.listTasks({ cluster: clusterArn, startedBy: 'cdk-postiz' });
    expect(listed.taskArns).toContain(taskArn);

    const calls = await pollUntilComplete(
      event('Create', {}, response.Data),
      (request) => handleOneOffTaskEvent('check', request, dependencies),
    );

    // moto moves a task one state per DescribeTasks call: RUNNING to STOPPED takes four.
    expect(calls).toBeGreaterThan(1);
    const described = await ecs.describeTasks({ cluster: clusterArn, tasks: [taskArn!] });
    expect(described.tasks?.[0]).toMatchObject({ lastStatus: 'STOPPED', startedBy: 'cdk-postiz', launchType: 'FARGATE' });
    expect(JSON.stringify(described.tasks?.[0].attachments)).toContain(network.subnetId);
  });

  test('update starts a new task on capacity provider', async () => {
    const strategy = { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: '1' }] };
    const first = await handleOneOffTaskEvent('start', event('Create'), dependencies) as CustomResourceResponse;

    const second = await handleOneOffTaskEvent('start', event('Update', strategy), dependencies) as CustomResourceResponse;

    expect(second.PhysicalResourceId).toBe('postiz/postiz/SchemaUpdate');
    expect(second.Data?.TaskArn).not.toBe(first.Data?.TaskArn);
    const described = await ecs.describeTasks({ cluster: clusterArn, tasks: [second.Data!.TaskArn] });
    expect(described.tasks?.[0].capacityProviderName).toBe('FARGATE_SPOT');
  });

  test('failure message carries real log tail', async () => {
    const response = await handleOneOffTaskEvent('start', event('Create', { ContainerName: 'migrate' }), dependencies) as CustomResourceResponse;
    const taskArn = response.Data!.TaskArn;
    const logStreamName = `schema/migrate/${taskArn.split('/').pop()}`;
    await logs.createLogStream({ logGroupName: LOG_GROUP, logStreamName });
    const start = Date.now();
    await logs.putLogEvents({
      logGroupName: LOG_GROUP,
      logStreamName,
      logEvents: Array.from({ length: 30 }, (_, index) => ({ timestamp: start + index, message: `prisma output ${index + 1}` })),
    });
    const check = (request: IsCompleteEvent): Promise<unknown> => handleOneOffTaskEvent('check', request, dependencies);

    const error = await pollUntilComplete(event('Create', { ContainerName: 'migrate' }, response.Data), check).then(
      () => new Error('expected the check to fail'),
      (reason: Error) => reason,
    );

    // The task definition has one container, "postiz", so ContainerName "migrate" is missing.
    const message = error.message;
    expect(message).toContain(`${DESCRIPTION} failed: the task has no container named "migrate" (its containers: "postiz").`);
    expect(message).toContain(`Log group: ${LOG_GROUP}, stream: ${logStreamName}`);
    expect(message).toContain('Last 20 log lines:\n  prisma output 11\n');
    expect(message.endsWith('  prisma output 30')).toBe(true);
    expect(message).not.toContain('prisma output 10\n');
  });

  test('unknown task fails check', async () => {
    const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/postiz/00000000000000000000000000000000';

    await expect(handleOneOffTaskEvent('check', event('Create', {}, { TaskArn: taskArn }), dependencies))
      .rejects.toThrow(`${DESCRIPTION}: task ${taskArn} was not found in cluster ${clusterArn}`);
  });

  test('unknown cluster fails start', async () => {
    const cluster = 'arn:aws:ecs:us-east-1:123456789012:cluster/absent';

    await expect(handleOneOffTaskEvent('start', event('Create', { Cluster: cluster }), dependencies))
      .rejects.toThrow(`${DESCRIPTION}: RunTask for task definition ${taskDefinitionArn} on cluster ${cluster} failed: ClusterNotFoundException`);
  });

  test('update reads real stack status', async () => {
    const withMoto = { ...dependencies, cloudformation };
    const tasksBefore = (await ecs.listTasks({ cluster: clusterArn, startedBy: 'cdk-postiz' })).taskArns ?? [];

    // moto reports CREATE_COMPLETE, which is neither a stack update nor an update rollback.
    await expect(handleOneOffTaskEvent('start', event('Update', {}, undefined, stackId), withMoto))
      .rejects.toThrow(`Custom::PostizOneOffTask SchemaUpdate: received an Update while stack ${stackId} is in CREATE_COMPLETE.`);
    const tasksAfter = (await ecs.listTasks({ cluster: clusterArn, startedBy: 'cdk-postiz' })).taskArns ?? [];
    expect(tasksAfter).toEqual(tasksBefore);
  });

  test('unknown stack fails start', async () => {
    const withMoto = { ...dependencies, cloudformation };

    await expect(handleOneOffTaskEvent('start', event('Update', {}, undefined, ABSENT_STACK_ID), withMoto))
      .rejects.toThrow(`Custom::PostizOneOffTask SchemaUpdate: DescribeStacks for stack ${ABSENT_STACK_ID} failed: ValidationError`);
  });

  test('lambda handler uses endpoints from environment', async () => {
    process.env.AWS_ENDPOINT_URL_ECS = moto.endpoint;
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = moto.endpoint;
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = moto.endpoint;
    try {
      // A fresh module instance creates its clients after the endpoint variables are set.
      let handlerModule: typeof import('../../src/compute/one-off-task.lambda') | undefined;
      jest.isolateModules(() => {
        handlerModule = jest.requireActual('../../src/compute/one-off-task.lambda');
      });
      process.env.HANDLER_MODE = 'start';
      const response = await handlerModule!.handler(event('Create')) as CustomResourceResponse;

      process.env.HANDLER_MODE = 'check';
      const calls = await pollUntilComplete(event('Create', {}, response.Data), (request) => handlerModule!.handler(request));

      expect(response.Data?.TaskArn).toMatch(/^arn:aws:ecs:us-east-1:/);
      expect(calls).toBeGreaterThan(1);

      // The handler's own CloudFormation client reads the moto stack's status.
      process.env.HANDLER_MODE = 'start';
      await expect(handlerModule!.handler(event('Update', {}, undefined, stackId))).rejects.toThrow(`stack ${stackId} is in CREATE_COMPLETE`);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_ECS;
      delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
      delete process.env.AWS_ENDPOINT_URL_CLOUDFORMATION;
      delete process.env.HANDLER_MODE;
    }
  });

  test('log lines are JSON with event names', () => {
    expect(logLines.length).toBeGreaterThan(10);
    for (const line of logLines) {
      expect(typeof JSON.parse(line).event).toBe('string');
      expect(line).not.toContain('prisma output');
    }
  });
});
