import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  DeploymentProfile, GcsCredentials, GcsMediaMode, PostizGcsBridgeOptions, PostizPlatform, WorkloadIdentityFederationProps,
} from '../../src';
import { workloadIdentityCredentialConfiguration } from '../../src/gcs/workload-identity';
import { exampleZone, mediaKeySecret, newStack } from '../support/stack';
import { containerOf } from '../support/task-definitions';

const IDENTITY: WorkloadIdentityFederationProps = {
  projectNumber: '123456789012',
  poolId: 'aws-postiz',
  providerId: 'aws-account',
  serviceAccountEmail: 'postiz-media@media-project.iam.gserviceaccount.com',
};

interface Built {
  readonly stack: Stack;
  readonly platform: PostizPlatform;
  readonly template: Template;
}

function build(
  gcs: (stack: Stack) => Partial<PostizGcsBridgeOptions> = () => ({}),
  profile = DeploymentProfile.PRODUCTION,
): Built {
  const stack = newStack();
  const platform = new PostizPlatform(stack, 'Postiz', {
    domainName: 'social.example.com',
    hostedZone: exampleZone(stack),
    profile,
    gcs: {
      bucketName: 'postiz-media-example',
      projectId: 'media-project',
      credentials: GcsCredentials.fromWorkloadIdentityFederation(IDENTITY),
      ...gcs(stack),
    },
  });
  return { stack, platform, template: Template.fromStack(stack) };
}

function bridgeFunction(template: Template): any {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { GCS_BUCKET_NAME: 'postiz-media-example' } } },
  });
  const values = Object.values(functions);
  expect(values).toHaveLength(1);
  return values[0];
}

function policyDocuments(template: Template): string {
  return JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => policy.Properties));
}

describe('PostizGcsBridge replication function', () => {
  const { template } = build();
  const fn = bridgeFunction(template);

  test('runs Node.js 22 on ARM64', () => {
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
  });

  test('mounts the uploads access point', () => {
    expect(fn.Properties.FileSystemConfigs).toEqual([{
      Arn: { 'Fn::Join': ['', expect.arrayContaining([{ Ref: expect.stringMatching(/^PostizDataUploadsFileSystemAccessPoint/) }])] },
      LocalMountPath: '/mnt/uploads',
    }]);
    expect(fn.Properties.Environment.Variables.UPLOADS_PATH).toBe('/mnt/uploads');
  });

  test('may mount but not write the uploads', () => {
    const policies = policyDocuments(template);
    expect(policies).toContain('elasticfilesystem:ClientMount');
    const bridgePolicies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes('PostizGcsBridgeRole'));
    expect(bridgePolicies.length).toBeGreaterThan(0);
    expect(JSON.stringify(bridgePolicies)).not.toContain('elasticfilesystem:ClientWrite');
  });

  test('runs in the application subnets', () => {
    expect(fn.Properties.VpcConfig.SubnetIds.length).toBe(3);
    expect(JSON.stringify(fn.Properties.VpcConfig.SubnetIds)).toMatch(/PostizNetworkVpcappSubnet/);
  });

  test('carries the keyless credential configuration', () => {
    const variables = fn.Properties.Environment.Variables;
    expect(variables.GCS_CREDENTIALS_SECRET_ARN).toBeUndefined();
    const configuration = JSON.parse(variables.GCS_CREDENTIAL_CONFIG);
    expect(configuration.type).toBe('external_account');
    expect(configuration.audience).toBe(
      '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/aws-postiz/providers/aws-account');
  });

  test('sends failures to an encrypted queue', () => {
    expect(fn.Properties.DeadLetterConfig.TargetArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^PostizGcsBridgeDeadLetterQueue/), 'Arn'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PostizGcsBridgeDeadLetterKey'), 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
  });

  test('runs every 5 minutes in production', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({
        Input: JSON.stringify({ mode: 'recent' }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PostizGcsBridgeDeadLetterQueue'), 'Arn'] } },
      })],
    });
  });

  test('alarms on dead letters and lag', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmDescription: Match.stringLikeRegexp('dead-letter queue'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkPostiz/GcsBridge',
      MetricName: 'ReplicationLagSeconds',
      Dimensions: [{ Name: 'Bucket', Value: 'postiz-media-example' }],
      Threshold: 3600,
    });
  });

  test('probe runs at deployment', () => {
    template.hasResourceProperties('Custom::CdkPostizGcsProbe', {
      Bucket: 'postiz-media-example',
      ProjectId: 'media-project',
      AllowUnfilledKey: 'false',
    });
  });

  test('outputs the role for the identity binding', () => {
    const outputs = template.findOutputs('*', { Description: Match.stringLikeRegexp('workload identity provider') });
    expect(Object.keys(outputs)).toEqual([expect.stringMatching(/^PostizGcsBridgeFunctionRoleArn/)]);
  });

  test('role name is fixed at synthesis', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { RoleName: Match.stringLikeRegexp('GcsBridge') },
    });
    const names = Object.values(roles).map((role) => role.Properties.RoleName);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^TestPostizGcsBridge[0-9A-F]{8}-us-east-1$/);
    expect(names[0].length).toBeLessThanOrEqual(64);
  });

  test('outputs the function for backfills', () => {
    const outputs = template.findOutputs('*', { Description: Match.stringLikeRegexp('backfill') });
    expect(Object.values(outputs)).toEqual([expect.objectContaining({
      Value: { Ref: expect.stringMatching(/^PostizGcsBridgeFunction[0-9A-F]{8}$/) },
    })]);
  });

  test('lag alarm has one run per period', () => {
    const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ReplicationLagSeconds' } }));
    expect(alarm.Properties.Period).toBe(300);
    expect(alarm.Properties.EvaluationPeriods).toBe(2);
  });

  test('leaves the compute tiers on local storage', () => {
    const web = containerOf(template, 'PostizComputeWebTaskDefinition');
    const names = web.Environment.map((entry: { Name: string }) => entry.Name);
    expect(names).not.toContain('GCS_BUCKET_NAME');
    expect(web.Environment).toContainEqual({ Name: 'STORAGE_PROVIDER', Value: 'local' });
  });
});

describe('PostizGcsBridge role name', () => {
  test('can be set', () => {
    const { template } = build(() => ({ functionRoleName: 'postiz-media-bridge' }));
    template.resourcePropertiesCountIs('AWS::IAM::Role', { RoleName: 'postiz-media-bridge' }, 1);
  });

  test('is generated with a key', () => {
    const { template } = build((stack) => ({ credentials: GcsCredentials.fromServiceAccountKeySecret(mediaKeySecret(stack)) }));
    template.resourcePropertiesCountIs('AWS::IAM::Role', { RoleName: Match.stringLikeRegexp('GcsBridge') }, 0);
  });
});

describe('PostizGcsBridge development profile', () => {
  test('runs every 15 minutes', () => {
    const { template } = build(() => ({}), DeploymentProfile.DEVELOPMENT);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    // A 5-minute period would fall between runs and never see two breaching values in a row.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReplicationLagSeconds', Period: 900 });
  });

  test('interval can be set', () => {
    const { template } = build(() => ({ replicationInterval: Duration.minutes(2) }), DeploymentProfile.DEVELOPMENT);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
  });
});

describe('PostizGcsBridge service-account key', () => {
  test('existing secret is read by the function', () => {
    const { template } = build((stack) => ({ credentials: GcsCredentials.fromServiceAccountKeySecret(mediaKeySecret(stack)) }));
    const fn = bridgeFunction(template);
    expect(fn.Properties.Environment.Variables.GCS_CREDENTIALS_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^MediaKeySecret/) });
    expect(fn.Properties.Environment.Variables.GCS_CREDENTIAL_CONFIG).toBeUndefined();
    expect(policyDocuments(template)).toMatch(/"secretsmanager:GetSecretValue".*"Resource":\{"Ref":"MediaKeySecret[0-9A-F]{8}"\}/);
    const [key] = Object.values(template.findResources('AWS::KMS::Key', { Properties: { Description: Match.absent() } }));
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt',
      Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^PostizGcsBridgeRole/), 'Arn'] } },
    }));
  });

  test('existing secret needs a customer-managed key', () => {
    expect(() => build((stack) => ({
      credentials: GcsCredentials.fromServiceAccountKeySecret(new secretsmanager.Secret(stack, 'Plain')),
    }))).toThrow(/has no customer-managed encryptionKey/);
  });

  test('new secret is retained and encrypted', () => {
    const { template } = build(() => ({ credentials: GcsCredentials.fromNewServiceAccountKeySecret() }));
    const secrets = template.findResources('AWS::SecretsManager::Secret', {
      Properties: { Description: Match.stringLikeRegexp('service account of the GCS media bridge') },
    });
    const [secret] = Object.values(secrets);
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PostizAppSecretsKey/), 'Arn'] });
    expect(secret.Properties.GenerateSecretString.SecretStringTemplate).toContain('cdkPostizPlaceholder');
    template.hasResourceProperties('Custom::CdkPostizGcsProbe', { AllowUnfilledKey: 'true' });
    const outputs = template.findOutputs('*', { Description: Match.stringLikeRegexp('replace its placeholder') });
    expect(Object.values(outputs)).toEqual([expect.objectContaining({ Value: { Ref: expect.stringMatching(/ServiceAccountKey/) } })]);
  });
});

describe('PostizGcsBridge storage provider mode', () => {
  const { template } = build((stack) => ({
    mediaMode: GcsMediaMode.STORAGE_PROVIDER,
    credentials: GcsCredentials.fromServiceAccountKeySecret(mediaKeySecret(stack)),
  }));

  test('configures both tiers for the gcs provider', () => {
    for (const tier of ['Web', 'Worker']) {
      const container = containerOf(template, `PostizCompute${tier}TaskDefinition`);
      expect(container.Environment).toEqual(expect.arrayContaining([
        { Name: 'STORAGE_PROVIDER', Value: 'gcs' },
        { Name: 'GCS_PROJECT_ID', Value: 'media-project' },
        { Name: 'GCS_BUCKET_NAME', Value: 'postiz-media-example' },
        { Name: 'GCS_PUBLIC_BASE_URL', Value: 'https://social.example.com/uploads' },
      ]));
      expect(container.Secrets).toContainEqual({ Name: 'GCS_CREDENTIALS', ValueFrom: { Ref: expect.stringMatching(/^MediaKeySecret/) } });
    }
  });

  test('services start after the probe', () => {
    const services = template.findResources('AWS::ECS::Service');
    const postizServices = Object.entries(services).filter(([id]) => /PostizCompute(Web|Worker)Service/.test(id));
    expect(postizServices).toHaveLength(2);
    for (const [, service] of postizServices) {
      expect(service.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^PostizGcsBridgeProbe/)]));
    }
  });

  test('runs no replication', () => {
    const fn = bridgeFunction(template);
    expect(fn.Properties.FileSystemConfigs).toBeUndefined();
    expect(fn.Properties.Environment.Variables.UPLOADS_PATH).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: Match.anyValue() }, 0);
  });

  test('a new key redeploys the services', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(JSON.stringify(rules.map((rule) => rule.Properties.EventPattern))).toMatch(/MediaKeySecret/);
  });

  test('rejects Workload Identity Federation', () => {
    expect(() => build(() => ({ mediaMode: GcsMediaMode.STORAGE_PROVIDER })))
      .toThrow(/Workload Identity Federation.*Fargate tasks/);
  });

  test.each([
    ['replicationInterval', { replicationInterval: Duration.minutes(5) }],
    ['recentDays', { recentDays: 3 }],
    ['lagAlarmThreshold', { lagAlarmThreshold: Duration.hours(2) }],
  ])('rejects %s', (name, options) => {
    expect(() => build((stack) => ({
      mediaMode: GcsMediaMode.STORAGE_PROVIDER,
      credentials: GcsCredentials.fromServiceAccountKeySecret(mediaKeySecret(stack)),
      ...options,
    }))).toThrow(new RegExp(`gcs.${name} is set, but .* runs no replication`));
  });

  test('rejects a key secret created with it', () => {
    expect(() => build(() => ({
      mediaMode: GcsMediaMode.STORAGE_PROVIDER,
      credentials: GcsCredentials.fromNewServiceAccountKeySecret(),
    }))).toThrow(/creates an empty key secret, but gcs.mediaMode STORAGE_PROVIDER starts tasks that need the key/);
  });

  test('public URL without CloudFront serving', () => {
    const built = build((stack) => ({
      mediaMode: GcsMediaMode.STORAGE_PROVIDER,
      credentials: GcsCredentials.fromServiceAccountKeySecret(mediaKeySecret(stack)),
      serveFromBucket: false,
    }));
    const web = containerOf(built.template, 'PostizComputeWebTaskDefinition');
    expect(web.Environment).toContainEqual({
      Name: 'GCS_PUBLIC_BASE_URL', Value: 'https://storage.googleapis.com/postiz-media-example',
    });
  });
});

describe('PostizGcsBridge input checks', () => {
  test.each([
    ['bucketName', { bucketName: 'gs://media' }, /gcs.bucketName 'gs:\/\/media' is invalid/],
    ['bucketName prefix', { bucketName: 'google-media' }, /gcs.bucketName 'google-media' is invalid/],
    ['projectId', { projectId: '123456789012' }, /gcs.projectId '123456789012' is invalid/],
    ['interval too short', { replicationInterval: Duration.seconds(30) }, /replicationInterval 30 seconds is invalid/],
    ['interval too long', { replicationInterval: Duration.hours(2) }, /replicationInterval 2 hours is invalid/],
    ['recentDays', { recentDays: 0 }, /gcs.recentDays 0 is invalid/],
    ['lagAlarmThreshold', { lagAlarmThreshold: Duration.seconds(5) }, /lagAlarmThreshold 5 seconds is invalid/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => build(() => options as Partial<PostizGcsBridgeOptions>)).toThrow(message);
  });

  test.each([
    ['projectNumber', { projectNumber: 'media-project' }, /projectNumber 'media-project' is invalid: use the project number/],
    ['poolId', { poolId: 'AWS' }, /poolId 'AWS' is invalid/],
    ['reserved poolId', { poolId: 'gcp-pool' }, /prefix gcp- is reserved/],
    ['providerId', { providerId: 'aws_account' }, /providerId 'aws_account' is invalid/],
    ['serviceAccountEmail', { serviceAccountEmail: 'postiz-media' }, /serviceAccountEmail 'postiz-media' is invalid/],
  ])('rejects identity %s', (_name, override, message) => {
    expect(() => GcsCredentials.fromWorkloadIdentityFederation({ ...IDENTITY, ...override })).toThrow(message);
  });
});

describe('workloadIdentityCredentialConfiguration', () => {
  const configuration = workloadIdentityCredentialConfiguration(IDENTITY) as any;

  test('impersonates the service account', () => {
    expect(configuration.service_account_impersonation_url).toBe(
      'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/'
      + 'postiz-media@media-project.iam.gserviceaccount.com:generateAccessToken');
    expect(configuration.token_url).toBe('https://sts.googleapis.com/v1/token');
  });

  test('uses signed AWS requests as subject tokens', () => {
    expect(configuration.subject_token_type).toBe('urn:ietf:params:aws:token-type:aws4_request');
    expect(configuration.credential_source.environment_id).toBe('aws1');
    expect(configuration.credential_source.regional_cred_verification_url)
      .toBe('https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15');
  });

  test('names no metadata endpoint', () => {
    expect(configuration.credential_source.url).toBeUndefined();
    expect(configuration.credential_source.region_url).toBeUndefined();
    expect(configuration.credential_source.imdsv2_session_token_url).toBeUndefined();
    expect(JSON.stringify(configuration)).not.toContain('169.254');
  });
});
