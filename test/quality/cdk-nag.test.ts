import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildExampleStack } from '../../integ/example';
import { DeploymentProfile, EmailProvider, GcsCredentials, GcsMediaMode, OidcEndpoints, PostizGlobalResources, PostizPlatform, SocialProvider } from '../../src';
import { exampleZone } from '../support/stack';

/** Returns every unacknowledged AwsSolutions finding as "rule at construct path". */
function findings(app: App): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) =>
      `${violation.ruleName} at ${(resource as { constructPath?: string }).constructPath}`));
}

describe('cdk-nag AwsSolutions', () => {
  test('example app has no unacknowledged findings', () => {
    const app = new App();
    buildExampleStack(app);
    expect(findings(app)).toEqual([]);
  });

  test('development platform has no unacknowledged findings', () => {
    const app = new App();
    const stack = new Stack(app, 'Dev', { env: { account: '123456789012', region: 'us-east-1' } });
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      profile: DeploymentProfile.DEVELOPMENT,
      gcs: { bucketName: 'postiz-media-dev', projectId: 'media-project', credentials: GcsCredentials.fromNewServiceAccountKeySecret() },
    });
    expect(findings(app)).toEqual([]);
  });

  test('platform in an existing VPC has no unacknowledged findings', () => {
    const app = new App();
    const stack = new Stack(app, 'Byo', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-0a', 'subnet-0b'],
      isolatedSubnetIds: ['subnet-1a', 'subnet-1b'],
    });
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      network: { vpc, interfaceEndpoints: true },
    });
    expect(findings(app)).toEqual([]);
  });

  test('two-region layout has no unacknowledged findings', () => {
    const app = new App();
    const env = { account: '123456789012' };
    const global = new Stack(app, 'Global', { env: { ...env, region: 'us-east-1' }, crossRegionReferences: true });
    const main = new Stack(app, 'Main', { env: { ...env, region: 'eu-west-1' }, crossRegionReferences: true });
    const globalResources = new PostizGlobalResources(global, 'Global', { domainName: 'social.example.com', hostedZone: exampleZone(global) });
    new PostizPlatform(main, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(main), edge: { globalResources } });
    expect(findings(app)).toEqual([]);
  });

  test('platform with every option has no unacknowledged findings', () => {
    const app = new App();
    const stack = new Stack(app, 'Full', { env: { account: '123456789012', region: 'us-east-1' } });
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      sso: { endpoints: OidcEndpoints.fromGoogle(), clientId: 'abc.apps.googleusercontent.com' },
      productSso: { allowedOrigins: ['https://app.example.com'] },
      socialProviders: [{ provider: SocialProvider.X }, { provider: SocialProvider.DISCORD, values: { DISCORD_CLIENT_ID: '123' } }],
      email: { provider: EmailProvider.SMTP, host: 'smtp.example.com', port: 587, user: 'postiz', fromAddress: 'postiz@example.com', fromName: 'Postiz' },
      compute: { enableExecuteCommand: true },
      edge: { webAcl: { blockedCountries: ['KP'], allowedIpv4Cidrs: ['203.0.113.0/24'] } },
      gcs: {
        bucketName: 'postiz-media-full',
        projectId: 'media-project',
        credentials: GcsCredentials.fromNewServiceAccountKeySecret({ secretName: 'postiz/gcs-key' }),
        mediaMode: GcsMediaMode.STORAGE_PROVIDER,
      },
    });
    expect(findings(app)).toEqual([]);
  });

  test('reports a known violation', () => {
    const app = new App();
    const stack = buildExampleStack(app);
    new s3.Bucket(stack, 'UnencryptedLogsBucket', { enforceSSL: false });
    const result = findings(app);
    expect(result).toContain('AwsSolutions-S1 at PostizExample/UnencryptedLogsBucket/Resource');
    expect(result).toContain('AwsSolutions-S10 at PostizExample/UnencryptedLogsBucket/Resource');
  });

  test('reports a finding once its acknowledgement is missing', () => {
    const app = new App();
    const stack = new Stack(app, 'Plain', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const securityGroup = new ec2.SecurityGroup(stack, 'Open', { vpc });
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    expect(findings(app)).toEqual(expect.arrayContaining([
      'AwsSolutions-VPC7 at Plain/Vpc/Resource',
      'AwsSolutions-EC23 at Plain/Open/Resource',
    ]));
  });
});
