import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PostizDistribution } from './postiz-distribution';
import { PostizGlobalResources } from './postiz-global-resources';
import { PostizLoadBalancer } from './postiz-load-balancer';
import { PostizWebAcl, PostizWebAclProps } from './postiz-web-acl';
import { skipCheckov, skipCheckovForCdkHelpers } from '../common/checkov';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Options of the edge tier that `PostizPlatform` passes through.
 */
export interface PostizEdgeOptions {
  /**
   * The us-east-1 web ACL and certificate, from a `PostizGlobalResources` in a us-east-1
   * stack. Required when the platform's stack is in another region, unless `webAclArn` and
   * `cloudFrontCertificate` are given.
   *
   * @default - created in this stack when it is in us-east-1
   */
  readonly globalResources?: PostizGlobalResources;

  /**
   * ARN of an existing WAFv2 web ACL with scope CLOUDFRONT, instead of the one this
   * library creates.
   *
   * @default - the web ACL of `globalResources`, or a new one in a us-east-1 stack
   */
  readonly webAclArn?: string;

  /**
   * Settings of the web ACL created in this stack (us-east-1 only; for another region,
   * set them on `PostizGlobalResources`).
   *
   * @default - the profile's defaults
   */
  readonly webAcl?: PostizWebAclProps;

  /**
   * An existing us-east-1 certificate for the domain name, for CloudFront.
   *
   * @default - the certificate of `globalResources`, or a new DNS-validated one in a us-east-1 stack
   */
  readonly cloudFrontCertificate?: acm.ICertificate;

  /**
   * An existing certificate for the domain name in the stack's region, for the load balancer.
   *
   * @default - a new DNS-validated certificate (the CloudFront one in a us-east-1 stack)
   */
  readonly loadBalancerCertificate?: acm.ICertificate;

  /**
   * Edge locations that serve the platform.
   *
   * @default - PRICE_CLASS_ALL in production, PRICE_CLASS_100 in development
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * Properties of `PostizEdge`.
 */
export interface PostizEdgeProps extends PostizEdgeOptions {
  /** VPC of the load balancer. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the internal load balancer.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Host name Postiz is served at. */
  readonly domainName: string;

  /** Public hosted zone of `domainName`. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Google Cloud Storage bucket that serves `/uploads/*` first, with the load balancer as
   * fallback. See `PostizDistributionProps.mediaBucketName`.
   *
   * @default - media is served by the load balancer alone
   */
  readonly mediaBucketName?: string;
}

/**
 * The edge tier. A browser resolves the domain name in Route 53 to CloudFront, which
 * applies the WAF web ACL and terminates TLS with a us-east-1 certificate. CloudFront
 * forwards to an internal load balancer through a VPC origin over HTTPS, and the load
 * balancer forwards to the web tier on port 5000.
 */
export class PostizEdge extends Construct {
  /** The internal load balancer. */
  public readonly loadBalancer: PostizLoadBalancer;

  /** The CloudFront distribution. */
  public readonly distribution: PostizDistribution;

  /** ARN of the web ACL in front of the distribution. */
  public readonly webAclArn: string;

  /** The web ACL, when this construct created it. */
  public readonly webAcl?: PostizWebAcl;

  /** Bucket of the load balancer and CloudFront access logs. */
  public readonly logBucket: s3.Bucket;

  /** URL of the platform. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: PostizEdgeProps) {
    super(scope, id);
    const profile = props.profile ?? DeploymentProfile.PRODUCTION;
    const production = profile === DeploymentProfile.PRODUCTION;
    const defaults = profileDefaults(profile);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      throw new Error(
        'The edge tier needs to know its stack\'s region, because CloudFront takes web ACLs and certificates only from ' +
        'us-east-1. Set env.region on the stack.',
      );
    }
    const inUsEast1 = region === 'us-east-1';
    if (props.webAcl && !inUsEast1) {
      throw new Error(
        `edge.webAcl is set, but the stack is in ${region} and the web ACL must live in us-east-1. ` +
        'Set webAcl on PostizGlobalResources in a us-east-1 stack instead.',
      );
    }

    // Certificates and web ACL: from the user, from the us-east-1 companion, or created here.
    let cloudFrontCertificate = props.cloudFrontCertificate ?? props.globalResources?.certificate;
    const webAclArn = props.webAclArn ?? props.globalResources?.webAclArn;
    if (!inUsEast1 && (!cloudFrontCertificate || !webAclArn)) {
      throw new Error(
        `The stack is in ${region}, but CloudFront needs its web ACL and certificate in us-east-1. Create a stack in ` +
        'us-east-1 with new PostizGlobalResources(usEast1Stack, \'Global\', { domainName, hostedZone }), set ' +
        'crossRegionReferences: true on both stacks, and pass edge: { globalResources }. Or pass edge.webAclArn and ' +
        'edge.cloudFrontCertificate.',
      );
    }
    if (!cloudFrontCertificate) {
      cloudFrontCertificate = new acm.Certificate(this, 'Certificate', {
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      });
    }
    if (!webAclArn) {
      this.webAcl = new PostizWebAcl(this, 'WebAcl', { profile, ...props.webAcl });
    }
    this.webAclArn = webAclArn ?? this.webAcl!.webAclArn;
    const loadBalancerCertificate = props.loadBalancerCertificate ?? (inUsEast1
      ? cloudFrontCertificate
      : new acm.Certificate(this, 'OriginCertificate', {
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      }));

    this.logBucket = new s3.Bucket(this, 'Logs', {
      // Elastic Load Balancing and CloudFront standard logs support only SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(production ? 365 : 30) }],
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !production,
    });
    const selfLoggingReason = 'This bucket receives the access logs of the load balancer and CloudFront; logging it into itself '
      + 'would loop.';
    Validations.of(this.logBucket).acknowledge(
      { id: 'AwsSolutions-S1', reason: selfLoggingReason },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: selfLoggingReason },
      {
        id: 'NIST.800.53.R5-S3BucketVersioningEnabled',
        reason: 'Log objects are written once and expire by lifecycle; versions would only keep deleted logs.',
      },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason: 'Elastic Load Balancing writes access logs only to buckets encrypted with SSE-S3, which this bucket uses.',
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason: 'Access logs are not needed to restore the platform, so they get no copy in another region; they expire by lifecycle.',
      },
    );
    skipCheckov(this.logBucket, 'CKV_AWS_18', 'This bucket is the access log destination; logging it into itself would loop.');
    skipCheckov(this.logBucket, 'CKV_AWS_21', 'Log objects are written once and expire by lifecycle; versions would only keep deleted logs.');
    // Development buckets get aws-cdk-lib's bucket emptier, which runs only when the stack is deleted.
    skipCheckovForCdkHelpers(this);

    this.loadBalancer = new PostizLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      certificate: loadBalancerCertificate,
      accessLogsBucket: this.logBucket,
      deletionProtection: defaults.deletionProtection,
    });
    Validations.of(this.loadBalancer.loadBalancer).acknowledge({
      id: 'NIST.800.53.R5-ALBWAFEnabled',
      reason: 'The load balancer is internal and accepts HTTPS only from CloudFront\'s VPC origins. The web ACL is on the '
        + 'CloudFront distribution, which filters every request before it reaches the load balancer.',
    });

    this.distribution = new PostizDistribution(this, 'Cdn', {
      domainName: props.domainName,
      certificate: cloudFrontCertificate,
      loadBalancer: this.loadBalancer.loadBalancer,
      webAclArn: this.webAclArn,
      logBucket: this.logBucket,
      priceClass: props.priceClass ?? (production ? cloudfront.PriceClass.PRICE_CLASS_ALL : cloudfront.PriceClass.PRICE_CLASS_100),
      mediaBucketName: props.mediaBucketName,
    });
    this.loadBalancer.allowVpcOrigins(this.distribution.vpcOrigin);

    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution.distribution));
    new route53.ARecord(this, 'AliasIpv4', { zone: props.hostedZone, recordName: props.domainName, target });
    new route53.AaaaRecord(this, 'AliasIpv6', { zone: props.hostedZone, recordName: props.domainName, target });
    this.url = `https://${props.domainName}`;
  }
}
