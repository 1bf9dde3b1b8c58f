import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeploymentProfile, PostizBackupOptions, PostizPlatform } from '../../src';
import { exampleZone, newStack } from '../support/stack';

function build(backup: PostizBackupOptions = {}, profile = DeploymentProfile.PRODUCTION): Template {
  const stack = newStack();
  new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), profile, backup });
  return Template.fromStack(stack);
}

function rules(template: Template): any[] {
  const [plan] = Object.values(template.findResources('AWS::Backup::BackupPlan'));
  return plan.Properties.BackupPlan.BackupPlanRule;
}

describe('PostizBackup production', () => {
  const template = build();

  test('vault is encrypted and retained', () => {
    const [vault] = Object.values(template.findResources('AWS::Backup::BackupVault'));
    expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PostizBackupVaultKey/), 'Arn'] });
    expect(vault.DeletionPolicy).toBe('Retain');
  });

  test('hourly and daily rules', () => {
    const byName = Object.fromEntries(rules(template).map((rule) => [rule.RuleName, rule]));
    expect(byName.Daily.ScheduleExpression).toBe('cron(0 3 * * ? *)');
    expect(byName.Daily.Lifecycle).toEqual({ DeleteAfterDays: 35 });
    expect(byName.Hourly.ScheduleExpression).toBe('cron(30 * * * ? *)');
    expect(byName.Hourly.Lifecycle).toEqual({ DeleteAfterDays: 2 });
  });

  test('covers the database and the uploads', () => {
    const [selection] = Object.values(template.findResources('AWS::Backup::BackupSelection'));
    const resources = JSON.stringify(selection.Properties.BackupSelection.Resources);
    expect(resources).toMatch(/PostizDataUploadsFileSystem/);
    expect(resources).toMatch(/PostizDataDatabaseCluster/);
  });

  test('role has no managed policy', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] } },
    });
    const [role] = Object.values(roles);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('replaces EFS automatic backups', () => {
    const [fileSystem] = Object.values(template.findResources('AWS::EFS::FileSystem'));
    expect(fileSystem.Properties.BackupPolicy?.Status ?? 'DISABLED').toBe('DISABLED');
  });

  test('no copy by default', () => {
    for (const rule of rules(template)) {
      expect(rule.CopyActions ?? []).toEqual([]);
    }
  });
});

describe('PostizBackup options', () => {
  const vaultArn = 'arn:aws:backup:eu-west-1:123456789012:backup-vault:postiz-copies';

  test('copies daily points to another region', () => {
    const daily = rules(build({ copyToVaultArn: vaultArn })).find((rule) => rule.RuleName === 'Daily');
    expect(daily.CopyActions).toEqual([{ DestinationBackupVaultArn: vaultArn, Lifecycle: { DeleteAfterDays: 35 } }]);
  });

  test('copy retention can differ', () => {
    const daily = rules(build({ copyToVaultArn: vaultArn, copyRetention: Duration.days(90) }))
      .find((rule) => rule.RuleName === 'Daily');
    expect(daily.CopyActions[0].Lifecycle).toEqual({ DeleteAfterDays: 90 });
  });

  test('development keeps daily points a week', () => {
    const development = rules(build({}, DeploymentProfile.DEVELOPMENT));
    expect(development.map((rule) => rule.RuleName)).toEqual(['Daily']);
    expect(development[0].Lifecycle).toEqual({ DeleteAfterDays: 7 });
  });

  test('can be turned off', () => {
    const template = build({ enabled: false });
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    template.hasResourceProperties('AWS::EFS::FileSystem', { BackupPolicy: { Status: 'ENABLED' } });
  });

  test.each([
    [{ copyToVaultArn: 'postiz-copies' }, /copyToVaultArn 'postiz-copies' is invalid/],
    [{ copyToVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:same' }, /the platform's own region/],
    [{ dailyRetention: Duration.days(1) }, /dailyRetention 1 day is invalid/],
  ])('rejects %j', (options, message) => {
    expect(() => build(options as PostizBackupOptions)).toThrow(message);
  });
});
