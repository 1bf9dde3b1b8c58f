import { Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { PostizWebAcl, PostizWebAclProps } from './postiz-web-acl';
import { DeploymentProfile } from '../profile';

/**
 * Properties of `PostizGlobalResources`.
 */
export interface PostizGlobalResourcesProps {
  /** Host name Postiz is served at; the certificate is issued for it. */
  readonly domainName: string;

  /** Public hosted zone of `domainName`, for DNS validation of the certificate. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Settings of the web ACL.
   *
   * @default - the profile's defaults
   */
  readonly webAcl?: PostizWebAclProps;
}

/**
 * The parts of the edge tier that CloudFront requires in us-east-1: the web ACL and the
 * viewer certificate. Put it in a us-east-1 stack when the platform's stack is in another
 * region, set `crossRegionReferences: true` on both stacks, and pass it to the platform as
 * `edge.globalResources`.
 */
export class PostizGlobalResources extends Construct {
  /** Certificate for the domain name, in us-east-1. */
  public readonly certificate: acm.ICertificate;

  /** The web ACL. */
  public readonly webAcl: PostizWebAcl;

  /** ARN of the web ACL. */
  public readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: PostizGlobalResourcesProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region) || region !== 'us-east-1') {
      throw new Error(
        `PostizGlobalResources is in a stack whose region is ${Token.isUnresolved(region) ? 'not set' : region}, but ` +
        'CloudFront takes web ACLs and certificates only from us-east-1. Create it in a stack with env.region us-east-1.',
      );
    }
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });
    this.webAcl = new PostizWebAcl(this, 'WebAcl', { profile: props.profile, ...props.webAcl });
    this.webAclArn = this.webAcl.webAclArn;
  }
}
