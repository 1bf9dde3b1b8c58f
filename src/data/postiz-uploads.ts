import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { createTierKey } from '../common/encryption';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Options of the uploads file system that `PostizPlatform` passes through.
 */
export interface PostizUploadsOptions {
  /**
   * Whether AWS Backup takes daily backups of the file system (kept 35 days).
   *
   * @default - true in production, false in development
   */
  readonly automaticBackups?: boolean;

  /**
   * Days without access after which files move to the Infrequent Access class, which
   * costs about a twelfth of Standard storage but bills each read.
   *
   * @default efs.LifecyclePolicy.AFTER_30_DAYS
   */
  readonly infrequentAccessAfter?: efs.LifecyclePolicy;

  /**
   * Removal policy of the file system and the media in it.
   *
   * @default - RemovalPolicy.RETAIN in production, RemovalPolicy.DESTROY in development
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Properties of `PostizUploads`.
 */
export interface PostizUploadsProps extends PostizUploadsOptions {
  /** VPC of the file system. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the mount targets, one per availability zone.
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
   * Key for the file system.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/** Directory of the access point, inside the file system. */
const UPLOADS_ROOT = '/postiz-uploads';

/** POSIX user and group that every client of the access point acts as. */
const UPLOADS_UID = '1000';

/**
 * The shared, encrypted EFS file system for Postiz's `/uploads` directory (the `local`
 * storage provider), with an access point that enforces one POSIX identity, TLS-only
 * access and an Infrequent Access lifecycle.
 */
export class PostizUploads extends Construct implements ec2.IConnectable {
  /** The file system. */
  public readonly fileSystem: efs.FileSystem;

  /** Access point that Postiz tasks mount at `/uploads`. */
  public readonly accessPoint: efs.AccessPoint;

  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: PostizUploadsProps) {
    super(scope, id);
    const defaults = profileDefaults(props.profile);
    // EFS has no final snapshot, so production keeps the file system itself.
    const profileRemoval = defaults.dataRemovalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const removalPolicy = props.removalPolicy ?? profileRemoval;
    if (removalPolicy === RemovalPolicy.SNAPSHOT) {
      throw new Error(
        'removalPolicy SNAPSHOT is not supported by EFS file systems. Use RETAIN to keep the media, or DESTROY.',
      );
    }

    const key = props.encryptionKey ?? createTierKey(this, 'Key', 'cdk-postiz uploads file system', defaults.retainedRemovalPolicy);

    this.fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      encrypted: true,
      kmsKey: key,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: efs.ThroughputMode.ELASTIC,
      lifecyclePolicy: props.infrequentAccessAfter ?? efs.LifecyclePolicy.AFTER_30_DAYS,
      outOfInfrequentAccessPolicy: efs.OutOfInfrequentAccessPolicy.AFTER_1_ACCESS,
      enableAutomaticBackups: props.automaticBackups ?? defaults.fileSystemBackups,
      removalPolicy,
      allowAnonymousAccess: false,
    });
    this.connections = this.fileSystem.connections;

    // Clients must use TLS, whatever IAM allows them.
    this.fileSystem.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyUnencryptedTransport',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['*'],
      resources: ['*'],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }));

    this.accessPoint = this.fileSystem.addAccessPoint('AccessPoint', {
      path: UPLOADS_ROOT,
      // Postiz runs as root in its image; the access point maps every client to one
      // unprivileged owner, and files stay world-readable for the image's nginx.
      posixUser: { uid: UPLOADS_UID, gid: UPLOADS_UID },
      createAcl: { ownerUid: UPLOADS_UID, ownerGid: UPLOADS_UID, permissions: '755' },
    });
  }

  /**
   * Grants a task role read and write access to the uploads through the access point.
   */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      resourceArns: [this.fileSystem.fileSystemArn],
      conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': this.accessPoint.accessPointArn } },
    });
  }
}
