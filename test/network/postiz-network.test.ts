import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PostizNetwork } from '../../src/network/postiz-network';
import { DeploymentProfile } from '../../src/profile';
import { newStack } from '../support/stack';

function subnetsOfType(template: Template, type: 'Public' | 'Private' | 'Isolated'): number {
  const subnets = template.findResources('AWS::EC2::Subnet', {
    Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: type }]) },
  });
  return Object.keys(subnets).length;
}

const INTERFACE_SERVICES = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager'];

describe('PostizNetwork production defaults', () => {
  const stack = newStack();
  const network = new PostizNetwork(stack, 'Network');
  const template = Template.fromStack(stack);

  test('spans three zones with three subnet tiers', () => {
    expect(subnetsOfType(template, 'Public')).toBe(3);
    expect(subnetsOfType(template, 'Private')).toBe(3);
    expect(subnetsOfType(template, 'Isolated')).toBe(3);
  });

  test('has one NAT gateway per zone', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('sends all flow logs to an encrypted log group kept a year', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
  });

  test('flow log key rotates and allows only this account\'s log groups', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Principal: { Service: { 'Fn::Join': ['', ['logs.us-east-1.', { Ref: 'AWS::URLSuffix' }]] } },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']],
                },
              },
            },
          })]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('adds an S3 gateway endpoint', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }),
    });
  });

  test('endpoints accept HTTPS from the application subnets only', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .filter((group) => /Endpoint/.test(JSON.stringify(group.Properties.GroupDescription)))
      .map((group) => group.Properties.SecurityGroupIngress.map((rule: { CidrIp: string; FromPort: number }) => `${rule.CidrIp}:${rule.FromPort}`));
    expect(ingress).toHaveLength(4);
    for (const rules of ingress) {
      expect(rules).toEqual(['10.80.16.0/20:443', '10.80.32.0/20:443', '10.80.48.0/20:443']);
    }
  });

  test.each(INTERFACE_SERVICES)('adds the %s interface endpoint', (service) => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: `com.amazonaws.us-east-1.${service}`,
      PrivateDnsEnabled: true,
    });
  });

  test('restricts the default security group', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('selects private subnets for apps and isolated subnets for data', () => {
    expect(network.appSubnets.subnetType).toBe(ec2.SubnetType.PRIVATE_WITH_EGRESS);
    expect(network.dataSubnets.subnetType).toBe(ec2.SubnetType.PRIVATE_ISOLATED);
    expect(network.flowLogGroup).toBeDefined();
  });
});

describe('PostizNetwork development defaults', () => {
  const stack = newStack();
  new PostizNetwork(stack, 'Network', { profile: DeploymentProfile.DEVELOPMENT });
  const template = Template.fromStack(stack);

  test('spans two zones', () => {
    expect(subnetsOfType(template, 'Public')).toBe(2);
    expect(subnetsOfType(template, 'Isolated')).toBe(2);
  });

  test('has a single NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('has no interface endpoints', () => {
    expect(Object.keys(template.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface' },
    }))).toHaveLength(0);
  });

  test('keeps flow logs two weeks and deletes them with the stack', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 14 },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('PostizNetwork overrides', () => {
  test('natGateways, interfaceEndpoints, cidr and retention override the profile', () => {
    const stack = newStack();
    new PostizNetwork(stack, 'Network', {
      profile: DeploymentProfile.DEVELOPMENT,
      natGateways: 2,
      interfaceEndpoints: true,
      cidr: '10.42.0.0/16',
      flowLogRetention: logs.RetentionDays.THREE_MONTHS,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.42.0.0/16' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    expect(Object.keys(template.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface' },
    }))).toHaveLength(4);
  });

  test('availabilityZones names the zones', () => {
    const stack = newStack();
    new PostizNetwork(stack, 'Network', { availabilityZones: ['us-east-1a', 'us-east-1d'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'us-east-1d' });
    expect(subnetsOfType(template, 'Isolated')).toBe(2);
  });
});

describe('PostizNetwork validation', () => {
  test('rejects one availability zone', () => {
    expect(() => new PostizNetwork(newStack(), 'Network', { maxAzs: 1 }))
      .toThrow(/maxAzs 1 \(or the number of availabilityZones\) is invalid.*Pass 2 or more/);
  });

  test('rejects zero NAT gateways', () => {
    expect(() => new PostizNetwork(newStack(), 'Network', { natGateways: 0 }))
      .toThrow(/natGateways 0 is invalid: Postiz tasks need outbound internet access.*Pass a whole number from 1 to maxAzs \(3\)/);
  });

  test('rejects more NAT gateways than zones', () => {
    expect(() => new PostizNetwork(newStack(), 'Network', { profile: DeploymentProfile.DEVELOPMENT, natGateways: 3 }))
      .toThrow(/natGateways 3 is invalid/);
  });

  test('rejects maxAzs together with availabilityZones', () => {
    expect(() => new PostizNetwork(newStack(), 'Network', { maxAzs: 2, availabilityZones: ['us-east-1a', 'us-east-1b'] }))
      .toThrow(/availabilityZones and maxAzs were both given/);
  });
});

describe('PostizNetwork with an existing VPC', () => {
  function existingVpc(subnetConfiguration: ec2.SubnetConfiguration[], maxAzs = 3) {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs, subnetConfiguration });
    return { stack, vpc };
  }
  const FULL = [
    { name: 'pub', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'priv', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    { name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ];

  test('uses the VPC without adding a VPC, flow logs or endpoints', () => {
    const { stack, vpc } = existingVpc(FULL);
    const network = new PostizNetwork(stack, 'Network', { vpc });
    const template = Template.fromStack(stack);
    expect(network.vpc).toBe(vpc);
    expect(network.flowLogGroup).toBeUndefined();
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('adds interface endpoints only when asked', () => {
    const { stack, vpc } = existingVpc(FULL);
    new PostizNetwork(stack, 'Network', { vpc, interfaceEndpoints: true });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))).toHaveLength(4);
  });

  test('accepts subnet groups chosen by name', () => {
    const { stack, vpc } = existingVpc([
      { name: 'pub', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'databases', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ]);
    const network = new PostizNetwork(stack, 'Network', {
      vpc,
      appSubnets: { subnetGroupName: 'apps' },
      dataSubnets: { subnetGroupName: 'databases' },
    });
    expect(network.dataSubnets.subnetGroupName).toBe('databases');
  });

  test('rejects a VPC without isolated subnets', () => {
    const { stack, vpc } = existingVpc([
      { name: 'pub', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'priv', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ]);
    expect(() => new PostizNetwork(stack, 'Network', { vpc }))
      .toThrow(/dataSubnets selects no subnets of the given VPC \(subnetType Isolated\).*Pass dataSubnets with a selection/);
  });

  test('rejects a VPC without private subnets', () => {
    const { stack, vpc } = existingVpc([
      { name: 'pub', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ]);
    expect(() => new PostizNetwork(stack, 'Network', { vpc }))
      .toThrow(/appSubnets selects no subnets of the given VPC \(subnetType Private\)/);
  });

  test('rejects single-zone app subnets in production', () => {
    const { stack, vpc } = existingVpc(FULL, 1);
    expect(() => new PostizNetwork(stack, 'Network', { vpc }))
      .toThrow(/appSubnets selects subnets in 1 availability zone\(s\).*at least 2 are required.*DeploymentProfile.DEVELOPMENT/);
  });

  test('rejects single-zone data subnets in development', () => {
    const { stack, vpc } = existingVpc(FULL, 1);
    expect(() => new PostizNetwork(stack, 'Network', { vpc, profile: DeploymentProfile.DEVELOPMENT }))
      .toThrow(/dataSubnets selects subnets in 1 availability zone\(s\)/);
  });

  test('endpoints of an imported VPC accept HTTPS from its CIDR', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.9.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-0a', 'subnet-0b'],
      isolatedSubnetIds: ['subnet-1a', 'subnet-1b'],
    });
    new PostizNetwork(stack, 'Network', { vpc, interfaceEndpoints: true });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.9.0.0/16', FromPort: 443, ToPort: 443 })],
    });
  });

  test('rejects endpoints when the imported VPC has no known CIDR', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-0a', 'subnet-0b'],
      isolatedSubnetIds: ['subnet-1a', 'subnet-1b'],
    });
    expect(() => new PostizNetwork(stack, 'Network', { vpc, interfaceEndpoints: true }))
      .toThrow(/interfaceEndpoints is true, but the CIDRs of the given VPC and its subnets are unknown. Import the VPC with vpcCidrBlock/);
  });

  test('rejects new-VPC options', () => {
    const { stack, vpc } = existingVpc(FULL);
    expect(() => new PostizNetwork(stack, 'Network', { vpc, natGateways: 2 }))
      .toThrow(/natGateways applies only to a new VPC, but vpc was also given/);
  });
});
