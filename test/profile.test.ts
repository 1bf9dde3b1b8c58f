import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeploymentProfile, PostizPlatform } from '../src';
import { exampleZone, newStack } from './support/stack';

function platformTemplate(profile?: DeploymentProfile): Template {
  const stack = newStack();
  new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), profile });
  return Template.fromStack(stack);
}

describe('deployment profiles', () => {
  const production = platformTemplate();
  const development = platformTemplate(DeploymentProfile.DEVELOPMENT);

  test('unset profile means production', () => {
    expect(platformTemplate(DeploymentProfile.PRODUCTION).toJSON()).toEqual(production.toJSON());
  });

  test('production retains every key', () => {
    const keys = Object.values(production.findResources('AWS::KMS::Key'));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });

  test('development deletes every key', () => {
    for (const key of Object.values(development.findResources('AWS::KMS::Key'))) {
      expect(key.DeletionPolicy).toBe('Delete');
    }
  });

  test('production retains every secret', () => {
    for (const secret of Object.values(production.findResources('AWS::SecretsManager::Secret'))) {
      expect(secret.DeletionPolicy).toBe('Retain');
    }
  });

  test('development deletes every secret', () => {
    for (const secret of Object.values(development.findResources('AWS::SecretsManager::Secret'))) {
      expect(secret.DeletionPolicy).toBe('Delete');
    }
  });

  test('log retention follows the profile', () => {
    production.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/rds/cluster/.*/postgresql$'),
      RetentionInDays: 365,
    });
    development.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/rds/cluster/.*/postgresql$'),
      RetentionInDays: 30,
    });
  });

  test('production retains the uploads and snapshots the database and cache', () => {
    production.hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Retain' });
    production.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot' });
    production.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Snapshot' });
  });
});
