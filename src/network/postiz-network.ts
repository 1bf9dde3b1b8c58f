import { Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { skipCheckovForCdkHelpers } from '../common/checkov';
import { allowLogsToUseKey, createEncryptedLogGroup, createTierKey } from '../common/encryption';
import { acknowledgeInlinePolicies } from '../common/nag';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Options of the network tier that `PostizPlatform` passes through.
 */
export interface PostizNetworkOptions {
  /**
   * An existing VPC to deploy into instead of creating one.
   *
   * The VPC must have subnets for the application (with a route to the internet,
   * because Postiz downloads Prisma at boot) and for the data stores, in at least two
   * availability zones. Nothing is added to it unless `interfaceEndpoints` is `true`.
   *
   * @default - a new VPC is created
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets for the ECS tasks and the internal load balancer.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly appSubnets?: ec2.SubnetSelection;

  /**
   * Subnets for the database, cache and file system mount targets.
   *
   * @default - the VPC's isolated subnets
   */
  readonly dataSubnets?: ec2.SubnetSelection;

  /**
   * IP range of a new VPC.
   *
   * @default '10.80.0.0/16'
   */
  readonly cidr?: string;

  /**
   * Number of availability zones a new VPC spans.
   *
   * @default - 3 in production, 2 in development
   */
  readonly maxAzs?: number;

  /**
   * Availability zones of a new VPC. Needed for three zones in a stack without an
   * account in its environment, where aws-cdk-lib cannot look zones up.
   *
   * @default - the first `maxAzs` zones of the stack's region
   */
  readonly availabilityZones?: string[];

  /**
   * Number of NAT gateways of a new VPC. Each costs about 33 USD a month plus data
   * processing; one gateway makes outbound traffic depend on a single zone.
   *
   * @default - one per availability zone in production, 1 in development
   */
  readonly natGateways?: number;

  /**
   * Whether to add interface endpoints for ECR, CloudWatch Logs and Secrets Manager,
   * so that log delivery, secret retrieval and ECR image pulls skip the NAT gateways.
   * Each endpoint costs about 7.30 USD a month per availability zone.
   *
   * @default - true in production for a new VPC; false in development and for an existing VPC
   */
  readonly interfaceEndpoints?: boolean;

  /**
   * How long VPC flow logs are kept (new VPC only).
   *
   * @default - one year in production, two weeks in development
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * Properties of `PostizNetwork`.
 */
export interface PostizNetworkProps extends PostizNetworkOptions {
  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Key that encrypts the flow log group.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The network tier: a VPC with public, private and isolated subnets, flow logs,
 * endpoints and a locked-down default security group, or an existing VPC checked for
 * the subnets Postiz needs.
 */
export class PostizNetwork extends Construct {
  /** The VPC every tier runs in. */
  public readonly vpc: ec2.IVpc;

  /** Subnets for ECS tasks and the internal load balancer. */
  public readonly appSubnets: ec2.SubnetSelection;

  /** Subnets for the database, cache and file system. */
  public readonly dataSubnets: ec2.SubnetSelection;

  /** Log group of the VPC flow logs; undefined for an existing VPC. */
  public readonly flowLogGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: PostizNetworkProps = {}) {
    super(scope, id);
    const defaults = profileDefaults(props.profile);
    const production = (props.profile ?? DeploymentProfile.PRODUCTION) === DeploymentProfile.PRODUCTION;

    this.appSubnets = props.appSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.dataSubnets = props.dataSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    if (props.vpc) {
      rejectNewVpcOptions(props);
      this.vpc = props.vpc;
      checkSubnets(this.vpc, 'appSubnets', this.appSubnets, production ? 2 : 1);
      checkSubnets(this.vpc, 'dataSubnets', this.dataSubnets, 2);
      if (props.interfaceEndpoints === true) {
        addInterfaceEndpoints(this, this.vpc, this.appSubnets);
      }
      return;
    }

    if (props.availabilityZones && props.maxAzs !== undefined) {
      throw new Error('availabilityZones and maxAzs were both given. Pass one of them.');
    }
    const maxAzs = props.availabilityZones?.length ?? props.maxAzs ?? defaults.maxAzs;
    if (!Number.isInteger(maxAzs) || maxAzs < 2) {
      throw new Error(
        `maxAzs ${maxAzs} (or the number of availabilityZones) is invalid: the database and cache need subnets in at least two ` +
        'availability zones. Pass 2 or more.',
      );
    }
    const natGateways = props.natGateways ?? (defaults.natGatewaysPerAz ? maxAzs : 1);
    if (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > maxAzs) {
      throw new Error(
        `natGateways ${natGateways} is invalid: Postiz tasks need outbound internet access ` +
        `(Prisma is downloaded at boot). Pass a whole number from 1 to maxAzs (${maxAzs}).`,
      );
    }

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.80.0.0/16'),
      ...(props.availabilityZones ? { availabilityZones: props.availabilityZones } : { maxAzs }),
      natGateways,
      subnetConfiguration: [
        // The public subnets contain only the NAT gateways, which have their own Elastic IPs.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
      // Gateway endpoints are free and keep S3 traffic (including ECR image layers) off NAT.
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });
    this.vpc = vpc;
    skipCheckovForCdkHelpers(this);
    for (const subnet of vpc.publicSubnets) {
      Validations.of(subnet).acknowledge({
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'The public subnets hold the NAT gateways, which reach the internet through this default route; '
          + 'tasks, the load balancer and the data stores run in private and isolated subnets.',
      });
    }

    const key = props.encryptionKey ?? createTierKey(this, 'Key', 'cdk-postiz network tier: flow logs', defaults.retainedRemovalPolicy);
    if (!props.encryptionKey) {
      allowLogsToUseKey(key);
    }
    const flowLogGroup = createEncryptedLogGroup(this, 'FlowLogs', {
      key,
      retention: props.flowLogRetention ?? defaults.flowLogRetention,
      removalPolicy: defaults.retainedRemovalPolicy,
    });
    const flowLog = vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    acknowledgeInlinePolicies(flowLog);
    this.flowLogGroup = flowLogGroup;

    if (props.interfaceEndpoints ?? defaults.interfaceEndpoints) {
      addInterfaceEndpoints(this, vpc, this.appSubnets);
    }
  }
}

const NEW_VPC_OPTIONS: (keyof PostizNetworkOptions)[] = ['cidr', 'maxAzs', 'availabilityZones', 'natGateways', 'flowLogRetention'];

function rejectNewVpcOptions(props: PostizNetworkOptions): void {
  for (const option of NEW_VPC_OPTIONS) {
    if (props[option] !== undefined) {
      throw new Error(
        `${option} applies only to a new VPC, but vpc was also given. ` +
        `Remove ${option}, or remove vpc to let the construct create one.`,
      );
    }
  }
}

/**
 * Fails when a selection of an existing VPC yields no subnets, or fewer availability
 * zones than required.
 */
function checkSubnets(vpc: ec2.IVpc, propName: string, selection: ec2.SubnetSelection, minAzs: number): void {
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection);
  } catch (error) {
    throw new Error(
      `${propName} selects no subnets of the given VPC (${describeSelection(selection)}): ` +
      `${(error as Error).message}. Pass ${propName} with a selection that matches subnets of the VPC.`,
    );
  }
  if (selected.subnets.length === 0) {
    throw new Error(
      `${propName} selects no subnets of the given VPC (${describeSelection(selection)}). ` +
      `Pass ${propName} with a selection that matches subnets of the VPC.`,
    );
  }
  const zones = new Set(selected.availabilityZones.filter((zone) => !Token.isUnresolved(zone)));
  if (zones.size > 0 && zones.size < minAzs) {
    throw new Error(
      `${propName} selects subnets in ${zones.size} availability zone(s) (${[...zones].join(', ')}), ` +
      `but at least ${minAzs} are required. Select subnets in more zones` +
      (minAzs > 1 && propName === 'appSubnets' ? ', or use DeploymentProfile.DEVELOPMENT.' : '.'),
    );
  }
}

function describeSelection(selection: ec2.SubnetSelection): string {
  if (selection.subnetType) return `subnetType ${selection.subnetType}`;
  if (selection.subnetGroupName) return `subnetGroupName ${selection.subnetGroupName}`;
  if (selection.subnets) return `${selection.subnets.length} explicit subnets`;
  return 'a custom selection';
}

function addInterfaceEndpoints(scope: Construct, vpc: ec2.IVpc, subnets: ec2.SubnetSelection): void {
  const services: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
    EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
    EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  };
  const clients = endpointClients(vpc, subnets);
  for (const [name, service] of Object.entries(services)) {
    const endpoint = new ec2.InterfaceVpcEndpoint(scope, `${name}Endpoint`, {
      vpc,
      service,
      subnets,
      privateDnsEnabled: true,
      open: false,
    });
    for (const client of clients) {
      endpoint.connections.allowFrom(client, ec2.Port.tcp(443), 'HTTPS from the application subnets');
    }
    if (clients.some((client) => Token.isUnresolved(client.uniqueId))) {
      // cdk-nag cannot read a CIDR that CloudFormation resolves, and reports an error.
      Validations.of(endpoint).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The endpoint accepts HTTPS only from the CIDR of the VPC it serves.',
      });
    }
  }
}

/**
 * Returns the peers allowed to reach the interface endpoints: the application subnets,
 * or the whole VPC when an imported VPC does not tell its subnets' CIDRs.
 */
function endpointClients(vpc: ec2.IVpc, subnets: ec2.SubnetSelection): ec2.IPeer[] {
  try {
    return vpc.selectSubnets(subnets).subnets.map((subnet) => ec2.Peer.ipv4(subnet.ipv4CidrBlock));
  } catch {
    // Imported subnets without a CIDR throw on ipv4CidrBlock.
  }
  try {
    return [ec2.Peer.ipv4(vpc.vpcCidrBlock)];
  } catch {
    throw new Error(
      'interfaceEndpoints is true, but the CIDRs of the given VPC and its subnets are unknown. ' +
      'Import the VPC with vpcCidrBlock (or subnets with ipv4CidrBlock), or set interfaceEndpoints to false.',
    );
  }
}
