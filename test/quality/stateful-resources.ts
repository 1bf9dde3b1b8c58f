import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleStack } from '../../integ/example';
import { developmentPlatform, everyOptionPlatform } from '../support/platforms';

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
  development: () => developmentPlatform(new App()),
  everyOption: () => Stack.of(everyOptionPlatform(new App())),
};

/** Returns `<type> <logical id>` of every stateful resource of the stack, sorted. */
export function statefulLogicalIds(stack: Stack): string[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
  return Object.entries(resources)
    .filter(([, resource]) => STATEFUL_TYPES.includes(resource.Type))
    .map(([logicalId, resource]) => `${resource.Type} ${logicalId}`)
    .sort();
}
