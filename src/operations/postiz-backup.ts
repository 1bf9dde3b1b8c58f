import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { skipCheckov } from '../common/checkov';
import { createTierKey } from '../common/encryption';
import { acknowledgeInlinePolicies } from '../common/nag';
import { PostizData } from '../data/postiz-data';
import { PostizDatabase } from '../data/postiz-database';
import { DeploymentProfile, profileDefaults } from '../profile';

/** Backup settings that `PostizPlatform` passes through. */
export interface PostizBackupOptions {
  /**
   * Whether the platform creates the backup plan. Without it, the uploads file system falls
   * back to EFS automatic backups in production.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * ARN of a backup vault in another region (or account) that receives a copy of every daily
   * recovery point. Its access policy must allow this account's `backup:CopyIntoBackupVault`.
   *
   * @default - no copy
   */
  readonly copyToVaultArn?: string;

  /**
   * How long the copies in `copyToVaultArn` are kept.
   *
   * @default - as long as the daily recovery points
   */
  readonly copyRetention?: Duration;

  /**
   * How long daily recovery points are kept, from 7 days to 10 years.
   *
   * @default - 35 days in production, 7 days in development
   */
  readonly dailyRetention?: Duration;
}

/** Properties of `PostizBackup`. */
export interface PostizBackupProps extends PostizBackupOptions {
  /** Data tier whose database and uploads file system the plan backs up. */
  readonly data: PostizData;

  /** @default DeploymentProfile.PRODUCTION */
  readonly profile?: DeploymentProfile;
}

/** Schedule of each backup rule, in UTC. */
const BACKUP_SCHEDULES = {
  /** Daily at 03:00 UTC. */
  daily: events.Schedule.cron({ minute: '0', hour: '3' }),
  /** Every hour at minute 30, in production only. */
  hourly: events.Schedule.cron({ minute: '30' }),
};

/** How long hourly recovery points are kept in production. */
const HOURLY_RETENTION = Duration.days(2);

const DAILY_RETENTION: Record<DeploymentProfile, Duration> = {
  [DeploymentProfile.PRODUCTION]: Duration.days(35),
  [DeploymentProfile.DEVELOPMENT]: Duration.days(7),
};

/**
 * An AWS Backup plan over the Aurora cluster and the uploads file system, in a vault encrypted
 * with a customer-managed key. Production takes hourly recovery points (kept 2 days) and daily
 * ones (kept 35 days); development takes daily ones (kept 7 days). Daily recovery points can be
 * copied to a vault in another region. Aurora also keeps its own continuous backup for
 * point-in-time restore, and the cache is not backed up here: Valkey takes its own snapshots.
 */
export class PostizBackup extends Construct {
  /** Vault of the recovery points. */
  public readonly vault: backup.BackupVault;

  /** The backup plan. */
  public readonly plan: backup.BackupPlan;

  /** Role that AWS Backup uses to back up and copy the resources. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PostizBackupProps) {
    super(scope, id);
    const profile = props.profile ?? DeploymentProfile.PRODUCTION;
    const defaults = profileDefaults(profile);
    const dailyRetention = props.dailyRetention ?? DAILY_RETENTION[profile];
    validateOptions(props, dailyRetention);

    const key = createTierKey(this, 'VaultKey', 'cdk-postiz backup vault', defaults.retainedRemovalPolicy);
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: key,
      // A vault that still contains recovery points cannot be deleted, so production keeps it.
      removalPolicy: defaults.retainedRemovalPolicy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const copyActions: backup.BackupPlanCopyActionProps[] = props.copyToVaultArn
      ? [{
        destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyToVaultArn),
        deleteAfter: props.copyRetention ?? dailyRetention,
      }]
      : [];
    const rules = [
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: BACKUP_SCHEDULES.daily,
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(8),
        deleteAfter: dailyRetention,
        copyActions,
      }),
    ];
    if (profile === DeploymentProfile.PRODUCTION) {
      rules.push(new backup.BackupPlanRule({
        ruleName: 'Hourly',
        scheduleExpression: BACKUP_SCHEDULES.hourly,
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(2),
        deleteAfter: HOURLY_RETENTION,
      }));
    }
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault, backupPlanRules: rules });

    this.role = this.createRole(props, key);
    const resources = [backup.BackupResource.fromEfsFileSystem(props.data.uploads.fileSystem)];
    if (props.data.database instanceof PostizDatabase) {
      resources.push(backup.BackupResource.fromRdsDatabaseCluster(props.data.database.cluster));
    }
    this.plan.addSelection('Selection', { resources, role: this.role, disableDefaultBackupPolicy: true, allowRestores: false });
  }

  /**
   * Creates the AWS Backup role with the RDS cluster, EFS and KMS permissions of the
   * AWSBackupServiceRolePolicyForBackup managed policy, limited to this platform's resources
   * where the actions allow it.
   */
  private createRole(props: PostizBackupProps, vaultKey: kms.IKey): iam.Role {
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'cdk-postiz: AWS Backup role for the Aurora cluster and the uploads file system',
    });
    const uploads = props.data.uploads.fileSystem;
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['elasticfilesystem:Backup', 'elasticfilesystem:DescribeTags'],
      resources: [uploads.fileSystemArn],
    }));
    const keys: kms.IKey[] = [vaultKey, props.data.encryptionKey];
    const database = props.data.database;
    if (database instanceof PostizDatabase) {
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['rds:CreateDBClusterSnapshot', 'rds:DescribeDBClusters', 'rds:AddTagsToResource', 'rds:ListTagsForResource'],
        resources: [database.cluster.clusterArn],
      }));
      keys.push(database.encryptionKey);
    }
    // Snapshot names are chosen by AWS Backup, so these actions cannot name their resources.
    role.addToPolicy(new iam.PolicyStatement({
      actions: [
        'rds:DescribeDBClusterSnapshots', 'rds:CopyDBClusterSnapshot', 'rds:DeleteDBClusterSnapshot',
        'rds:AddTagsToResource', 'rds:ListTagsForResource', 'rds:DescribeDBClusterAutomatedBackups',
        'tag:GetResources', 'backup:DescribeBackupVault', 'backup:CopyIntoBackupVault',
      ],
      resources: ['*'],
    }));
    for (const key of unique(keys)) {
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        resources: [key.keyArn],
      }));
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [key.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }));
    }
    skipCheckov(role.node.findChild('DefaultPolicy'), 'CKV_AWS_111',
      'AWS Backup names its snapshots and copies, so snapshot, tag and copy actions take any resource; the others name theirs.');
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'AWS Backup names snapshots and copies itself, so the snapshot, tag and copy actions cannot name their resources; '
        + 'the actions on the cluster, the file system and the keys name them.',
    });
    acknowledgeInlinePolicies(role);
    return role;
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function validateOptions(props: PostizBackupProps, dailyRetention: Duration): void {
  if (!dailyRetention.isUnresolved() && (dailyRetention.toDays() < 7 || dailyRetention.toDays() > 3650)) {
    throw new Error(`backup.dailyRetention ${dailyRetention.toHumanString()} is invalid: use 7 days to 10 years.`);
  }
  const arn = props.copyToVaultArn;
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    const match = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:[A-Za-z0-9_.-]+$/.exec(arn);
    if (!match) {
      throw new Error(
        `backup.copyToVaultArn '${arn}' is invalid: pass the ARN of a backup vault, such as `
        + 'arn:aws:backup:eu-west-1:111111111111:backup-vault:postiz-copies.',
      );
    }
    const region = Stack.of(props.data).region;
    if (!Token.isUnresolved(region) && match[1] === region) {
      throw new Error(
        `backup.copyToVaultArn '${arn}' is in ${region}, the platform's own region, so a regional outage would take both. `
        + 'Pass a vault in another region.',
      );
    }
  }
}
