import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DeploymentProfile, PostizDatabase, PostizDatabaseOptions } from '../../src';
import { newStack, newVpc } from '../support/stack';

function synth(options: PostizDatabaseOptions & { profile?: DeploymentProfile } = {}) {
  const stack = newStack();
  const vpc = newVpc(stack);
  const database = new PostizDatabase(stack, 'Database', { vpc, ...options });
  return { stack, database, template: Template.fromStack(stack) };
}

describe('PostizDatabase production defaults', () => {
  const { stack, database, template } = synth();

  test('runs Aurora PostgreSQL 16.9 Serverless v2 from 1 to 16 ACU', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '16.9',
      ServerlessV2ScalingConfiguration: { MinCapacity: 1, MaxCapacity: 16 },
    });
  });

  test('has a writer and a reader that scales with it', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PromotionTier: 1 });
  });

  test('encrypts storage and Performance Insights with the tier key', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
    });
    template.allResourcesProperties('AWS::RDS::DBInstance', {
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
    });
  });

  test('keeps backups 30 days, protects and snapshots the cluster', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: { BackupRetentionPeriod: 30, DeletionProtection: true },
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('enables IAM authentication, the Data API and the PostgreSQL log', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      EnableIAMDatabaseAuthentication: true,
      EnableHttpEndpoint: true,
      EnableCloudwatchLogsExports: ['postgresql'],
    });
  });

  test('PostgreSQL log kept a year, encrypted', () => {
    const [cluster] = Object.values(template.findResources('AWS::RDS::DBCluster'));
    const identifier = cluster.Properties.DBClusterIdentifier;
    expect(identifier).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
    const logGroups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: `/aws/rds/cluster/${identifier}/postgresql` },
    });
    expect(Object.keys(logGroups)).toHaveLength(1);
    const [[logGroupId, logGroup]] = Object.entries(logGroups);
    expect(logGroup.Properties.RetentionInDays).toBe(365);
    expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DatabaseKey/), 'Arn'] });
    expect(cluster.DependsOn).toContain(logGroupId);
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test('custom resource roles use no AWS managed policy', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('forces TLS and SCRAM passwords', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql16',
      Parameters: { 'rds.force_ssl': '1', 'password_encryption': 'scram-sha-256' },
    });
  });

  test('rotates the master secret every 30 days', () => {
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('creates the Postiz and Temporal databases with their owners', () => {
    template.hasResourceProperties('Custom::PostizDatabases', {
      Databases: [
        { DatabaseName: 'postiz', OwnerSecretArn: { Ref: Match.stringLikeRegexp('^DatabasePostizOwner') } },
        { DatabaseName: 'temporal', OwnerSecretArn: { Ref: Match.stringLikeRegexp('^DatabaseTemporalOwner') } },
        { DatabaseName: 'temporal_visibility', OwnerSecretArn: { Ref: Match.stringLikeRegexp('^DatabaseTemporalOwner') } },
      ],
    });
  });

  test('owner secrets hold generated URL-safe passwords', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{"username":"postiz"}',
        GenerateStringKey: 'password',
        ExcludePunctuation: true,
        PasswordLength: 40,
      },
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"temporal"}' }),
    });
  });

  test('writes DATABASE_URL into the Postiz owner secret', () => {
    template.hasResourceProperties('Custom::PostizConnectionUrl', {
      SecretArn: { Ref: Match.stringLikeRegexp('^DatabasePostizOwner') },
      PasswordField: 'password',
      UrlPrefix: 'postgresql://postiz:',
      UrlSuffix: {
        'Fn::Join': ['', [
          '@',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseCluster'), 'Endpoint.Address'] },
          ':',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseCluster'), 'Endpoint.Port'] },
          '/postiz?sslmode=no-verify',
        ]],
      },
    });
  });

  test('the URL is written after the databases exist', () => {
    const urls = template.findResources('Custom::PostizConnectionUrl');
    const [url] = Object.values(urls);
    const provisioning = Object.keys(template.findResources('Custom::PostizDatabases'));
    expect(url.DependsOn).toEqual(expect.arrayContaining(provisioning));
  });

  test('provisioning waits for the writer instance', () => {
    const [provisioning] = Object.values(template.findResources('Custom::PostizDatabases'));
    const instances = Object.keys(template.findResources('AWS::RDS::DBInstance'));
    expect(provisioning.DependsOn).toEqual(expect.arrayContaining(instances));
  });

  test('exposes the secrets and the writer endpoint', () => {
    expect(database.temporalSecret).toBeDefined();
    expect(stack.resolve(database.hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DatabaseCluster/), 'Endpoint.Address'] });
  });

  test('keeps secrets and the key when removed', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postiz"}' }) },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('PostizDatabase development defaults', () => {
  const { template } = synth({ profile: DeploymentProfile.DEVELOPMENT });

  test('scales to zero and pauses after 15 minutes', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 900 },
    });
  });

  test('has a single instance', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
  });

  test('keeps backups 7 days and deletes the cluster with the stack', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: { BackupRetentionPeriod: 7, DeletionProtection: false },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('PostizDatabase overrides', () => {
  test('capacity, readers, retention and protection override the profile', () => {
    const { template } = synth({
      profile: DeploymentProfile.DEVELOPMENT,
      minCapacity: 0.5,
      maxCapacity: 8,
      readers: 2,
      backupRetention: Duration.days(14),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: {
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
        BackupRetentionPeriod: 14,
        DeletionProtection: true,
      },
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::RDS::DBInstance', 3);
  });

  test('temporalDatabases false creates only the Postiz database', () => {
    const { template, database } = synth({ temporalDatabases: false });
    template.hasResourceProperties('Custom::PostizDatabases', {
      Databases: [{ DatabaseName: 'postiz', OwnerSecretArn: Match.anyValue() }],
    });
    expect(database.temporalSecret).toBeUndefined();
  });

  test('warns when production has no reader', () => {
    const { stack } = synth({ readers: 0 });
    Annotations.fromStack(stack).hasWarning('/Test/Database', Match.stringLikeRegexp('readers is 0 in production'));
  });
});

describe('PostizDatabase validation', () => {
  test.each<[string, PostizDatabaseOptions & { profile?: DeploymentProfile }, RegExp]>([
    ['min above max', { minCapacity: 8, maxCapacity: 4 }, /minCapacity 8 is above maxCapacity 4. Lower minCapacity or raise maxCapacity/],
    ['capacity step', { minCapacity: 0.7 }, /minCapacity 0.7 is invalid. Pass 0 to 256 ACU in steps of 0.5/],
    ['max below 1', { maxCapacity: 0.5, minCapacity: 0 }, /maxCapacity 0.5 is invalid/],
    ['PostgreSQL 13', { engineVersion: rds.AuroraPostgresEngineVersion.VER_13_20 },
      /engineVersion 13.20 is not supported: Postiz needs PostgreSQL 14 or newer/],
    ['no Data API', { engineVersion: rds.AuroraPostgresEngineVersion.of('15.2', '15') },
      /engineVersion 15.2 does not support the RDS Data API.*Pass 15.3 or newer/],
    ['auto-pause too old', { minCapacity: 0, engineVersion: rds.AuroraPostgresEngineVersion.of('15.5', '15') },
      /minCapacity 0 \(auto-pause\) needs Aurora PostgreSQL 15.7 or newer, but engineVersion is 15.5/],
    ['auto-pause without zero', { autoPause: Duration.minutes(30) }, /autoPause 30 minutes has no effect because minCapacity is 1/],
    ['auto-pause too short', { minCapacity: 0, autoPause: Duration.minutes(1) }, /autoPause 1 minute is invalid. Pass 5 minutes to 1 day/],
    ['destroy with protection', { removalPolicy: RemovalPolicy.DESTROY },
      /removalPolicy DESTROY contradicts deletionProtection true.*Set deletionProtection to false/],
    ['readers', { readers: 16 }, /readers 16 is invalid/],
    ['backup retention', { backupRetention: Duration.days(40) }, /backupRetention 40 days is invalid. Pass 1 to 35 whole days/],
  ])('rejects %s', (_, options, message) => {
    expect(() => synth(options)).toThrow(message);
  });

  test('accepts destroy when protection is off', () => {
    expect(() => synth({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false })).not.toThrow();
  });
});

describe('PostizDatabase.fromDatabaseAttributes', () => {
  test('imports a database with its secrets and port', () => {
    const stack = newStack();
    const vpc = newVpc(stack);
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const postizSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Url', 'postiz/database');
    const imported = PostizDatabase.fromDatabaseAttributes(stack, 'Imported', {
      securityGroup,
      postizSecret,
      hostname: 'db.internal.example.com',
      port: 5433,
    });
    expect(imported.postizSecret).toBe(postizSecret);
    expect(imported.temporalSecret).toBeUndefined();
    expect(imported.port).toBe(5433);
    expect(imported.connections.defaultPort?.toString()).toBe('5433');
    Template.fromStack(stack).resourceCountIs('AWS::RDS::DBCluster', 0);
  });
});
