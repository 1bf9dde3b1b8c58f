import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildExampleStack } from '../../integ/example';
import { PLATFORMS } from '../support/platforms';
import { unacknowledgedFindings } from '../support/nag';

/** Returns every unacknowledged finding of the pack as "rule at construct path". */
function findings(app: App): string[] {
  return unacknowledgedFindings(new AwsSolutionsChecks(), app);
}

describe('cdk-nag AwsSolutions', () => {
  test.each(PLATFORMS)('%s has no unacknowledged findings', (_name, build) => {
    const app = new App();
    build(app);
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
