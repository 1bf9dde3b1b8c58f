import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DeploymentProfile, PostizCache, PostizCacheOptions, PostizUploads, PostizUploadsOptions } from '../../src';
import { newStack, newVpc } from '../support/stack';

function synthCache(options: PostizCacheOptions & { profile?: DeploymentProfile } = {}) {
  const stack = newStack();
  const vpc = newVpc(stack);
  const cache = new PostizCache(stack, 'Cache', { vpc, ...options });
  return { cache, template: Template.fromStack(stack) };
}

function synthUploads(options: PostizUploadsOptions & { profile?: DeploymentProfile } = {}, extend?: (stack: Stack, uploads: PostizUploads) => void) {
  const stack = newStack();
  const vpc = newVpc(stack);
  const uploads = new PostizUploads(stack, 'Uploads', { vpc, ...options });
  extend?.(stack, uploads);
  return { stack, uploads, template: Template.fromStack(stack) };
}

describe('PostizCache production defaults', () => {
  const { template } = synthCache();

  test('runs Valkey with cluster mode disabled and one replica', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.1',
      CacheNodeType: 'cache.t4g.small',
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
    });
    const [group] = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(group.Properties.NumNodeGroups).toBeUndefined();
  });

  test('requires TLS and encrypts at rest with the tier key', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheKey'), 'Arn'] },
    });
  });

  test('reads the AUTH token through a dynamic reference', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AuthToken: {
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('^CacheAuth') }, ':SecretString:token::}}']],
      },
    });
  });

  test('keeps daily snapshots 7 days and a final snapshot', () => {
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: { SnapshotRetentionLimit: 7, SnapshotWindow: '03:00-04:00' },
      DeletionPolicy: 'Snapshot',
    });
  });

  test('delivers the slow log to an encrypted log group', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      LogDeliveryConfigurations: [Match.objectLike({ DestinationType: 'cloudwatch-logs', LogType: 'slow-log' })],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheKey'), 'Arn'] },
      RetentionInDays: 365,
    });
  });

  test('generates a 64-character token without punctuation', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'token', ExcludePunctuation: true, PasswordLength: 64 },
    });
  });

  test('writes REDIS_URL with the primary endpoint', () => {
    template.hasResourceProperties('Custom::PostizConnectionUrl', {
      SecretArn: { Ref: Match.stringLikeRegexp('^CacheAuth') },
      PasswordField: 'token',
      UrlPrefix: 'rediss://:',
      UrlSuffix: {
        'Fn::Join': ['', [
          '@',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheReplicationGroup'), 'PrimaryEndPoint.Address'] },
          ':',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheReplicationGroup'), 'PrimaryEndPoint.Port'] },
        ]],
      },
    });
  });

  test('security group allows no outbound traffic', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'cdk-postiz cache: Valkey from Postiz tasks only',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });
});

describe('PostizCache development defaults', () => {
  const { template } = synthCache({ profile: DeploymentProfile.DEVELOPMENT });

  test('runs a single micro node without failover', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.t4g.micro',
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
    });
  });

  test('keeps snapshots a day and deletes the cache with the stack', () => {
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: { SnapshotRetentionLimit: 1 },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('PostizCache overrides and validation', () => {
  test('replicas, node type and removal policy override the profile', () => {
    const { template } = synthCache({ replicas: 2, nodeType: 'cache.r7g.large', removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: { NumCacheClusters: 3, CacheNodeType: 'cache.r7g.large' },
      DeletionPolicy: 'Delete',
    });
  });

  test('snapshotRetentionDays 0 turns snapshots off', () => {
    const { template } = synthCache({ snapshotRetentionDays: 0 });
    const [group] = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(group.Properties.SnapshotRetentionLimit).toBe(0);
    expect(group.Properties.SnapshotWindow).toBeUndefined();
  });

  test.each<[string, PostizCacheOptions, RegExp]>([
    ['too many replicas', { replicas: 6 }, /replicas 6 is invalid. Pass a whole number from 0 to 5/],
    ['bad node type', { nodeType: 't4g.small' }, /nodeType 't4g.small' is not an ElastiCache node type. Pass a name such as cache.t4g.small/],
    ['bad retention', { snapshotRetentionDays: 36 }, /snapshotRetentionDays 36 is invalid/],
  ])('rejects %s', (_, options, message) => {
    expect(() => synthCache(options)).toThrow(message);
  });

  test('fromCacheAttributes imports a cache', () => {
    const stack = newStack();
    const vpc = newVpc(stack);
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const urlSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Url', 'postiz/redis');
    const cache = PostizCache.fromCacheAttributes(stack, 'Imported', { securityGroup, urlSecret });
    expect(cache.urlSecret).toBe(urlSecret);
    expect(cache.connections.defaultPort?.toString()).toBe('6379');
  });
});

describe('PostizUploads', () => {
  test('production file system is encrypted, backed up and retained', () => {
    const { template } = synthUploads();
    template.hasResource('AWS::EFS::FileSystem', {
      Properties: {
        Encrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadsKey'), 'Arn'] },
        BackupPolicy: { Status: 'ENABLED' },
        ThroughputMode: 'elastic',
        LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }, { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('development file system has no backups and is deleted', () => {
    const { template } = synthUploads({ profile: DeploymentProfile.DEVELOPMENT });
    template.hasResource('AWS::EFS::FileSystem', {
      // Without a backup policy, EFS creates the file system with automatic backups off.
      Properties: { BackupPolicy: Match.absent() },
      DeletionPolicy: 'Delete',
    });
  });

  test('denies unencrypted transport', () => {
    const { template } = synthUploads();
    template.hasResourceProperties('AWS::EFS::FileSystem', {
      FileSystemPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyUnencryptedTransport',
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('access point enforces one unprivileged owner', () => {
    const { template } = synthUploads();
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: { Uid: '1000', Gid: '1000' },
      RootDirectory: {
        Path: '/postiz-uploads',
        CreationInfo: { OwnerUid: '1000', OwnerGid: '1000', Permissions: '755' },
      },
    });
  });

  test('has a mount target in each zone', () => {
    const { template } = synthUploads();
    template.resourceCountIs('AWS::EFS::MountTarget', 3);
  });

  test('grantReadWrite scopes mounting to the access point', () => {
    const { template } = synthUploads({}, (stack, uploads) => {
      const role = new iam.Role(stack, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      uploads.grantReadWrite(role);
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadsFileSystem'), 'Arn'] },
          Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': Match.anyValue() } },
        }],
      },
    });
  });

  test('infrequentAccessAfter overrides the lifecycle', () => {
    const { template } = synthUploads({ infrequentAccessAfter: efs.LifecyclePolicy.AFTER_90_DAYS });
    template.hasResourceProperties('AWS::EFS::FileSystem', {
      LifecyclePolicies: Match.arrayWith([{ TransitionToIA: 'AFTER_90_DAYS' }]),
    });
  });

  test('rejects a snapshot removal policy', () => {
    expect(() => synthUploads({ removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/removalPolicy SNAPSHOT is not supported by EFS file systems. Use RETAIN/);
  });
});
