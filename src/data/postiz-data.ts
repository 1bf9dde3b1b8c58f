import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IPostizCache, PostizCache, PostizCacheOptions } from './postiz-cache';
import { IPostizDatabase, PostizDatabase, PostizDatabaseOptions } from './postiz-database';
import { PostizUploads, PostizUploadsOptions } from './postiz-uploads';
import { allowLogsToUseKey, createTierKey } from '../common/encryption';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Options of the data tier that `PostizPlatform` passes through.
 */
export interface PostizDataOptions {
  /**
   * Settings of the Aurora database the tier creates.
   *
   * @default - the profile's defaults
   */
  readonly database?: PostizDatabaseOptions;

  /**
   * An existing database to use instead of creating one; see
   * `PostizDatabase.fromDatabaseAttributes`.
   *
   * @default - a new Aurora PostgreSQL Serverless v2 cluster
   */
  readonly existingDatabase?: IPostizDatabase;

  /**
   * Settings of the Valkey cache the tier creates.
   *
   * @default - the profile's defaults
   */
  readonly cache?: PostizCacheOptions;

  /**
   * An existing Redis-compatible cache to use instead of creating one; see
   * `PostizCache.fromCacheAttributes`.
   *
   * @default - a new ElastiCache for Valkey replication group
   */
  readonly existingCache?: IPostizCache;

  /**
   * Settings of the uploads file system.
   *
   * @default - the profile's defaults
   */
  readonly uploads?: PostizUploadsOptions;

  /**
   * Key for every data store and secret of the tier.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Properties of `PostizData`.
 */
export interface PostizDataProps extends PostizDataOptions {
  /** VPC of the data stores. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the data stores, in at least two availability zones.
   *
   * @default - the VPC's isolated subnets
   */
  readonly dataSubnets?: ec2.SubnetSelection;

  /**
   * Subnets with a route to AWS APIs, for the database password rotation function.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly appSubnets?: ec2.SubnetSelection;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;
}

/**
 * The data tier: PostgreSQL for Postiz and Temporal, a Valkey cache and the shared
 * uploads file system, all encrypted with one customer-managed key.
 */
export class PostizData extends Construct {
  /** Database of Postiz (and of a self-hosted Temporal). */
  public readonly database: IPostizDatabase;

  /** Redis-compatible cache of Postiz. */
  public readonly cache: IPostizCache;

  /** File system for `/uploads`. */
  public readonly uploads: PostizUploads;

  /** Key that encrypts the tier's data stores and secrets. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: PostizDataProps) {
    super(scope, id);
    if (props.database && props.existingDatabase) {
      throw new Error('database and existingDatabase were both given. Pass database to create one, or existingDatabase to use yours.');
    }
    if (props.cache && props.existingCache) {
      throw new Error('cache and existingCache were both given. Pass cache to create one, or existingCache to use yours.');
    }
    const defaults = profileDefaults(props.profile);
    const dataSubnets = props.dataSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = createTierKey(this, 'Key', 'cdk-postiz data tier: database, cache, uploads and their secrets', defaults.retainedRemovalPolicy);
      allowLogsToUseKey(key);
      this.encryptionKey = key;
    }

    this.database = props.existingDatabase ?? new PostizDatabase(this, 'Database', {
      ...props.database,
      vpc: props.vpc,
      vpcSubnets: dataSubnets,
      rotationSubnets: props.appSubnets,
      profile: props.profile,
      encryptionKey: this.encryptionKey,
    });

    this.cache = props.existingCache ?? new PostizCache(this, 'Cache', {
      ...props.cache,
      vpc: props.vpc,
      vpcSubnets: dataSubnets,
      profile: props.profile,
      encryptionKey: this.encryptionKey,
    });

    this.uploads = new PostizUploads(this, 'Uploads', {
      ...props.uploads,
      vpc: props.vpc,
      vpcSubnets: dataSubnets,
      profile: props.profile,
      encryptionKey: this.encryptionKey,
    });
  }
}
