import { CfnResource, CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { OneOffTaskFunction } from './one-off-task-function';
import { skipCheckov, skipCheckovForDeploymentFunctions } from '../common/checkov';
import { acknowledgeDeploymentFunctions, acknowledgeInlinePolicies, acknowledgeServiceKeyLogEncryption } from '../common/nag';
import { logWriterRole } from '../data/custom-resources';

/**
 * Properties of a `OneOffTask`.
 */
export interface OneOffTaskProps {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName: string;
  readonly logGroup: logs.ILogGroup;
  readonly logStreamPrefix: string;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
  /** Description of the task, for deployment messages. */
  readonly description: string;
  /** Maximum run time before the task is stopped and the deployment fails. */
  readonly timeout: Duration;

  /**
   * A value whose change also runs the task again, besides a change of the task definition.
   *
   * @default - none
   */
  readonly trigger?: string;
}

/**
 * Runs an ECS task to completion during a deployment, each time its task definition
 * changes, and fails the deployment with the task's exit code, log location and last log
 * lines when the container does not exit with 0.
 */
export class OneOffTask extends Construct {
  /** The custom resource; make services depend on it to start them after the task. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: OneOffTaskProps) {
    super(scope, id);
    const timeoutMinutes = props.timeout.toMinutes({ integral: false });
    if (timeoutMinutes < 1 || timeoutMinutes > MAX_TASK_MINUTES) {
      throw new Error(
        `timeout ${props.timeout.toHumanString()} of ${props.description} is invalid. Pass 1 to ${MAX_TASK_MINUTES} minutes, ` +
        'so the task stops before the custom resource provider gives up waiting.',
      );
    }
    const provider = sharedProvider(this);
    props.taskDefinition.grantRun(provider.startHandler);

    const subnets = props.cluster.vpc.selectSubnets(props.vpcSubnets).subnetIds;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.provider.serviceToken,
      resourceType: 'Custom::PostizOneOffTask',
      properties: {
        Cluster: props.cluster.clusterArn,
        TaskDefinition: props.taskDefinition.taskDefinitionArn,
        ContainerName: props.containerName,
        Subnets: subnets,
        SecurityGroups: props.securityGroups.map((group) => group.securityGroupId),
        LogGroup: props.logGroup.logGroupName,
        LogStreamPrefix: props.logStreamPrefix,
        Description: props.description,
        TimeoutSeconds: String(props.timeout.toSeconds()),
        Trigger: props.trigger,
      },
    });
    provider.grantTaskAccess(props.cluster, props.logGroup);
  }
}

const PROVIDER_ID = 'CdkPostizOneOffTaskProvider';

/** Total time the provider waits for a task; task timeouts stay well below it. */
const PROVIDER_TIMEOUT_MINUTES = 45;
const MAX_TASK_MINUTES = PROVIDER_TIMEOUT_MINUTES - 5;

class OneOffTaskProvider extends Construct {
  public readonly provider: cr.Provider;
  public readonly startHandler: lambda.Function;
  public readonly checkHandler: lambda.Function;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const handler = (name: string, mode: 'start' | 'check') => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_YEAR });
      acknowledgeServiceKeyLogEncryption(logGroup,
        'Handler logs hold no secrets or user data; CloudWatch Logs encrypts them at rest with its own key.');
      return new OneOffTaskFunction(this, name, {
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.minutes(1),
        logGroup,
        role: logWriterRole(this, `${name}Role`, logGroup),
        environment: { HANDLER_MODE: mode },
        description: mode === 'start'
          ? 'cdk-postiz: starts a one-off ECS task during a deployment'
          : 'cdk-postiz: waits for a one-off ECS task and reports its result',
      });
    };
    this.startHandler = handler('Start', 'start');
    this.checkHandler = handler('Check', 'check');
    // The start handler skips the task while its own stack rolls back.
    this.startHandler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [Stack.of(this).stackId],
    }));

    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_YEAR });
    acknowledgeServiceKeyLogEncryption(providerLogs,
      'Provider logs hold no secrets or user data; CloudWatch Logs encrypts them at rest with its own key.');
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.startHandler,
      isCompleteHandler: this.checkHandler,
      queryInterval: Duration.seconds(15),
      // Longer than any task timeout, so the task's own timeout reports first.
      totalTimeout: Duration.minutes(PROVIDER_TIMEOUT_MINUTES),
      logGroup: providerLogs,
      frameworkOnEventRole: logWriterRole(this, 'OnEventRole', providerLogs),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: providerLogs,
        level: sfn.LogLevel.ALL,
        // Execution data contains resource properties, which name secrets and log groups.
        includeExecutionData: false,
      },
      frameworkCompleteAndTimeoutRole: logWriterRole(this, 'CompleteRole', providerLogs),
    });

    const stack = Stack.of(this);
    const acknowledgements = [
      {
        id: 'AwsSolutions-L1',
        reason: 'The handlers run on Node.js 24, a supported runtime, and the provider framework on the runtime '
          + 'aws-cdk-lib chooses; both run only during deployments.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecs:DescribeTasks and ecs:StopTask take task ARNs that exist only at run time and are limited to the '
          + 'platform\'s cluster by condition; CloudWatch Logs delivery actions of the waiter state machine take no resource.',
      },
    ];
    acknowledgements.push({
      id: 'AwsSolutions-SF2',
      reason: 'The provider framework\'s waiter state machine has no X-Ray option; it only polls the check handler.',
    });
    const frameworkFunctions = ['framework-isComplete', 'framework-onTimeout']
      .map((name) => this.provider.node.findChild(name) as lambda.Function);
    for (const fn of [this.startHandler, this.checkHandler, ...frameworkFunctions]) {
      const logicalId = stack.resolve((fn.node.defaultChild as CfnResource).logicalId);
      acknowledgements.push({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: 'The custom resource provider framework invokes any version of its own handler functions.',
      });
    }
    Validations.of(this).acknowledge(...acknowledgements);
    skipCheckovForDeploymentFunctions(this);
    acknowledgeDeploymentFunctions(this);
    acknowledgeInlinePolicies(this);
    const waiterPolicy = this.provider.node.findAll().find((child) =>
      child instanceof CfnResource && child.cfnResourceType === 'AWS::IAM::Policy' && child.node.path.includes('waiter-state-machine'));
    if (waiterPolicy) {
      skipCheckov(waiterPolicy, 'CKV_AWS_111',
        'CloudWatch Logs delivery actions, which the waiter state machine needs for its logging, take no resource ARN.');
    }
  }

  /**
   * Lets the check handler follow and stop tasks of the cluster and read their logs.
   */
  public grantTaskAccess(cluster: ecs.ICluster, logGroup: logs.ILogGroup): void {
    // RunTask with propagated tags also tags the new task.
    this.startHandler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:TagResource'],
      resources: ['*'],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }));
    this.checkHandler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
    }));
    logGroup.grantRead(this.checkHandler);
  }
}

function sharedProvider(scope: Construct): OneOffTaskProvider {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild(PROVIDER_ID) as OneOffTaskProvider | undefined) ?? new OneOffTaskProvider(stack, PROVIDER_ID);
}
