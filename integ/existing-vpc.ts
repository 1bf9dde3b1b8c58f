import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { skipCheckovForCdkHelpers } from '../src/common/checkov';
import { allowLogsToUseKey } from '../src/common/encryption';

/** Properties of `ExistingVpc`. */
export interface ExistingVpcProps {
  /** Two or more availability zones, named because the stack has no account to look them up. */
  readonly availabilityZones: string[];
  /** Name of the subnet group for ECS tasks and the load balancer. */
  readonly appSubnetGroupName: string;
  /** Name of the isolated subnet group for the database, cache and file system. */
  readonly dataSubnetGroupName: string;
}

/**
 * A VPC as a customer would bring it to the platform. It has public subnets with one NAT
 * gateway, application subnets with a route to the internet and isolated data subnets, under
 * subnet group names of the customer's choice. Its flow logs are encrypted, and its default
 * security group allows nothing.
 */
export class ExistingVpc extends Construct {
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: ExistingVpcProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.90.0.0/16'),
      availabilityZones: props.availabilityZones,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: props.appSubnetGroupName, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: props.dataSubnetGroupName, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
    });
    skipCheckovForCdkHelpers(this);

    const key = new kms.Key(this, 'FlowLogKey', {
      description: 'cdk-postiz integration test: encrypts the flow logs of the test VPC',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    allowLogsToUseKey(key);
    const logGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: key,
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup) });
  }
}
