import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Ec2Api, handleVpcOriginSecurityGroupEvent, VPC_ORIGIN_GROUP_NAME } from '../../src/edge/vpc-origin/find-security-group';

function event(requestType: 'Create' | 'Update' | 'Delete', vpcId = 'vpc-0abc'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/guid',
    RequestId: 'request',
    LogicalResourceId: 'VpcOriginSecurityGroup',
    ResourceType: 'Custom::PostizVpcOriginSecurityGroup',
    ResourceProperties: { ServiceToken: 'token', VpcId: vpcId },
  };
  if (requestType === 'Create') {
    return { ...base, RequestType: 'Create' };
  }
  return { ...base, RequestType: requestType, PhysicalResourceId: 'sg-0old', OldResourceProperties: base.ResourceProperties } as CloudFormationCustomResourceEvent;
}

function stubEc2(answers: string[][]): Ec2Api & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    async describeSecurityGroups(input) {
      calls.push(input);
      const ids = answers[Math.min(calls.length - 1, answers.length - 1)];
      return { SecurityGroups: ids.map((GroupId) => ({ GroupId })) };
    },
  };
}

const noWait = { delayMs: 0, sleep: async () => undefined };

describe('VPC origin security group lookup', () => {
  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('returns the group of the VPC', async () => {
    const ec2 = stubEc2([['sg-0vpcorigin']]);
    const response = await handleVpcOriginSecurityGroupEvent(event('Create'), ec2, noWait);
    expect(response).toEqual({ PhysicalResourceId: 'sg-0vpcorigin', Data: { GroupId: 'sg-0vpcorigin' } });
    expect(ec2.calls).toEqual([{
      Filters: [
        { Name: 'vpc-id', Values: ['vpc-0abc'] },
        { Name: 'group-name', Values: [VPC_ORIGIN_GROUP_NAME] },
      ],
    }]);
  });

  test('waits until CloudFront creates the group', async () => {
    const ec2 = stubEc2([[], [], ['sg-0late']]);
    const response = await handleVpcOriginSecurityGroupEvent(event('Update'), ec2, noWait);
    expect(response.Data).toEqual({ GroupId: 'sg-0late' });
    expect(ec2.calls).toHaveLength(3);
  });

  test('fails after the last attempt', async () => {
    const ec2 = stubEc2([[]]);
    await expect(handleVpcOriginSecurityGroupEvent(event('Create'), ec2, { ...noWait, attempts: 4 }))
      .rejects.toThrow(/CloudFront-VPCOrigins-Service-SG not found in VPC vpc-0abc after 4 attempts/);
    expect(ec2.calls).toHaveLength(4);
  });

  test('rejects several matching groups', async () => {
    const ec2 = stubEc2([['sg-01', 'sg-02']]);
    await expect(handleVpcOriginSecurityGroupEvent(event('Create'), ec2, noWait))
      .rejects.toThrow(/VPC vpc-0abc has 2 groups named CloudFront-VPCOrigins-Service-SG \(sg-01, sg-02\)/);
  });

  test('delete keeps the id and calls nothing', async () => {
    const ec2 = stubEc2([['sg-0new']]);
    const response = await handleVpcOriginSecurityGroupEvent(event('Delete'), ec2, noWait);
    expect(response).toEqual({ PhysicalResourceId: 'sg-0old' });
    expect(ec2.calls).toHaveLength(0);
  });

  test('requires the VPC id', async () => {
    const ec2 = stubEc2([['sg-0']]);
    await expect(handleVpcOriginSecurityGroupEvent(event('Create', ''), ec2, noWait)).rejects.toThrow(/property VpcId is missing or empty/);
  });
});
