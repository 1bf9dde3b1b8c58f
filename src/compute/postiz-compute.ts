import { CfnResource, Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IDependable } from 'constructs';
import { OneOffTask } from './one-off-task';
import { PostizComputeOptions } from './postiz-compute-options';
import {
  DEFAULT_COMMANDS, httpHealthCheck, ORCHESTRATOR_PORT, POSTIZ_IMAGE, postizEnvironment, validateUserEnvironment, WEB_PORT,
} from './postiz-environment';
import { FargateCapacityOptions, PostizService } from './postiz-service';
import { TemporalServer } from './temporal-server';
import { allowLogsToUseKey, createEncryptedLogGroup, createTierKey } from '../common/encryption';
import { acknowledgeInlinePolicies } from '../common/nag';
import { IPostizCache } from '../data/postiz-cache';
import { IPostizDatabase } from '../data/postiz-database';
import { PostizUploads } from '../data/postiz-uploads';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Properties of `PostizCompute`.
 */
export interface PostizComputeProps extends PostizComputeOptions {
  /** VPC of the tasks. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the tasks; they need a route to the internet (Prisma and images download).
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Host name Postiz is served at, such as `social.example.com`. */
  readonly domainName: string;

  /** Database of Postiz (and of the self-hosted Temporal server). */
  readonly database: IPostizDatabase;

  /** Cache of Postiz. */
  readonly cache: IPostizCache;

  /** File system for `/uploads`. */
  readonly uploads: PostizUploads;

  /** Secret whose `secret` field is `JWT_SECRET`. */
  readonly jwtSecret: secretsmanager.ISecret;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Key for the container logs and ECS Exec sessions.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

interface TierDefaults {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly minTasks: number;
  readonly maxTasks: number;
}

const TIER_DEFAULTS: Record<DeploymentProfile, Record<'web' | 'worker', TierDefaults>> = {
  [DeploymentProfile.PRODUCTION]: {
    web: { cpu: 1024, memoryLimitMiB: 3072, minTasks: 2, maxTasks: 6 },
    worker: { cpu: 1024, memoryLimitMiB: 2048, minTasks: 1, maxTasks: 4 },
  },
  [DeploymentProfile.DEVELOPMENT]: {
    web: { cpu: 1024, memoryLimitMiB: 2048, minTasks: 1, maxTasks: 2 },
    worker: { cpu: 512, memoryLimitMiB: 1024, minTasks: 1, maxTasks: 1 },
  },
};

/**
 * The compute tier: Postiz's web and worker tiers on ECS Fargate from one image, a
 * one-off schema update before each rollout, and Temporal (self-hosted or Cloud).
 */
export class PostizCompute extends Construct {
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;

  /** The web tier: nginx on 5000 with the frontend and backend. */
  public readonly web: PostizService;

  /** The worker tier: the Temporal orchestrator. */
  public readonly worker: PostizService;

  /** The self-hosted Temporal server; undefined with Temporal Cloud. */
  public readonly temporalServer?: TemporalServer;

  /** The schema update that runs before each rollout. */
  public readonly schemaUpdate: OneOffTask;

  /** Key of the container logs. */
  public readonly encryptionKey: kms.IKey;

  private readonly profile: DeploymentProfile;

  constructor(scope: Construct, id: string, props: PostizComputeProps) {
    super(scope, id);
    this.profile = props.profile ?? DeploymentProfile.PRODUCTION;
    const defaults = profileDefaults(this.profile);
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    validateOptions(props);

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = createTierKey(this, 'Key', 'cdk-postiz compute tier: container logs and ECS Exec', defaults.retainedRemovalPolicy);
      allowLogsToUseKey(key);
      this.encryptionKey = key;
    }
    const logGroup = (logId: string) => createEncryptedLogGroup(this, logId, {
      key: this.encryptionKey,
      retention: props.logRetention ?? defaults.logRetention,
      removalPolicy: defaults.retainedRemovalPolicy,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      enableFargateCapacityProviders: true,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      // Sessions are encrypted with the tier key and logged to each container's own
      // encrypted log group (the awslogs configuration of its task definition).
      executeCommandConfiguration: props.enableExecuteCommand ? {
        kmsKey: this.encryptionKey,
        logging: ecs.ExecuteCommandLogging.DEFAULT,
      } : undefined,
    });

    // Temporal: a connection secret for Temporal Cloud, or a server on ECS.
    const temporalSecrets: Record<string, ecs.Secret> = {};
    let temporalAddress: string | undefined;
    let temporalNamespace: string | undefined;
    let temporalReady: IDependable | undefined;
    if (props.temporal?.cloud) {
      const secret = props.temporal.cloud.connectionSecret;
      temporalSecrets.TEMPORAL_ADDRESS = ecs.Secret.fromSecretsManager(secret, 'address');
      temporalSecrets.TEMPORAL_NAMESPACE = ecs.Secret.fromSecretsManager(secret, 'namespace');
      temporalSecrets.TEMPORAL_API_KEY = ecs.Secret.fromSecretsManager(secret, 'apiKey');
    } else {
      if (!props.database.temporalSecret) {
        throw new Error(
          'The database has no temporalSecret, so a self-hosted Temporal server has no database. ' +
          'Create the database with temporalDatabases true, pass temporalSecret when importing it, or set temporal.cloud.',
        );
      }
      this.temporalServer = new TemporalServer(this, 'Temporal', {
        cluster: this.cluster,
        vpcSubnets,
        database: props.database,
        profile: this.profile,
        logGroup: logGroup('TemporalLogs'),
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.ARM64,
        ...props.temporal?.server,
      });
      temporalAddress = this.temporalServer.address;
      temporalNamespace = this.temporalServer.namespace;
      temporalReady = this.temporalServer.ready;
    }

    const maxWorkers = props.worker?.maxTasks ?? TIER_DEFAULTS[this.profile].worker.maxTasks;
    const inputs = {
      domainName: props.domainName,
      temporalAddress,
      temporalNamespace,
      temporalTls: props.temporal?.cloud !== undefined,
      disableRegistration: props.disableRegistration ?? true,
      runCron: props.runCron ?? true,
      workerConcurrencyDivider: maxWorkers,
    };
    const coreSecrets: Record<string, ecs.Secret> = {
      DATABASE_URL: ecs.Secret.fromSecretsManager(props.database.postizSecret, 'url'),
      REDIS_URL: ecs.Secret.fromSecretsManager(props.cache.urlSecret, 'url'),
      JWT_SECRET: ecs.Secret.fromSecretsManager(props.jwtSecret, 'secret'),
      ...temporalSecrets,
    };
    const image = props.image ?? ecs.ContainerImage.fromRegistry(POSTIZ_IMAGE);
    const cpuArchitecture = props.cpuArchitecture ?? ecs.CpuArchitecture.ARM64;

    // The schema update: `prisma db push` once per rollout, before new tasks start.
    const schemaLogs = logGroup('SchemaLogs');
    const schemaTask = new ecs.FargateTaskDefinition(this, 'SchemaTask', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: { cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    acknowledgeInlinePolicies(schemaTask);
    schemaTask.addContainer('schema', {
      image: props.schemaUpdateImage ?? image,
      command: props.schemaUpdateCommand ?? DEFAULT_COMMANDS.schema,
      secrets: { DATABASE_URL: coreSecrets.DATABASE_URL },
      logging: ecs.LogDriver.awsLogs({ logGroup: schemaLogs, streamPrefix: 'schema' }),
      essential: true,
    });
    const schemaSecurityGroup = new ec2.SecurityGroup(this, 'SchemaSecurityGroup', {
      vpc: props.vpc,
      description: 'cdk-postiz schema update task: PostgreSQL and HTTPS for the Prisma download',
    });
    schemaSecurityGroup.connections.allowTo(props.database, ec2.Port.tcp(props.database.port), 'PostgreSQL');
    this.schemaUpdate = new OneOffTask(this, 'SchemaUpdate', {
      cluster: this.cluster,
      taskDefinition: schemaTask,
      containerName: 'schema',
      logGroup: schemaLogs,
      logStreamPrefix: 'schema',
      vpcSubnets,
      securityGroups: [schemaSecurityGroup],
      description: 'Postiz schema update (prisma db push)',
      timeout: Duration.minutes(15),
    });
    if (props.database.ready) {
      this.schemaUpdate.node.addDependency(props.database.ready);
    }

    this.web = this.createTier('web', props, {
      image,
      cpuArchitecture,
      vpcSubnets,
      inputs,
      coreSecrets,
      logGroup: logGroup('WebLogs'),
      healthCheck: httpHealthCheck(`http://localhost:${WEB_PORT}/api/`, Duration.minutes(3)),
      port: WEB_PORT,
    });
    this.worker = this.createTier('worker', props, {
      image,
      cpuArchitecture,
      vpcSubnets,
      inputs,
      coreSecrets,
      logGroup: logGroup('WorkerLogs'),
      // The orchestrator's check requests the namespace from Temporal, with its own 10 s limit.
      healthCheck: httpHealthCheck(`http://localhost:${ORCHESTRATOR_PORT}/health/status`, Duration.minutes(3), Duration.seconds(15)),
    });

    for (const tier of [this.web, this.worker]) {
      tier.connections.allowTo(props.database, ec2.Port.tcp(props.database.port), 'PostgreSQL');
      tier.connections.allowTo(props.cache, props.cache.connections.defaultPort ?? ec2.Port.tcp(6379), 'Redis');
      if (this.temporalServer) {
        tier.connections.allowTo(this.temporalServer, ec2.Port.tcp(this.temporalServer.port), 'Temporal frontend');
      }
      // New tasks start only after the schema update, the connection URLs and Temporal.
      // The dependency is on the service resource alone: its security group must not wait.
      const serviceResource = tier.service.node.defaultChild as CfnResource;
      for (const dependency of [this.schemaUpdate, props.cache.ready, temporalReady]) {
        if (dependency) {
          serviceResource.node.addDependency(dependency);
        }
      }
    }
  }

  /**
   * Registers the web tier in a target group and scales it on response time above the
   * target (one second unless given).
   */
  public attachWebToTargetGroup(targetGroup: elbv2.ApplicationTargetGroup, responseTimeTarget?: Duration): void {
    this.web.attachToTargetGroup(targetGroup, responseTimeTarget ?? Duration.seconds(1));
  }

  private createTier(
    tier: 'web' | 'worker',
    props: PostizComputeProps,
    shared: {
      image: ecs.ContainerImage;
      cpuArchitecture: ecs.CpuArchitecture;
      vpcSubnets: ec2.SubnetSelection;
      inputs: Parameters<typeof postizEnvironment>[1];
      coreSecrets: Record<string, ecs.Secret>;
      logGroup: logs.ILogGroup;
      healthCheck: ecs.HealthCheck;
      port?: number;
    },
  ): PostizService {
    const options = props[tier] ?? {};
    const defaults = TIER_DEFAULTS[this.profile][tier];
    const minTasks = options.minTasks ?? defaults.minTasks;
    const maxTasks = options.maxTasks ?? defaults.maxTasks;
    if (!Number.isInteger(minTasks) || minTasks < 1 || !Number.isInteger(maxTasks) || maxTasks < minTasks) {
      throw new Error(
        `${tier}.minTasks ${minTasks} and ${tier}.maxTasks ${maxTasks} are invalid. ` +
        'Pass whole numbers with 1 <= minTasks <= maxTasks.',
      );
    }
    const capacity = options.capacity ?? (this.profile === DeploymentProfile.PRODUCTION
      ? { onDemandBase: minTasks, onDemandWeight: 0, spotWeight: 1 }
      : { onDemandBase: 0, onDemandWeight: 0, spotWeight: 1 });
    validateCapacity(`${tier}.capacity`, capacity);

    const service = new PostizService(this, tier === 'web' ? 'Web' : 'Worker', {
      cluster: this.cluster,
      tier,
      image: options.image ?? shared.image,
      command: options.command ?? DEFAULT_COMMANDS[tier],
      environment: {
        ...postizEnvironment(tier, shared.inputs),
        ...props.environment,
        ...options.environment,
      },
      secrets: { ...shared.coreSecrets, ...props.secrets, ...options.secrets },
      cpu: options.cpu ?? defaults.cpu,
      memoryLimitMiB: options.memoryLimitMiB ?? defaults.memoryLimitMiB,
      cpuArchitecture: shared.cpuArchitecture,
      minTasks,
      maxTasks,
      capacity,
      cpuTargetUtilization: options.cpuTargetUtilization ?? 70,
      logGroup: shared.logGroup,
      uploads: props.uploads,
      vpcSubnets: shared.vpcSubnets,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      healthCheck: shared.healthCheck,
      port: shared.port,
    });
    if (props.enableExecuteCommand) {
      Validations.of(service.taskDefinition).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ECS Exec needs the ssmmessages channel actions, which take no resource ARN.',
      });
    }
    Validations.of(service.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The plain environment holds only public settings (URLs, flags, Temporal address); '
        + 'every credential is an ECS secret from Secrets Manager.',
    });
    return service;
  }
}

function validateOptions(props: PostizComputeProps): void {
  validateUserEnvironment('environment', props.environment);
  validateUserEnvironment('web.environment', props.web?.environment);
  validateUserEnvironment('worker.environment', props.worker?.environment);
  const tierImage = props.web?.image ?? props.worker?.image;
  if (tierImage && !props.image && !props.schemaUpdateImage) {
    throw new Error(
      'web.image or worker.image is set, but neither image nor schemaUpdateImage is, so the schema update would push ' +
      'the upstream Postiz schema into your database. Set schemaUpdateImage to the image with your Prisma schema.',
    );
  }
  if (props.temporal?.cloud && props.temporal.server) {
    throw new Error('temporal.cloud and temporal.server were both given. Pass cloud for Temporal Cloud, or server to size the self-hosted server.');
  }
}

function validateCapacity(propName: string, capacity: FargateCapacityOptions): void {
  const values = [capacity.onDemandBase, capacity.onDemandWeight, capacity.spotWeight];
  if (!values.every((value) => Number.isInteger(value) && value >= 0) || capacity.onDemandWeight + capacity.spotWeight === 0) {
    throw new Error(
      `${propName} { onDemandBase: ${capacity.onDemandBase}, onDemandWeight: ${capacity.onDemandWeight}, ` +
      `spotWeight: ${capacity.spotWeight} } is invalid. Pass whole numbers of 0 or more, with at least one weight above 0.`,
    );
  }
}
