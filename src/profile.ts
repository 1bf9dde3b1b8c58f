import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * A deployment profile: the set of defaults every tier starts from.
 *
 * Each default can be overridden by the prop of the tier that owns it.
 */
export enum DeploymentProfile {
  /**
   * Runs a real business: spreads over three availability zones, keeps data on
   * removal (snapshots or retained resources), turns on deletion protection and
   * keeps backups and logs for long periods.
   */
  PRODUCTION = 'production',

  /**
   * Cheap and disposable: two availability zones, one NAT gateway, a database
   * that pauses when idle, short retention, and resources that are deleted
   * with the stack.
   */
  DEVELOPMENT = 'development',
}

/**
 * The resolved defaults of one profile. Internal: tiers read it, users override
 * single values through tier props.
 */
export interface ProfileDefaults {
  readonly maxAzs: number;
  readonly natGatewaysPerAz: boolean;
  readonly interfaceEndpoints: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly flowLogRetention: logs.RetentionDays;
  /** Removal policy of resources that hold user data. */
  readonly dataRemovalPolicy: RemovalPolicy;
  /** Removal policy of keys, secrets and log groups. */
  readonly retainedRemovalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly databaseMinCapacity: number;
  readonly databaseMaxCapacity: number;
  readonly databaseReaders: number;
  readonly databaseAutoPause?: Duration;
  readonly databaseBackupRetention: Duration;
  readonly cacheNodeType: string;
  readonly cacheReplicas: number;
  readonly cacheSnapshotRetentionDays: number;
  readonly fileSystemBackups: boolean;
}

const PRODUCTION_DEFAULTS: ProfileDefaults = {
  maxAzs: 3,
  natGatewaysPerAz: true,
  interfaceEndpoints: true,
  logRetention: logs.RetentionDays.ONE_YEAR,
  flowLogRetention: logs.RetentionDays.ONE_YEAR,
  dataRemovalPolicy: RemovalPolicy.SNAPSHOT,
  retainedRemovalPolicy: RemovalPolicy.RETAIN,
  deletionProtection: true,
  databaseMinCapacity: 1,
  databaseMaxCapacity: 16,
  databaseReaders: 1,
  databaseAutoPause: undefined,
  databaseBackupRetention: Duration.days(30),
  cacheNodeType: 'cache.t4g.small',
  cacheReplicas: 1,
  cacheSnapshotRetentionDays: 7,
  fileSystemBackups: true,
};

const DEVELOPMENT_DEFAULTS: ProfileDefaults = {
  maxAzs: 2,
  natGatewaysPerAz: false,
  interfaceEndpoints: false,
  logRetention: logs.RetentionDays.ONE_MONTH,
  flowLogRetention: logs.RetentionDays.TWO_WEEKS,
  dataRemovalPolicy: RemovalPolicy.DESTROY,
  retainedRemovalPolicy: RemovalPolicy.DESTROY,
  deletionProtection: false,
  databaseMinCapacity: 0,
  databaseMaxCapacity: 4,
  databaseReaders: 0,
  databaseAutoPause: Duration.minutes(15),
  databaseBackupRetention: Duration.days(7),
  cacheNodeType: 'cache.t4g.micro',
  cacheReplicas: 0,
  cacheSnapshotRetentionDays: 1,
  fileSystemBackups: false,
};

/**
 * Returns the defaults of a profile; an unset profile means production, so a
 * forgotten prop keeps data rather than deleting it.
 */
export function profileDefaults(profile: DeploymentProfile = DeploymentProfile.PRODUCTION): ProfileDefaults {
  return profile === DeploymentProfile.DEVELOPMENT ? DEVELOPMENT_DEFAULTS : PRODUCTION_DEFAULTS;
}
