import { Fn, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IDependable } from 'constructs';
import { writeConnectionUrl } from './custom-resources';
import { skipCheckov } from '../common/checkov';
import { allowLogsToUseKey, createEncryptedLogGroup, createTierKey } from '../common/encryption';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * A Redis-compatible cache that Postiz can use.
 */
export interface IPostizCache extends ec2.IConnectable {
  /**
   * Secret whose `url` field is Postiz's `REDIS_URL`, password included.
   */
  readonly urlSecret: secretsmanager.ISecret;

  /**
   * Completes when `REDIS_URL` is in `urlSecret`; tasks that read it start after it.
   *
   * @default - nothing to wait for (an imported cache)
   */
  readonly ready?: IDependable;
}

/**
 * Attributes of an existing cache for `PostizCache.fromCacheAttributes`.
 */
export interface PostizCacheAttributes {
  /** Security group of the cache; compute tiers are allowed in on `port`. */
  readonly securityGroup: ec2.ISecurityGroup;

  /**
   * Secret whose `url` field contains the full Redis URL (`rediss://:password@host:port`).
   * Postiz uses a plain ioredis client, so the cache must run with cluster mode disabled.
   */
  readonly urlSecret: secretsmanager.ISecret;

  /**
   * Port of the cache.
   *
   * @default 6379
   */
  readonly port?: number;
}

/**
 * Options of the cache that `PostizPlatform` passes through.
 */
export interface PostizCacheOptions {
  /**
   * Node type of each cache node.
   *
   * @default - cache.t4g.small in production, cache.t4g.micro in development
   */
  readonly nodeType?: string;

  /**
   * Number of replicas besides the primary. With one or more, ElastiCache runs
   * Multi-AZ with automatic failover.
   *
   * @default - 1 in production, 0 in development
   */
  readonly replicas?: number;

  /**
   * Valkey engine version.
   *
   * @default '8.1'
   */
  readonly engineVersion?: string;

  /**
   * Days a daily snapshot is kept; 0 turns snapshots off.
   *
   * @default - 7 in production, 1 in development
   */
  readonly snapshotRetentionDays?: number;

  /**
   * Removal policy of the cache. Postiz keeps only rate limits,
   * OAuth state and caches in it, so losing it logs users out of pending OAuth flows.
   *
   * @default - RemovalPolicy.SNAPSHOT in production, RemovalPolicy.DESTROY in development
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long the slow log is kept.
   *
   * @default - one year in production, one month in development
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Properties of `PostizCache`.
 */
export interface PostizCacheProps extends PostizCacheOptions {
  /** VPC of the cache. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the cache nodes.
   *
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Key for the cache data at rest, its AUTH token secret and its slow log.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

const PORT = 6379;

/**
 * An ElastiCache for Valkey replication group with cluster mode disabled (Postiz uses a
 * plain ioredis client), TLS in transit, an AUTH token from Secrets Manager, encryption
 * at rest with a customer-managed key, and Multi-AZ failover when it has replicas.
 */
export class PostizCache extends Construct implements IPostizCache {
  /**
   * Imports a cache that already exists.
   */
  public static fromCacheAttributes(scope: Construct, id: string, attrs: PostizCacheAttributes): IPostizCache {
    class Imported extends Construct implements IPostizCache {
      public readonly connections = new ec2.Connections({
        securityGroups: [attrs.securityGroup],
        defaultPort: ec2.Port.tcp(attrs.port ?? PORT),
      });
      public readonly urlSecret = attrs.urlSecret;
    }
    return new Imported(scope, id);
  }

  public readonly connections: ec2.Connections;
  public readonly urlSecret: secretsmanager.ISecret;
  public readonly ready?: IDependable;

  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;

  /** Secret with the AUTH token (`token` field) and the full URL (`url` field). */
  public readonly authSecret: secretsmanager.ISecret;

  /** Number of nodes: the primary and its replicas. */
  public readonly nodeCount: number;

  constructor(scope: Construct, id: string, props: PostizCacheProps) {
    super(scope, id);
    const defaults = profileDefaults(props.profile);
    const replicas = props.replicas ?? defaults.cacheReplicas;
    const snapshotRetentionDays = props.snapshotRetentionDays ?? defaults.cacheSnapshotRetentionDays;
    const removalPolicy = props.removalPolicy ?? defaults.dataRemovalPolicy;
    validate(replicas, snapshotRetentionDays, props.nodeType);
    this.nodeCount = replicas + 1;

    const key = props.encryptionKey ?? createTierKey(this, 'Key', 'cdk-postiz cache', defaults.retainedRemovalPolicy);
    if (!props.encryptionKey) {
      allowLogsToUseKey(key);
    }

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'cdk-postiz cache: Valkey from Postiz tasks only',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(PORT) });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'cdk-postiz cache subnets',
      subnetIds: props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });

    const authSecret = new secretsmanager.Secret(this, 'Auth', {
      description: 'cdk-postiz: AUTH token and URL of the Valkey cache',
      encryptionKey: key,
      removalPolicy: defaults.retainedRemovalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'token',
        // ElastiCache AUTH tokens are 16 to 128 printable characters without @, " or /;
        // letters and digits also need no escaping in the URL.
        excludePunctuation: true,
        passwordLength: 64,
      },
    });
    const rotationReason = 'A new AUTH token must be applied to the cache with a ROTATE then SET token update before clients '
      + 'switch; scheduled rotation of the secret alone would lock Postiz out.';
    Validations.of(authSecret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason: rotationReason },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: rotationReason },
    );
    skipCheckov(authSecret, 'CKV2_AWS_57', 'The AUTH token changes only through a coordinated ElastiCache token update.');
    this.authSecret = authSecret;
    this.urlSecret = authSecret;

    const slowLog = createEncryptedLogGroup(this, 'SlowLog', {
      key,
      retention: props.logRetention ?? defaults.logRetention,
      removalPolicy: defaults.retainedRemovalPolicy,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'cdk-postiz cache',
      engine: 'valkey',
      engineVersion: props.engineVersion ?? '8.1',
      cacheNodeType: props.nodeType ?? defaults.cacheNodeType,
      numCacheClusters: replicas + 1,
      automaticFailoverEnabled: replicas > 0,
      multiAzEnabled: replicas > 0,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      port: PORT,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: key.keyArn,
      // CloudFormation resolves this dynamic reference at deploy time; the template holds
      // only the reference, never the token.
      authToken: authSecret.secretValueFromJson('token').unsafeUnwrap(),
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: snapshotRetentionDays,
      snapshotWindow: snapshotRetentionDays > 0 ? '03:00-04:00' : undefined,
      preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
      logDeliveryConfigurations: [{
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } },
        logFormat: 'json',
        logType: 'slow-log',
      }],
    });
    this.replicationGroup.applyRemovalPolicy(removalPolicy);
    Validations.of(this.replicationGroup).acknowledge({
      id: 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
      reason: 'Postiz keeps only rate limits, OAuth state and caches in Valkey, and losing them interrupts only pending OAuth '
        + `flows, so daily snapshots are kept for snapshotRetentionDays (${snapshotRetentionDays}) rather than 15 days.`,
    });
    if (replicas === 0) {
      Validations.of(this.replicationGroup).acknowledge({
        id: 'AwsSolutions-AEC4',
        reason: 'replicas is 0 (the development profile\'s default, or set by the user): a single node is accepted '
          + 'because Postiz keeps only rate limits, OAuth state and caches in it.',
      });
    }

    const url = writeConnectionUrl(this, 'Url', {
      secret: authSecret,
      passwordField: 'token',
      urlPrefix: 'rediss://:',
      urlSuffix: `@${this.replicationGroup.attrPrimaryEndPointAddress}:${Token.asString(this.replicationGroup.attrPrimaryEndPointPort)}`,
      trigger: 'auth-token:v1:alnum64',
    });
    url.node.addDependency(this.replicationGroup);
    this.ready = url;
  }

  /**
   * Returns the ids of the replication group's nodes, `<group>-001` and up, the dimension of
   * ElastiCache's node metrics. Which node is the primary changes on failover.
   */
  public memberClusterIds(): string[] {
    return Array.from({ length: this.nodeCount }, (_, index) =>
      Fn.join('-', [this.replicationGroup.ref, String(index + 1).padStart(3, '0')]));
  }
}

function validate(replicas: number, snapshotRetentionDays: number, nodeType?: string): void {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 5) {
    throw new Error(`replicas ${replicas} is invalid. Pass a whole number from 0 to 5.`);
  }
  if (!Number.isInteger(snapshotRetentionDays) || snapshotRetentionDays < 0 || snapshotRetentionDays > 35) {
    throw new Error(`snapshotRetentionDays ${snapshotRetentionDays} is invalid. Pass 0 to 35 days.`);
  }
  if (nodeType !== undefined && !Token.isUnresolved(nodeType) && !/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(nodeType)) {
    throw new Error(`nodeType '${nodeType}' is not an ElastiCache node type. Pass a name such as cache.t4g.small.`);
  }
}
