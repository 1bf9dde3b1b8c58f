import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IDependable } from 'constructs';
import { skipCheckov } from '../common/checkov';
import { sharedProvider } from '../data/custom-resources';

/**
 * Properties of `PostizLoadBalancer`.
 */
export interface PostizLoadBalancerProps {
  /** VPC of the load balancer. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the load balancer, private ones: only CloudFront reaches it, through a
   * VPC origin.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Certificate of the HTTPS listener, for the platform's domain name. */
  readonly certificate: acm.ICertificate;

  /** Bucket for the access logs (SSE-S3, as Elastic Load Balancing requires). */
  readonly accessLogsBucket: s3.IBucket;

  /**
   * Whether the load balancer refuses to be deleted.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Idle timeout of connections. Postiz streams AI and MCP responses over HTTP, so it is
   * longer than the default 60 seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly idleTimeout?: Duration;
}

/** Port of the HTTPS listener that CloudFront connects to. */
const HTTPS_PORT = 443;

/**
 * An internal Application Load Balancer for the web tier: HTTPS only, invalid header
 * fields dropped, access logs, and inbound traffic only from CloudFront's VPC origin
 * security group.
 */
export class PostizLoadBalancer extends Construct {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The HTTPS listener. */
  public readonly listener: elbv2.ApplicationListener;

  /** Target group of the web tier (port 5000, health check on `/api/`). */
  public readonly webTargetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: PostizLoadBalancerProps) {
    super(scope, id);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'cdk-postiz load balancer: HTTPS from CloudFront VPC origins only',
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      internetFacing: false,
      securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? true,
      idleTimeout: props.idleTimeout ?? Duration.minutes(5),
      http2Enabled: true,
    });
    this.loadBalancer.logAccessLogs(props.accessLogsBucket, 'alb');

    this.webTargetGroup = new elbv2.ApplicationTargetGroup(this, 'WebTargets', {
      vpc: props.vpc,
      port: 5000,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      // Postiz's backend returns 200 for GET /api/ without touching the database.
      healthCheck: {
        path: '/api/',
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      deregistrationDelay: Duration.seconds(30),
    });

    this.listener = this.loadBalancer.addListener('Https', {
      port: HTTPS_PORT,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [props.certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.webTargetGroup],
      open: false,
    });
    skipCheckov(this.loadBalancer, 'CKV_AWS_91', 'Access logs are on (logAccessLogs); checkov does not follow the attribute list.');
    if (props.deletionProtection === false) {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled',
        reason: 'deletionProtection is off (the development profile\'s default, or set by the user): the load balancer holds '
          + 'no data and is recreated with the stack.',
      });
    }
  }

  /**
   * Lets CloudFront's VPC origins, and nothing else, reach the listener. CloudFront creates
   * their security group in the VPC with the first VPC origin and CloudFormation does not
   * return its id, so a custom resource looks it up once the origin exists.
   */
  public allowVpcOrigins(vpcOrigin: IDependable): void {
    const { provider, handler } = sharedProvider(this, 'VpcOriginSecurityGroup');
    handler.addToRolePolicy(new iam.PolicyStatement({
      // DescribeSecurityGroups supports no resource-level permissions.
      actions: ['ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }));
    // The role is a sibling of the function, so the acknowledgement goes on their parent.
    Validations.of(handler.node.scope!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeSecurityGroups supports no resource-level permissions; the handler only reads group ids.',
    });
    const lookup = new CustomResource(this, 'VpcOriginSecurityGroup', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PostizVpcOriginSecurityGroup',
      properties: { VpcId: this.loadBalancer.vpc!.vpcId },
    });
    lookup.node.addDependency(vpcOrigin);
    const vpcOriginGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'VpcOriginGroup', lookup.getAttString('GroupId'), {
      allowAllOutbound: false,
      mutable: false,
    });
    this.loadBalancer.connections.allowFrom(vpcOriginGroup, ec2.Port.tcp(HTTPS_PORT), 'HTTPS from CloudFront VPC origins');
  }
}
