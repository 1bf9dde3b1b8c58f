import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleStack } from '../../integ/example';
import { DeploymentProfile, EmailProvider, GcsCredentials, GcsMediaMode, OidcEndpoints, PostizPlatform, SocialProvider } from '../../src';
import { exampleZone } from '../support/stack';

/**
 * Resource types whose replacement loses data or breaks what depends on them: the database,
 * the cache, the uploads file system, buckets, keys (data they encrypted becomes unreadable),
 * secrets (generated values change) and the backup vault.
 */
export const STATEFUL_TYPES = [
  'AWS::RDS::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::EFS::FileSystem',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::SecretsManager::Secret',
  'AWS::Backup::BackupVault',
];

/** Platforms whose stateful logical ids are pinned, by name. */
export const PINNED_PLATFORMS: Record<string, () => Stack> = {
  example: () => buildExampleStack(new App()),
  development: () => {
    const stack = new Stack(new App(), 'Dev', { env: { account: '123456789012', region: 'us-east-1' } });
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      profile: DeploymentProfile.DEVELOPMENT,
    });
    return stack;
  },
  everyOption: () => {
    const stack = new Stack(new App(), 'Full', { env: { account: '123456789012', region: 'us-east-1' } });
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      sso: { endpoints: OidcEndpoints.fromGoogle(), clientId: 'abc.apps.googleusercontent.com' },
      productSso: { allowedOrigins: ['https://app.example.com'] },
      socialProviders: [{ provider: SocialProvider.X }, { provider: SocialProvider.DISCORD, values: { DISCORD_CLIENT_ID: '123' } }],
      email: { provider: EmailProvider.SMTP, host: 'smtp.example.com', port: 587, user: 'postiz', fromAddress: 'postiz@example.com', fromName: 'Postiz' },
      gcs: {
        bucketName: 'postiz-media-full',
        projectId: 'media-project',
        credentials: GcsCredentials.fromNewServiceAccountKeySecret(),
        mediaMode: GcsMediaMode.STORAGE_PROVIDER,
      },
    });
    return stack;
  },
};

/** Returns `<type> <logical id>` of every stateful resource of the stack, sorted. */
export function statefulLogicalIds(stack: Stack): string[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
  return Object.entries(resources)
    .filter(([, resource]) => STATEFUL_TYPES.includes(resource.Type))
    .map(([logicalId, resource]) => `${resource.Type} ${logicalId}`)
    .sort();
}
