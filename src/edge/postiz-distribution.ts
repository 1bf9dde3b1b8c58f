import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Properties of `PostizDistribution`.
 */
export interface PostizDistributionProps {
  /** Host name Postiz is served at. */
  readonly domainName: string;

  /** Certificate for `domainName` in us-east-1. */
  readonly certificate: acm.ICertificate;

  /** The internal load balancer that serves the web tier over HTTPS. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /**
   * ARN of the WAFv2 web ACL (scope CLOUDFRONT) that protects the distribution.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /** Bucket for the standard access logs. */
  readonly logBucket: s3.IBucket;

  /**
   * Edge locations that serve the platform; fewer locations cost less per request.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_ALL
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * How long CloudFront keeps media from `/uploads/*` by default. Media files never change
   * under one name, because Postiz gives every upload a new random name.
   *
   * @default Duration.days(30)
   */
  readonly uploadsCacheTtl?: Duration;

  /**
   * Name of a Google Cloud Storage bucket that contains the media under the keys of the uploads
   * directory (`YYYY/MM/DD/<name>`). When set, `/uploads/*` is read from the bucket first and
   * from the load balancer when the bucket responds with 403, 404 or a server error, so files that
   * are not replicated yet still load. The bucket must let anyone read its objects.
   *
   * @default - media is served by the load balancer alone
   */
  readonly mediaBucketName?: string;
}

/**
 * Headers that the image's nginx sets on `/uploads/`: media are shown only as images and
 * video, never run as a page of the platform's origin. CloudFront sets them on every media
 * response, so objects served from a bucket get them too.
 */
export const UPLOADS_CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'none'; script-src 'none'; frame-ancestors 'none'; sandbox";

/** Status codes of the media bucket that send a request on to the load balancer. */
export const MEDIA_FALLBACK_STATUS_CODES = [403, 404, 500, 502, 503, 504];

/** Host of the Cloud Storage XML API, which serves public objects at `/<bucket>/<key>`. */
export const CLOUD_STORAGE_HOST = 'storage.googleapis.com';

/**
 * The CloudFront distribution of Postiz, with behaviours that fit the app:
 *
 * - `/api/*`: never cached, every method, every query string, cookie and header
 *   (including Postiz's `auth`, `showorg`, `impersonate`, `reload`, `onboarding`,
 *   `activate`, `i18next` and `accept-language`), no compression so streamed AI and MCP
 *   responses pass through.
 * - `/_next/static/*`: cached for a year; Next.js gives these files content hashes.
 * - `/uploads/*`: cached, never compressed, so social networks get `Content-Length` and
 *   206 responses to ranged GETs.
 * - everything else: not cached, every cookie and header forwarded.
 *
 * The origin is the internal load balancer, through a VPC origin over HTTPS. The `Host`
 * header is forwarded to it everywhere, so CloudFront validates the load balancer's
 * certificate against the platform's domain name.
 */
export class PostizDistribution extends Construct {
  /** The distribution. */
  public readonly distribution: cloudfront.Distribution;

  /** The VPC origin of the load balancer. */
  public readonly vpcOrigin: cloudfront.VpcOrigin;

  constructor(scope: Construct, id: string, props: PostizDistributionProps) {
    super(scope, id);

    this.vpcOrigin = new cloudfront.VpcOrigin(this, 'VpcOrigin', {
      endpoint: cloudfront.VpcOriginEndpoint.applicationLoadBalancer(props.loadBalancer),
      httpsPort: 443,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    const origin = origins.VpcOrigin.withVpcOrigin(this.vpcOrigin, {
      domainName: props.loadBalancer.loadBalancerDnsName,
      // Long enough for Postiz's slower API calls; streamed responses keep the connection busy.
      readTimeout: Duration.seconds(60),
      keepaliveTimeout: Duration.seconds(60),
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'cdk-postiz: security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.SAMEORIGIN, override: false },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
        xssProtection: { protection: true, modeBlock: true, override: false },
      },
    });

    // Forwards only Host, so the origin certificate is checked against the domain name.
    const hostOnly = new cloudfront.OriginRequestPolicy(this, 'HostOnly', {
      comment: 'cdk-postiz: Host header only',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList('Host'),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.none(),
    });

    const uploadsCache = new cloudfront.CachePolicy(this, 'UploadsCache', {
      comment: 'cdk-postiz: media, cached without compression',
      defaultTtl: props.uploadsCacheTtl ?? Duration.days(30),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      // Social networks fetch media with `accept-encoding: identity` and expect its real length.
      enableAcceptEncodingGzip: false,
      enableAcceptEncodingBrotli: false,
    });

    const uploadsHeaders = new cloudfront.ResponseHeadersPolicy(this, 'UploadsHeaders', {
      comment: 'cdk-postiz: security headers of media',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        contentSecurityPolicy: { contentSecurityPolicy: UPLOADS_CONTENT_SECURITY_POLICY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
      },
    });
    const uploads: cloudfront.BehaviorOptions = props.mediaBucketName === undefined
      ? { ...this.uploadsBehavior(origin, uploadsCache, uploadsHeaders), originRequestPolicy: hostOnly }
      : this.uploadsBehavior(
        this.mediaBucketOrigin(props.mediaBucketName, props.domainName), uploadsCache, uploadsHeaders, this.stripUploadsPrefix());

    const dynamic: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
      responseHeadersPolicy: securityHeaders,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `cdk-postiz: ${props.domainName}`,
      domainNames: [props.domainName],
      certificate: props.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: { ...dynamic, compress: true },
      additionalBehaviors: {
        '/api/*': { ...dynamic, compress: false },
        '/_next/static/*': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          originRequestPolicy: hostOnly,
          responseHeadersPolicy: securityHeaders,
          compress: true,
        },
        '/uploads/*': uploads,
      },
    });

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Geo restrictions, when wanted, are a rule of the platform\'s web ACL (blockedCountries).',
    });
  }

  private uploadsBehavior(
    origin: cloudfront.IOrigin,
    cachePolicy: cloudfront.ICachePolicy,
    responseHeadersPolicy: cloudfront.IResponseHeadersPolicy,
    viewerRequest?: cloudfront.IFunction,
  ): cloudfront.BehaviorOptions {
    return {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // Origin groups fail over only GET, HEAD and OPTIONS requests, and media needs no other method.
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy,
      responseHeadersPolicy,
      // CloudFront passes Range requests on and responds with 206 from its cache either way.
      compress: false,
      functionAssociations: viewerRequest
        ? [{ eventType: cloudfront.FunctionEventType.VIEWER_REQUEST, function: viewerRequest }]
        : undefined,
    };
  }

  /**
   * Builds the origin group of media: the bucket through the Cloud Storage XML API, then the load
   * balancer. The behaviour forwards no headers, so each origin receives its own domain name as
   * `Host`. For the load balancer that is the platform's domain name, which its certificate covers.
   */
  private mediaBucketOrigin(bucketName: string, domainName: string): cloudfront.IOrigin {
    const bucket = new origins.HttpOrigin(CLOUD_STORAGE_HOST, {
      originPath: `/${bucketName}`,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
    });
    // NOTE: a VPC origin with a domain name other than the load balancer's DNS name was not
    // deployed here; CloudFront documents the origin domain as the Host and SNI it sends.
    const loadBalancer = origins.VpcOrigin.withVpcOrigin(this.vpcOrigin, {
      domainName,
      originPath: '/uploads',
      readTimeout: Duration.seconds(60),
      keepaliveTimeout: Duration.seconds(60),
    });
    return new origins.OriginGroup({
      primaryOrigin: bucket,
      fallbackOrigin: loadBalancer,
      fallbackStatusCodes: MEDIA_FALLBACK_STATUS_CODES,
    });
  }

  /**
   * Creates the viewer-request function that maps `/uploads/<key>` to `/<key>`. The bucket keeps
   * the keys of the uploads directory, and the load balancer origin adds `/uploads` back as its path.
   */
  private stripUploadsPrefix(): cloudfront.Function {
    return new cloudfront.Function(this, 'UploadsPath', {
      comment: 'cdk-postiz: maps /uploads/<key> to the object key <key>',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline([
        'function handler(event) {',
        '  var request = event.request;',
        "  request.uri = request.uri.replace(/^\\/uploads\\//, '/');",
        '  return request;',
        '}',
      ].join('\n')),
    });
  }
}
