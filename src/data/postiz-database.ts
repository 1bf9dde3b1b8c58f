import { Annotations, Duration, Names, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IDependable } from 'constructs';
import { provisionDatabases, writeConnectionUrl } from './custom-resources';
import { resolveSettings } from './database-settings';
import { skipCheckov } from '../common/checkov';
import { allowLogsToUseKey, createEncryptedLogGroup, createTierKey } from '../common/encryption';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * A PostgreSQL database that Postiz and Temporal can use.
 */
export interface IPostizDatabase extends ec2.IConnectable {
  /**
   * Secret of Postiz's database owner. Its `url` field is Postiz's `DATABASE_URL`.
   */
  readonly postizSecret: secretsmanager.ISecret;

  /**
   * Secret of Temporal's database owner (`username` and `password` fields).
   *
   * @default - none: Temporal does not use this database
   */
  readonly temporalSecret?: secretsmanager.ISecret;

  /** Host name of the writer endpoint. */
  readonly hostname: string;

  /** Port of the writer endpoint. */
  readonly port: number;

  /**
   * Completes when the databases exist and `DATABASE_URL` is in `postizSecret`; tasks
   * that read the secret start after it.
   *
   * @default - nothing to wait for (an imported database)
   */
  readonly ready?: IDependable;
}

/**
 * Attributes of an existing database for `PostizDatabase.fromDatabaseAttributes`.
 */
export interface PostizDatabaseAttributes {
  /**
   * Security group of the database; compute tiers are allowed in on `port`.
   */
  readonly securityGroup: ec2.ISecurityGroup;

  /**
   * Secret whose `url` field contains a full PostgreSQL URL for Postiz, of a user that
   * owns its database (Postiz runs `prisma db push`, which needs DDL rights).
   */
  readonly postizSecret: secretsmanager.ISecret;

  /**
   * Secret with `username` and `password` of a user that owns the `temporal` and
   * `temporal_visibility` databases.
   *
   * @default - none; Temporal must then run elsewhere (for example Temporal Cloud)
   */
  readonly temporalSecret?: secretsmanager.ISecret;

  /** Host name of the writer endpoint. */
  readonly hostname: string;

  /**
   * Port of the writer endpoint.
   *
   * @default 5432
   */
  readonly port?: number;
}

/**
 * Options of the database that `PostizPlatform` passes through.
 */
export interface PostizDatabaseOptions {
  /**
   * Aurora PostgreSQL engine version. Postiz needs PostgreSQL 14 or newer; the RDS Data
   * API and auto-pause add minimum minor versions, which are checked at synth.
   *
   * @default AuroraPostgresEngineVersion.VER_16_9
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * Minimum capacity in Aurora capacity units (ACU, 2 GiB of memory each). 0 lets the
   * database pause when idle: no compute cost, but the first request after a pause
   * waits about 15 seconds.
   *
   * @default - 1 in production, 0 in development
   */
  readonly minCapacity?: number;

  /**
   * Maximum capacity in ACU. Each ACU-hour is billed (about 0.12 USD in us-east-1).
   *
   * @default - 16 in production, 4 in development
   */
  readonly maxCapacity?: number;

  /**
   * Idle time after which a database with `minCapacity` 0 pauses (5 minutes to 1 day).
   *
   * @default - 15 minutes when minCapacity is 0
   */
  readonly autoPause?: Duration;

  /**
   * Number of reader instances, each in another availability zone, that take over
   * when the writer fails. Readers scale with the writer, so each one doubles the
   * compute bill.
   *
   * @default - 1 in production, 0 in development
   */
  readonly readers?: number;

  /**
   * How long automated backups are kept (1 to 35 days).
   *
   * @default - 30 days in production, 7 days in development
   */
  readonly backupRetention?: Duration;

  /**
   * Whether the cluster refuses to be deleted. Must agree with `removalPolicy`.
   *
   * @default - true in production, false in development
   */
  readonly deletionProtection?: boolean;

  /**
   * Removal policy of the cluster: SNAPSHOT keeps a final snapshot, RETAIN keeps the
   * cluster, and DESTROY deletes it with its data.
   *
   * @default - RemovalPolicy.SNAPSHOT in production, RemovalPolicy.DESTROY in development
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How often the master password rotates.
   *
   * @default Duration.days(30)
   */
  readonly masterRotation?: Duration;

  /**
   * Whether to create the `temporal` and `temporal_visibility` databases and their owner
   * for a self-hosted Temporal server.
   *
   * @default true
   */
  readonly temporalDatabases?: boolean;

  /**
   * Interval of Enhanced Monitoring (operating system metrics). aws-cdk-lib then adds a
   * monitoring role with the AmazonRDSEnhancedMonitoringRole managed policy.
   *
   * @default - off; Performance Insights and CloudWatch metrics still monitor the instances
   */
  readonly enhancedMonitoringInterval?: Duration;

  /**
   * How long the PostgreSQL log is kept in CloudWatch Logs.
   *
   * @default - one year in production, one month in development
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Properties of `PostizDatabase`.
 */
export interface PostizDatabaseProps extends PostizDatabaseOptions {
  /** VPC of the cluster. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the cluster, in at least two availability zones.
   *
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Subnets with a route to Secrets Manager for the master password rotation function.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly rotationSubnets?: ec2.SubnetSelection;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Key for storage, Performance Insights and secrets.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

const POSTIZ_DATABASE = 'postiz';
const TEMPORAL_DATABASES = ['temporal', 'temporal_visibility'];
const TEMPORAL_DATABASE_USER = 'temporal';

/**
 * Aurora PostgreSQL Serverless v2 for Postiz and Temporal: encrypted with a
 * customer-managed key, IAM authentication, Performance Insights, a rotating master
 * secret, and databases owned by their application users, created at deploy time.
 *
 * A custom resource creates the databases and owners through the RDS Data API with the
 * master secret. Owner passwords reach PostgreSQL only as SCRAM verifiers.
 * A second custom resource writes `DATABASE_URL` into the Postiz owner secret.
 */
export class PostizDatabase extends Construct implements IPostizDatabase {
  /** Name of Postiz's database, which is also the name of its owner. */
  public static readonly POSTIZ_DATABASE_NAME = POSTIZ_DATABASE;

  /** Name of Temporal's persistence database, owned by the `temporal` user. */
  public static readonly TEMPORAL_DATABASE_NAME = TEMPORAL_DATABASES[0];

  /** Name of Temporal's visibility database, owned by the `temporal` user. */
  public static readonly TEMPORAL_VISIBILITY_DATABASE_NAME = TEMPORAL_DATABASES[1];

  /**
   * Imports a database that already exists, with secrets the operator prepared.
   */
  public static fromDatabaseAttributes(scope: Construct, id: string, attrs: PostizDatabaseAttributes): IPostizDatabase {
    const port = attrs.port ?? 5432;
    class Imported extends Construct implements IPostizDatabase {
      public readonly connections = new ec2.Connections({
        securityGroups: [attrs.securityGroup],
        defaultPort: ec2.Port.tcp(port),
      });
      public readonly postizSecret = attrs.postizSecret;
      public readonly temporalSecret = attrs.temporalSecret;
      public readonly hostname = attrs.hostname;
      public readonly port = port;
    }
    return new Imported(scope, id);
  }

  /** The Aurora cluster. */
  public readonly cluster: rds.DatabaseCluster;

  public readonly connections: ec2.Connections;
  public readonly postizSecret: secretsmanager.ISecret;
  public readonly temporalSecret?: secretsmanager.ISecret;
  public readonly hostname: string;
  public readonly port: number;
  public readonly ready?: IDependable;

  /** Secret of the master user, rotated on a schedule. */
  public readonly adminSecret: secretsmanager.ISecret;

  /** Key that encrypts the cluster, its snapshots and its secrets. */
  public readonly encryptionKey: kms.IKey;

  /** Log group that RDS writes the PostgreSQL log into. */
  public readonly postgresLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: PostizDatabaseProps) {
    super(scope, id);
    const defaults = profileDefaults(props.profile);
    const settings = resolveSettings(props, defaults.deletionProtection);
    const production = (props.profile ?? DeploymentProfile.PRODUCTION) === DeploymentProfile.PRODUCTION;
    if (production && settings.readers === 0) {
      Annotations.of(this).addWarningV2('cdk-postiz:database-single-instance',
        'readers is 0 in production: a failure of the writer\'s zone stops Postiz until Aurora replaces the instance.');
    }

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = createTierKey(this, 'Key', 'cdk-postiz database', defaults.retainedRemovalPolicy);
      allowLogsToUseKey(key);
      this.encryptionKey = key;
    }

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: settings.engineVersion }),
      description: 'cdk-postiz: TLS only, SCRAM passwords, slow statement logging',
      parameters: {
        'rds.force_ssl': '1',
        'password_encryption': 'scram-sha-256',
        'log_min_duration_statement': '2000',
      },
    });

    // RDS writes the PostgreSQL log into this group when it exists, so the group can be
    // encrypted and have a retention without aws-cdk-lib's log retention function.
    const clusterIdentifier = Names.uniqueResourceName(this, { maxLength: 63, separator: '-' }).toLowerCase();
    const postgresLog = this.postgresLogGroup = createEncryptedLogGroup(this, 'PostgresLog', {
      key: this.encryptionKey,
      retention: props.logRetention ?? defaults.logRetention,
      removalPolicy: defaults.retainedRemovalPolicy,
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
    });

    const readers = Array.from({ length: settings.readers }, (_, index) =>
      rds.ClusterInstance.serverlessV2(`Reader${index + 1}`, {
        // A reader that scales with the writer can take over at full capacity.
        scaleWithWriter: true,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.encryptionKey,
        autoMinorVersionUpgrade: true,
      }));

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: settings.engineVersion }),
      parameterGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.serverlessV2('Writer', {
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.encryptionKey,
        autoMinorVersionUpgrade: true,
      }),
      readers,
      serverlessV2MinCapacity: settings.minCapacity,
      serverlessV2MaxCapacity: settings.maxCapacity,
      serverlessV2AutoPauseDuration: settings.autoPause,
      credentials: rds.Credentials.fromGeneratedSecret('postgres', {
        encryptionKey: this.encryptionKey,
        excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
      }),
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      iamAuthentication: true,
      enableDataApi: true,
      backup: { retention: settings.backupRetention, preferredWindow: '03:00-04:00' },
      preferredMaintenanceWindow: 'Sun:04:30-Sun:05:30',
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.removalPolicy,
      copyTagsToSnapshot: true,
      clusterIdentifier,
      monitoringInterval: props.enhancedMonitoringInterval,
      cloudwatchLogsExports: ['postgresql'],
    });
    this.cluster.node.addDependency(postgresLog);
    const instances = this.cluster.node.findAll().filter((child) => child instanceof rds.CfnDBInstance);
    for (const instance of instances) {
      Validations.of(instance).acknowledge({
        id: 'NIST.800.53.R5-RDSInBackupPlan',
        reason: 'An Aurora instance holds no data of its own. The cluster volume holds it: Aurora backs the volume up continuously '
          + 'for point-in-time restore, and AWS Backup selects it by cluster ARN, as PostizBackup does by default.',
      });
    }
    if (!props.enhancedMonitoringInterval) {
      const reason = 'Enhanced Monitoring is opt-in (enhancedMonitoringInterval); Performance Insights and CloudWatch metrics '
        + 'monitor the instances.';
      for (const instance of instances) {
        skipCheckov(instance, 'CKV_AWS_118', reason);
        Validations.of(instance).acknowledge({ id: 'NIST.800.53.R5-RDSEnhancedMonitoringEnabled', reason });
      }
    }
    if (!settings.deletionProtection) {
      const reason = 'deletionProtection is off (the development profile\'s default, or set by the user): the cluster is disposable.';
      Validations.of(this.cluster).acknowledge(
        { id: 'AwsSolutions-RDS10', reason },
        { id: 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled', reason },
      );
    }
    // The platform adds ingress rules to this group from other tiers, after this constructor,
    // so the acknowledgement goes on the group, the parent of every rule.
    const portReason = 'The platform opens this group only to the security groups of its tasks and of the rotation function, '
      + 'on the cluster\'s port. The port is an attribute of the cluster that cdk-nag cannot resolve, so it reports every rule.';
    Validations.of(this.cluster.connections.securityGroups[0]).acknowledge(
      { id: 'NIST.800.53.R5-EC2RestrictedSSH', reason: portReason },
      { id: 'NIST.800.53.R5-EC2RestrictedCommonPorts', reason: portReason },
    );
    this.adminSecret = this.cluster.secret!;
    // A cluster restored from a final snapshot keeps the master password of this secret.
    // The cluster's `secret` is the target attachment, so the secret itself is its child.
    (this.cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(defaults.retainedRemovalPolicy);
    this.connections = this.cluster.connections;
    this.hostname = this.cluster.clusterEndpoint.hostname;
    this.port = this.cluster.clusterEndpoint.port;

    this.cluster.addRotationSingleUser({
      automaticallyAfter: props.masterRotation ?? Duration.days(30),
      vpcSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });

    // Owners of the application databases. Their passwords never rotate: Postiz and
    // Temporal read them once at start, and the owner of the tables cannot alternate.
    const removal = defaults.retainedRemovalPolicy;
    const postizSecret = this.ownerSecret('PostizOwner', POSTIZ_DATABASE, removal);
    this.postizSecret = postizSecret;
    const databases = [{ databaseName: POSTIZ_DATABASE, ownerSecret: postizSecret as secretsmanager.ISecret }];
    if (props.temporalDatabases ?? true) {
      const temporalSecret = this.ownerSecret('TemporalOwner', TEMPORAL_DATABASE_USER, removal);
      this.temporalSecret = temporalSecret;
      databases.push(...TEMPORAL_DATABASES.map((databaseName) => ({ databaseName, ownerSecret: temporalSecret })));
    }

    const provisioning = provisionDatabases(this, 'Databases', {
      clusterArn: this.cluster.clusterArn,
      adminSecret: this.adminSecret,
      databases,
      trigger: OWNER_SECRET_FORMAT,
      grantDataApi: (grantee) => this.cluster.grantDataApiAccess(grantee),
    });
    // The instances must be available before the Data API can reach the cluster. The
    // dependency names the instances, not the cluster construct, whose security group
    // gains rules that reference the tasks depending on this resource.
    provisioning.node.addDependency(...this.cluster.node.findAll().filter((child) =>
      child instanceof rds.CfnDBInstance || child instanceof rds.CfnDBCluster));

    const url = writeConnectionUrl(this, 'DatabaseUrl', {
      secret: postizSecret,
      passwordField: 'password',
      urlPrefix: `postgresql://${POSTIZ_DATABASE}:`,
      urlSuffix: `@${this.hostname}:${Token.asString(this.port)}/${POSTIZ_DATABASE}?sslmode=no-verify`,
      trigger: OWNER_SECRET_FORMAT,
    });
    url.node.addDependency(provisioning);
    this.ready = url;
  }

  /**
   * Secret of the URL-ready password of a database owner.
   */
  private ownerSecret(id: string, username: string, removalPolicy: RemovalPolicy): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, {
      description: `cdk-postiz: owner of the ${username} database${username === TEMPORAL_DATABASE_USER ? 's' : ''}`,
      encryptionKey: this.encryptionKey,
      removalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username }),
        generateStringKey: 'password',
        // Letters and digits only, so the password needs no escaping in a URL.
        excludePunctuation: true,
        passwordLength: 40,
      },
    });
    const reason = 'Database owner passwords do not rotate: the owner of Postiz\'s tables cannot alternate between two users, '
      + 'and running tasks read the password only at start. The master password rotates.';
    Validations.of(secret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
    );
    skipCheckov(secret, 'CKV2_AWS_57', 'Database owner passwords do not rotate; see the AwsSolutions-SMG4 acknowledgement.');
    return secret;
  }
}

/**
 * Describes how owner passwords are generated; the custom resources run again when it
 * changes, because CloudFormation then regenerates the passwords.
 */
const OWNER_SECRET_FORMAT = 'owner-secret:v1:alnum40';
