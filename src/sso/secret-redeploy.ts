import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SecretReference, ServiceReference } from './redeploy/configuration';
import { SecretRedeployFunction } from './secret-redeploy-function';
import { skipCheckov } from '../common/checkov';
import { createDeadLetterQueue } from '../common/dead-letter-queue';
import { acknowledgeServiceKeyLogEncryption, RESERVED_CONCURRENCY_REASON } from '../common/nag';
import { logWriterRole } from '../data/custom-resources';

/**
 * Properties of a `SecretChangeRedeploy`.
 */
export interface SecretChangeRedeployProps {
  /**
   * Secrets whose new values the services must read. More can be added with `addSecret`.
   * Secrets imported by name match any secret with that name and a six-character suffix,
   * because their complete ARN is unknown at synthesis.
   */
  readonly secrets: secretsmanager.ISecret[];

  /**
   * ECS services to redeploy when one of the secrets changes. More can be added with `addService`.
   * Each must use the ECS deployment controller, because UpdateService with
   * `forceNewDeployment` fails for CodeDeploy and external controllers.
   */
  readonly services: ecs.IBaseService[];

  /**
   * Description of the Lambda function and the EventBridge rule.
   *
   * @default 'cdk-postiz: forces a new deployment of ECS services when a secret they use changes'
   */
  readonly description?: string;
}

const DEFAULT_DESCRIPTION = 'cdk-postiz: forces a new deployment of ECS services when a secret they use changes';

/** Suffix of `secretArn` for secrets imported by name, which stands for the unknown random suffix. */
const NAME_ONLY_ARN_SUFFIX = '-??????';

/**
 * Forces a new deployment of ECS services when a new version of a secret they use becomes
 * current, so running tasks, which read secrets only at start, are replaced by tasks with
 * the new value.
 *
 * An EventBridge rule on the default bus matches the `Secret Label Updated` event that Secrets
 * Manager sends when the `AWSCURRENT` label moves to a new version: after PutSecretValue,
 * after UpdateSecret with a new value, when a rotation finishes, and after
 * UpdateSecretVersionStage. Secrets Manager sends this event itself, so unlike the CloudTrail
 * events it needs no trail. The rule invokes a Lambda function that calls UpdateService with
 * `forceNewDeployment` for each service. Events that fail after Lambda's retries, and events
 * that EventBridge cannot deliver, go to `deadLetterQueue`, and `deadLetterAlarm` fires.
 */
export class SecretChangeRedeploy extends Construct {
  /** Rule that matches changes of the secrets. */
  public readonly rule: events.Rule;

  /** Function that forces the new deployments. */
  public readonly handler: lambda.Function;

  /** Queue, encrypted with a customer-managed key, for events that could not be handled. */
  public readonly deadLetterQueue: sqs.Queue;

  /** Alarm that fires when `deadLetterQueue` contains a message. It has no action; add one. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  private readonly secretReferences: SecretReference[] = [];
  private readonly serviceReferences: ServiceReference[] = [];
  private readonly updateServiceStatement: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: SecretChangeRedeployProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const description = props.description ?? DEFAULT_DESCRIPTION;

    this.deadLetterQueue = createDeadLetterQueue(this, 'secret change redeployments');

    const logGroup = new logs.LogGroup(this, 'HandlerLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeServiceKeyLogEncryption(logGroup,
      'Handler logs contain service and secret ARNs, no secret values; CloudWatch Logs encrypts them at rest with its own key.');

    this.handler = new SecretRedeployFunction(this, 'Handler', {
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Each service takes up to 5 throttled attempts with about 15 s of backoff in total.
      timeout: Duration.minutes(5),
      logGroup,
      role: logWriterRole(this, 'HandlerRole', logGroup),
      description,
      environment: {
        SERVICES: Lazy.string({ produce: () => stack.toJsonString(this.serviceReferences) }),
        SECRETS: Lazy.string({ produce: () => stack.toJsonString(this.secretReferences) }),
      },
      // Lambda retries a failed asynchronous invocation twice, then sends the event to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetterQueue,
    });
    // The function sends failed events to the queue with its own role, which encrypts them.
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [this.deadLetterQueue.encryptionMasterKey!.keyArn],
    }));
    this.updateServiceStatement = new iam.PolicyStatement({ actions: ['ecs:UpdateService'] });
    this.handler.addToRolePolicy(this.updateServiceStatement);

    // NOTE: the Secrets Manager user guide ("Secret Label Updated event") shows `resources` with the
    // complete secret ARN in its only example. This was not checked against a live account.
    this.rule = new events.Rule(this, 'Rule', {
      description,
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['Secret Label Updated'],
        detail: { labelUpdated: ['AWSCURRENT'] },
        resources: Lazy.any({ produce: () => this.resourcePatterns() }) as unknown as string[],
      },
    });
    this.rule.addTarget(new targets.LambdaFunction(this.handler, {
      // Retries of calls that EventBridge could not deliver, such as throttled invocations.
      retryAttempts: 8,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetterQueue,
    }));

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'A secret changed but forcing a new deployment of the ECS services failed; see the handler logs '
        + 'and the events in the dead-letter queue, then run `aws ecs update-service --force-new-deployment`.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const secret of props.secrets) {
      this.addSecret(secret);
    }
    for (const service of props.services) {
      this.addService(service);
    }
    this.node.addValidation({ validate: () => this.validateLists() });

    skipCheckov(this.handler, 'CKV_AWS_115',
      'Runs only when a secret changes; reserved concurrency would take account capacity and can fail deployment in accounts with the minimum limit.');
    skipCheckov(this.handler, 'CKV_AWS_117', 'Calls only the public ECS API and needs no VPC.');
    Validations.of(this.handler).acknowledge(
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason: `Runs only when a secret changes. ${RESERVED_CONCURRENCY_REASON}`,
      },
      {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason: 'Calls only the ECS API and reaches no resource inside the VPC.',
      },
    );
    skipCheckov(this.handler, 'CKV_AWS_173', 'The environment contains only ECS service and Secrets Manager ARNs, no secret values.');
  }

  /** Adds a secret whose new versions redeploy the services. */
  public addSecret(secret: secretsmanager.ISecret): void {
    this.secretReferences.push(secretReference(secret));
  }

  /** Adds a service to redeploy and allows the handler to update it. */
  public addService(service: ecs.IBaseService): void {
    this.serviceReferences.push({ cluster: service.cluster.clusterArn, service: service.serviceName });
    this.updateServiceStatement.addResources(service.serviceArn);
  }

  private resourcePatterns(): unknown[] {
    return this.secretReferences.map((reference) => reference.arn ?? { prefix: reference.arnPrefix });
  }

  private validateLists(): string[] {
    const errors: string[] = [];
    if (this.secretReferences.length === 0) {
      errors.push('SecretChangeRedeploy has no secrets; pass at least one in `secrets` or call addSecret().');
    }
    if (this.serviceReferences.length === 0) {
      errors.push('SecretChangeRedeploy has no services; pass at least one in `services` or call addService().');
    }
    return errors;
  }
}

/**
 * Returns how events name the secret. Events carry the complete ARN with the random suffix.
 * Without the complete ARN, the ARN up to the hyphen before the suffix is matched as a prefix,
 * and the handler checks that exactly six characters follow it.
 */
function secretReference(secret: secretsmanager.ISecret): SecretReference {
  if (secret.secretFullArn) {
    return { arn: secret.secretFullArn };
  }
  const arn = secret.secretArn;
  const arnPrefix = arn.endsWith(NAME_ONLY_ARN_SUFFIX) ? arn.slice(0, -NAME_ONLY_ARN_SUFFIX.length + 1) : `${arn}-`;
  return { arnPrefix };
}
