import { ArnFormat, CfnOutput, CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { GcsBridgeFunction } from './gcs-bridge-function';
import { GcsCredentials, GcsCredentialsKind } from './gcs-credentials';
import { skipCheckov, skipCheckovForDeploymentFunctions } from '../common/checkov';
import { createTierKey } from '../common/encryption';
import { logWriterRole } from '../data/custom-resources';
import { PostizUploads } from '../data/postiz-uploads';
import { DeploymentProfile, profileDefaults } from '../profile';

/** Where Postiz writes media when the GCS bridge is on. */
export enum GcsMediaMode {
  /**
   * Postiz writes to the uploads file system, as upstream Postiz does, and a scheduled Lambda
   * function copies new and changed files to the bucket under the same keys.
   */
  REPLICATE = 'replicate',

  /**
   * The image has a `gcs` storage provider and writes to the bucket itself. The compute tiers
   * get `STORAGE_PROVIDER=gcs`, the `GCS_*` variables and the key as an ECS secret. Needs a
   * service-account key, because Fargate tasks cannot use Workload Identity Federation.
   */
  STORAGE_PROVIDER = 'storage-provider',
}

/** Settings of the GCS media bridge that `PostizPlatform` passes through. */
export interface PostizGcsBridgeOptions {
  /** Name of the Google Cloud Storage bucket, such as `postiz-media-example`. */
  readonly bucketName: string;

  /** Id of the Google Cloud project of the bucket, such as `my-project`. */
  readonly projectId: string;

  /** How the bridge and, with `GcsMediaMode.STORAGE_PROVIDER`, the tasks authenticate. */
  readonly credentials: GcsCredentials;

  /**
   * Where Postiz writes media.
   *
   * @default GcsMediaMode.REPLICATE
   */
  readonly mediaMode?: GcsMediaMode;

  /**
   * Whether CloudFront serves `/uploads/*` from the bucket, with the load balancer as fallback
   * for files that are not in the bucket yet. Media URLs stay on the platform's domain either way.
   * The bucket must let anyone read objects (`allUsers` with `roles/storage.legacyObjectReader`).
   *
   * @default true
   */
  readonly serveFromBucket?: boolean;

  /**
   * Time between two replication runs, from 1 minute to 1 hour.
   *
   * @default - 5 minutes in production, 15 minutes in development
   */
  readonly replicationInterval?: Duration;

  /**
   * Number of UTC days, today included, that each scheduled run scans. Two days cover uploads
   * made just before midnight UTC.
   *
   * @default 2
   */
  readonly recentDays?: number;

  /**
   * Replication lag above which `lagAlarm` fires: the age of the oldest file that is not in the
   * bucket yet.
   *
   * @default Duration.hours(1)
   */
  readonly lagAlarmThreshold?: Duration;
}

/** Properties of `PostizGcsBridge`. */
export interface PostizGcsBridgeProps extends PostizGcsBridgeOptions {
  /** VPC of the bridge function. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the bridge function. They need a route to the internet for the Cloud Storage API.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Uploads file system to copy from. Required with `GcsMediaMode.REPLICATE`. */
  readonly uploads?: PostizUploads;

  /** Host name Postiz is served at. It gives the public base URL of media. */
  readonly domainName: string;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Customer-managed key for a service-account key secret that the bridge creates.
   *
   * @default - a new key
   */
  readonly encryptionKey?: kms.IKey;
}

/** Namespace of the bridge's CloudWatch metrics, which carry the dimension `Bucket`. */
export const GCS_BRIDGE_METRICS_NAMESPACE = 'CdkPostiz/GcsBridge';

/** Directory where the bridge function mounts the uploads access point. */
export const GCS_BRIDGE_UPLOADS_PATH = '/mnt/uploads';

const REPLICATION_INTERVAL: Record<DeploymentProfile, Duration> = {
  [DeploymentProfile.PRODUCTION]: Duration.minutes(5),
  [DeploymentProfile.DEVELOPMENT]: Duration.minutes(15),
};
const BUCKET_NAME = /^[a-z0-9][a-z0-9_.-]{1,220}[a-z0-9]$/;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/**
 * Bridge between Postiz media and a Google Cloud Storage bucket.
 *
 * - With `GcsMediaMode.REPLICATE`, a Lambda function copies files from the uploads file system
 *   to the bucket on a schedule. It skips objects whose size and MD5 already match, creates or
 *   replaces objects with generation preconditions, retries throttling and server errors, and
 *   sends files that still fail to `deadLetterQueue`. Invoke it with
 *   `{"mode":"backfill","from":"YYYY-MM-DD","to":"YYYY-MM-DD"}` to copy older days.
 * - With `GcsMediaMode.STORAGE_PROVIDER`, `environment` and `secrets` configure an image with a
 *   `gcs` storage provider.
 *
 * In both modes a custom resource writes, reads and deletes a probe object at deployment, so a
 * wrong key, binding or bucket name fails the deployment with a message that names it.
 */
export class PostizGcsBridge extends Construct {
  /** Lambda function that replicates media and runs the deployment check. */
  public readonly function: lambda.Function;

  /** Queue, encrypted with a customer-managed key, of files and runs that failed. */
  public readonly deadLetterQueue: sqs.Queue;

  /** Alarm that fires when `deadLetterQueue` contains a message. It has no action; add one. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  /**
   * Alarm that fires when a file has waited longer than `lagAlarmThreshold`. Only with
   * `GcsMediaMode.REPLICATE`. It has no action; add one.
   */
  public readonly lagAlarm?: cloudwatch.Alarm;

  /** Where Postiz writes media. */
  public readonly mediaMode: GcsMediaMode;

  /** Name of the bucket. */
  public readonly bucketName: string;

  /** Whether CloudFront serves `/uploads/*` from the bucket. */
  public readonly serveFromBucket: boolean;

  /** Base URL of media objects, without a trailing slash. */
  public readonly publicBaseUrl: string;

  /** How the bridge authenticates. */
  public readonly credentialsKind: GcsCredentialsKind;

  /**
   * Secret of the service-account key.
   *
   * @default - none, with Workload Identity Federation
   */
  public readonly keySecret?: secretsmanager.ISecret;

  /**
   * The `external_account` credential configuration as JSON, for binding the function's role in
   * Google Cloud.
   *
   * @default - none, with a service-account key
   */
  public readonly credentialConfiguration?: string;

  /** Plain variables for an image with a `gcs` storage provider. Empty with `GcsMediaMode.REPLICATE`. */
  public readonly environment: Record<string, string> = {};

  /** ECS secrets for an image with a `gcs` storage provider. Empty with `GcsMediaMode.REPLICATE`. */
  public readonly secrets: Record<string, ecs.Secret> = {};

  /** Custom resource that checks the credentials and the bucket at deployment. */
  public readonly probe: CustomResource;

  constructor(scope: Construct, id: string, props: PostizGcsBridgeProps) {
    super(scope, id);
    const profile = props.profile ?? DeploymentProfile.PRODUCTION;
    const defaults = profileDefaults(profile);
    validateProps(props);

    this.mediaMode = props.mediaMode ?? GcsMediaMode.REPLICATE;
    this.bucketName = props.bucketName;
    this.serveFromBucket = props.serveFromBucket ?? true;
    this.publicBaseUrl = this.serveFromBucket
      ? `https://${props.domainName}/uploads`
      : `https://storage.googleapis.com/${props.bucketName}`;
    this.credentialsKind = props.credentials.kind;
    if (this.mediaMode === GcsMediaMode.STORAGE_PROVIDER && this.credentialsKind === GcsCredentialsKind.WORKLOAD_IDENTITY_FEDERATION) {
      throw new Error(
        'gcs.credentials uses Workload Identity Federation, but gcs.mediaMode STORAGE_PROVIDER runs the Google client in '
        + 'Fargate tasks, which expose AWS credentials only through the ECS credentials endpoint, and the Google client '
        + 'reads them only from environment variables or the EC2 instance metadata service. Use '
        + 'GcsCredentials.fromServiceAccountKeySecret(secret), or GcsMediaMode.REPLICATE.',
      );
    }
    if (this.mediaMode === GcsMediaMode.REPLICATE && !props.uploads) {
      throw new Error('gcs.mediaMode REPLICATE copies from the uploads file system, but no uploads were given. Pass uploads.');
    }

    const encryptionKey = props.encryptionKey
      ?? createTierKey(this, 'Key', 'cdk-postiz GCS bridge secrets', defaults.retainedRemovalPolicy);
    const credentials = props.credentials.bind(this, { encryptionKey });
    this.keySecret = credentials.secret;
    this.credentialConfiguration = credentials.credentialConfiguration;

    this.deadLetterQueue = this.createDeadLetterQueue();
    this.function = this.createFunction(props, profile);
    if (this.keySecret) {
      this.keySecret.grantRead(this.function);
    }

    if (this.mediaMode === GcsMediaMode.REPLICATE) {
      const interval = props.replicationInterval ?? REPLICATION_INTERVAL[profile];
      const rule = new events.Rule(this, 'Schedule', {
        description: `cdk-postiz: copies new uploads to gs://${props.bucketName} every ${interval.toHumanString()}`,
        schedule: events.Schedule.rate(interval),
      });
      rule.addTarget(new targets.LambdaFunction(this.function, {
        event: events.RuleTargetInput.fromObject({ mode: 'recent' }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }));
      this.lagAlarm = new cloudwatch.Alarm(this, 'LagAlarm', {
        alarmDescription: `Media waited more than ${(props.lagAlarmThreshold ?? Duration.hours(1)).toHumanString()} to reach `
          + `gs://${props.bucketName}. Check the bridge function's logs for "failed" lines, then the dead-letter queue.`,
        metric: this.metricReplicationLag(),
        threshold: (props.lagAlarmThreshold ?? Duration.hours(1)).toSeconds(),
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    } else {
      this.environment.STORAGE_PROVIDER = 'gcs';
      this.environment.GCS_PROJECT_ID = props.projectId;
      this.environment.GCS_BUCKET_NAME = props.bucketName;
      this.environment.GCS_PUBLIC_BASE_URL = this.publicBaseUrl;
      this.secrets.GCS_CREDENTIALS = ecs.Secret.fromSecretsManager(this.keySecret!);
    }

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Media could not be copied to gs://${props.bucketName}, or a bridge run failed. Read the messages `
        + 'in the dead-letter queue (each names the file and the reason), fix the cause, then run a backfill of those days.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.probe = this.createProbe(props, credentials.secretCreated);

    if (credentials.credentialConfiguration) {
      new CfnOutput(this, 'FunctionRoleArn', {
        description: 'Role of the GCS bridge function. Allow it in the workload identity provider and grant the '
          + 'principal roles/iam.workloadIdentityUser on the service account.',
        value: this.function.role!.roleArn,
      });
    }
  }

  /** Files copied to the bucket per period. */
  public metricFilesCopied(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FilesCopied', { statistic: 'Sum', ...options });
  }

  /** Bytes copied to the bucket per period. */
  public metricBytesCopied(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('BytesCopied', { statistic: 'Sum', ...options });
  }

  /** Files that failed after retries per period. */
  public metricFilesFailed(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FilesFailed', { statistic: 'Sum', ...options });
  }

  /** Age in seconds of the oldest file that was not in the bucket at the end of a run. */
  public metricReplicationLag(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicationLagSeconds', { statistic: 'Maximum', ...options });
  }

  private metric(metricName: string, options: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: GCS_BRIDGE_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { Bucket: this.bucketName },
      period: Duration.minutes(5),
      ...options,
    });
  }

  private createDeadLetterQueue(): sqs.Queue {
    const stack = Stack.of(this);
    const queueKey = new kms.Key(this, 'DeadLetterKey', {
      description: 'cdk-postiz: encrypts the dead-letter queue of the GCS media bridge',
      enableKeyRotation: true,
      // The queue contains file names and error messages only, and is deleted with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // EventBridge encrypts the schedule events that it cannot deliver. The condition names this
    // account's rules, because naming the rule would create a dependency cycle through the queue.
    queueKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeRulesOfThisAccount',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        },
      },
    }));
    return new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
  }

  private createFunction(props: PostizGcsBridgeProps, profile: DeploymentProfile): lambda.Function {
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: profileDefaults(profile).logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    skipCheckov(logGroup, 'CKV_AWS_158',
      'Bridge logs contain object keys, counts and error messages, no credentials; CloudWatch Logs encrypts them with its own key.');

    const environment: Record<string, string> = {
      GCS_BUCKET_NAME: props.bucketName,
      GCS_PROJECT_ID: props.projectId,
      DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
      METRICS_NAMESPACE: GCS_BRIDGE_METRICS_NAMESPACE,
    };
    if (this.keySecret) {
      environment.GCS_CREDENTIALS_SECRET_ARN = this.keySecret.secretArn;
    }
    if (this.credentialConfiguration) {
      environment.GCS_CREDENTIAL_CONFIG = this.credentialConfiguration;
    }
    if (this.mediaMode === GcsMediaMode.REPLICATE) {
      environment.UPLOADS_PATH = GCS_BRIDGE_UPLOADS_PATH;
      environment.RECENT_DAYS = String(props.recentDays ?? 2);
    }

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'cdk-postiz GCS bridge: HTTPS to Cloud Storage and AWS APIs, NFS to the uploads file system',
      allowAllOutbound: true,
    });
    const fn = new GcsBridgeFunction(this, 'Function', {
      description: 'cdk-postiz: copies Postiz media to Google Cloud Storage and checks the bucket at deployment',
      architecture: lambda.Architecture.ARM_64,
      // The copy streams files, so memory does not grow with their size. More memory buys CPU for MD5.
      memorySize: 512,
      // A run that outlasts the interval overlaps the next one safely: generation preconditions
      // let only one of them write each object.
      timeout: Duration.minutes(15),
      logGroup,
      role: logWriterRole(this, 'Role', logGroup),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      environment,
      filesystem: this.mediaMode === GcsMediaMode.REPLICATE ? new ReadOnlyUploadsMount(props.uploads!) : undefined,
      // The next scheduled run covers a failed one; runs that fail twice go to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      deadLetterQueue: this.deadLetterQueue,
    });
    // The function sends the files that failed to the queue with its own role, which encrypts them.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [this.deadLetterQueue.encryptionMasterKey!.keyArn],
    }));

    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The bridge runs on Node.js 22, a supported runtime that @google-cloud/storage 7 is tested on.',
    });
    skipCheckov(fn, 'CKV_AWS_115',
      'Runs on a schedule; overlapping runs are safe, and reserved concurrency would take account capacity.');
    skipCheckov(fn, 'CKV_AWS_173',
      'The environment contains the bucket, project, queue URL, secret ARN and the keyless credential configuration, no secret values.');
    return fn;
  }

  private createProbe(props: PostizGcsBridgeProps, secretCreated: boolean): CustomResource {
    const providerLogs = new logs.LogGroup(this, 'ProbeProviderLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    skipCheckov(providerLogs, 'CKV_AWS_158', 'Provider logs contain request ids and the probe status; CloudWatch Logs encrypts them with its own key.');
    const provider = new cr.Provider(this, 'ProbeProvider', {
      onEventHandler: this.function,
      logGroup: providerLogs,
      frameworkOnEventRole: logWriterRole(this, 'ProbeProviderRole', providerLogs),
    });
    skipCheckovForDeploymentFunctions(provider);
    const functionLogicalId = Stack.of(this).resolve((this.function.node.defaultChild as CfnResource).logicalId);
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
        reason: 'The custom resource provider framework invokes any version of the bridge function.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'The provider framework runs on the runtime aws-cdk-lib chooses, only during deployments.',
      },
    );

    return new CustomResource(this, 'Probe', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::CdkPostizGcsProbe',
      properties: {
        Bucket: props.bucketName,
        ProjectId: props.projectId,
        Credentials: this.keySecret?.secretArn ?? this.credentialConfiguration,
        // A secret created in this deployment cannot hold the key yet.
        AllowUnfilledKey: secretCreated ? 'true' : 'false',
      },
    });
  }
}

/**
 * The uploads access point mounted without `elasticfilesystem:ClientWrite`, so the function can
 * read media but not change it. `lambda.FileSystem.fromEfsAccessPoint` always grants writes.
 */
class ReadOnlyUploadsMount extends lambda.FileSystem {
  constructor(uploads: PostizUploads) {
    super({
      arn: uploads.accessPoint.accessPointArn,
      localMountPath: GCS_BRIDGE_UPLOADS_PATH,
      connections: uploads.connections,
      dependency: [uploads.fileSystem.mountTargetsAvailable],
      policies: [new iam.PolicyStatement({
        actions: ['elasticfilesystem:ClientMount'],
        resources: [uploads.fileSystem.fileSystemArn],
        conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': uploads.accessPoint.accessPointArn } },
      })],
    });
  }
}

function validateProps(props: PostizGcsBridgeProps): void {
  if (!Token.isUnresolved(props.bucketName) && (!BUCKET_NAME.test(props.bucketName) || props.bucketName.startsWith('goog'))) {
    throw new Error(
      `gcs.bucketName '${props.bucketName}' is invalid: use the bucket's name without gs://, 3 to 222 lowercase letters, `
      + 'digits, dots, hyphens and underscores, starting and ending with a letter or digit.',
    );
  }
  if (!Token.isUnresolved(props.projectId) && !PROJECT_ID.test(props.projectId)) {
    throw new Error(
      `gcs.projectId '${props.projectId}' is invalid: use the project id (6 to 30 lowercase letters, digits and hyphens, `
      + 'starting with a letter), not the project name or number.',
    );
  }
  const interval = props.replicationInterval;
  if (interval && !interval.isUnresolved() && (interval.toSeconds() < 60 || interval.toSeconds() > 3600 || interval.toSeconds() % 60 !== 0)) {
    throw new Error(
      `gcs.replicationInterval ${interval.toHumanString()} is invalid: use whole minutes from 1 minute to 1 hour.`,
    );
  }
  const days = props.recentDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 31)) {
    throw new Error(`gcs.recentDays ${days} is invalid: use a whole number of days from 1 to 31.`);
  }
  const threshold = props.lagAlarmThreshold;
  if (threshold && !threshold.isUnresolved() && threshold.toSeconds() < 60) {
    throw new Error(`gcs.lagAlarmThreshold ${threshold.toHumanString()} is invalid: use at least 1 minute.`);
  }
  if (props.mediaMode === GcsMediaMode.STORAGE_PROVIDER && props.replicationInterval) {
    throw new Error(
      'gcs.replicationInterval is set, but gcs.mediaMode STORAGE_PROVIDER writes media to the bucket directly and runs no '
      + 'replication. Remove replicationInterval, or use GcsMediaMode.REPLICATE.',
    );
  }
}
