import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { exampleZone, mediaKeySecret } from './stack';
import { buildExampleStack } from '../../integ/example';
import {
  DeploymentProfile,
  EmailProvider,
  GcsCredentials,
  GcsMediaMode,
  OidcEndpoints,
  PostizGlobalResources,
  PostizPlatform,
  SocialProvider,
} from '../../src';

/** Builds a development platform with the GCS bridge and a key secret it creates, and returns its stack. */
export function developmentPlatform(app: App): Stack {
  const stack = new Stack(app, 'Dev', { env: { account: '123456789012', region: 'us-east-1' } });
  new PostizPlatform(stack, 'Postiz', {
    domainName: 'social.example.com',
    hostedZone: exampleZone(stack),
    profile: DeploymentProfile.DEVELOPMENT,
    gcs: { bucketName: 'postiz-media-dev', projectId: 'media-project', credentials: GcsCredentials.fromNewServiceAccountKeySecret() },
  });
  return stack;
}

/** Builds a production platform in an imported VPC with interface endpoints, and returns its stack. */
export function existingVpcPlatform(app: App): Stack {
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
  return stack;
}

/** Builds a platform in eu-west-1 with its us-east-1 companion, and returns the platform's stack. */
export function twoRegionPlatform(app: App): Stack {
  const env = { account: '123456789012' };
  const global = new Stack(app, 'Global', { env: { ...env, region: 'us-east-1' }, crossRegionReferences: true });
  const main = new Stack(app, 'Main', { env: { ...env, region: 'eu-west-1' }, crossRegionReferences: true });
  const globalResources = new PostizGlobalResources(global, 'Global', { domainName: 'social.example.com', hostedZone: exampleZone(global) });
  new PostizPlatform(main, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(main), edge: { globalResources } });
  return main;
}

/** Builds a platform with every optional tier and setting, the GCS bridge in storage provider mode included. */
export function everyOptionPlatform(app: App): PostizPlatform {
  const stack = new Stack(app, 'Full', { env: { account: '123456789012', region: 'us-east-1' } });
  return new PostizPlatform(stack, 'Postiz', {
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
      credentials: GcsCredentials.fromServiceAccountKeySecret(mediaKeySecret(stack)),
      mediaMode: GcsMediaMode.STORAGE_PROVIDER,
    },
  });
}

/** The platforms that the quality checks cover, by name. */
export const PLATFORMS: [string, (app: App) => void][] = [
  ['example app', (app) => buildExampleStack(app)],
  ['development platform', developmentPlatform],
  ['platform in an existing VPC', existingVpcPlatform],
  ['two-region layout', twoRegionPlatform],
  ['platform with every option', everyOptionPlatform],
];
