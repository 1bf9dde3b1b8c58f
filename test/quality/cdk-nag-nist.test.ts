import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NIST80053R5Checks } from 'cdk-nag';
import { PostizDatabase } from '../../src';
import { everyOptionPlatform, PLATFORMS } from '../support/platforms';
import { unacknowledgedFindings } from '../support/nag';

/** Returns every unacknowledged finding of the pack as "rule at construct path". */
function findings(app: App): string[] {
  return unacknowledgedFindings(new NIST80053R5Checks(), app);
}

describe('cdk-nag NIST 800-53 rev 5', () => {
  test.each(PLATFORMS)('%s has no unacknowledged findings', (_name, build) => {
    const app = new App();
    build(app);
    expect(findings(app)).toEqual([]);
  });

  test('reports a known violation', () => {
    const app = new App();
    const stack = new Stack(app, 'Scratch', { env: { account: '123456789012', region: 'us-east-1' } });
    new s3.Bucket(stack, 'PlainBucket');
    const result = findings(app);
    expect(result).toContain('NIST.800.53.R5-S3BucketLoggingEnabled at Scratch/PlainBucket/Resource');
    expect(result).toContain('NIST.800.53.R5-S3BucketVersioningEnabled at Scratch/PlainBucket/Resource');
  });

  test('acknowledgements state a reason', () => {
    const app = new App();
    everyOptionPlatform(app);
    const reasons: Record<string, string> = {};
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          continue;
        }
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          if (id.includes('NIST.800.53.R5-')) {
            reasons[`${id} at ${construct.node.path}`] = reason;
          }
        }
      }
    }
    expect(Object.keys(reasons).length).toBeGreaterThan(0);
    // A reason is at least one sentence that ends with a full stop.
    const unreasoned = Object.entries(reasons)
      .filter(([, reason]) => reason.length < 30 || !reason.endsWith('.'))
      .map(([where]) => where);
    expect(unreasoned).toEqual([]);
  });

  // The database's security group acknowledges the port rules for every rule under it,
  // because the check cannot resolve the cluster's port. This holds only while every rule
  // opens the port to a security group, never to an address range.
  test('database rules name a source security group', () => {
    const app = new App();
    const platform = everyOptionPlatform(app);
    const database = platform.data.database as PostizDatabase;
    const group = database.cluster.connections.securityGroups[0];
    const stack = Stack.of(group);
    const groupResource = group.node.defaultChild as ec2.CfnSecurityGroup;
    expect(stack.resolve(groupResource.securityGroupIngress)).toBeUndefined();

    const rules = group.node.findAll().filter((child): child is ec2.CfnSecurityGroupIngress =>
      child instanceof ec2.CfnSecurityGroupIngress);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.cidrIp).toBeUndefined();
      expect(rule.cidrIpv6).toBeUndefined();
      expect(stack.resolve(rule.sourceSecurityGroupId)).toBeDefined();
    }
  });
});
