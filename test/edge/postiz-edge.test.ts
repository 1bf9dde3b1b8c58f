import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DeploymentProfile, PostizGlobalResources, PostizPlatform, PostizPlatformProps } from '../../src';
import { exampleZone, newStack } from '../support/stack';

function synth(props: Partial<PostizPlatformProps> = {}): { stack: Stack; template: Template } {
  const stack = newStack();
  new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), ...props });
  return { stack, template: Template.fromStack(stack) };
}

/** Returns the cache behaviour of a path pattern, or the default one for '*'. */
function behavior(template: Template, pathPattern: string): Record<string, any> {
  const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  const config = distribution.Properties.DistributionConfig;
  if (pathPattern === '*') {
    return config.DefaultCacheBehavior;
  }
  const found = config.CacheBehaviors.find((entry: { PathPattern: string }) => entry.PathPattern === pathPattern);
  expect(found).toBeDefined();
  return found;
}

/** Managed policy ids from the CloudFront documentation. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';

describe('PostizEdge origin protection', () => {
  const { template } = synth();

  test.each([
    ['routing.http.drop_invalid_header_fields.enabled', 'true'],
    ['deletion_protection.enabled', 'true'],
    ['access_logs.s3.enabled', 'true'],
    ['idle_timeout.timeout_seconds', '300'],
  ])('internal load balancer sets %s to %s', (key, value) => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([{ Key: key, Value: value }]),
    });
  });

  test('only the CloudFront VPC origin group reaches the load balancer', () => {
    const [[groupId, group]] = Object.entries(template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: 'cdk-postiz load balancer: HTTPS from CloudFront VPC origins only' },
    }));
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((rule) => JSON.stringify(rule.Properties.GroupId).includes(groupId));
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toEqual(expect.objectContaining({
      FromPort: 443,
      ToPort: 443,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/VpcOriginSecurityGroup/), 'GroupId'] },
    }));
  });

  test('the group lookup waits for the VPC origin', () => {
    const [lookup] = Object.values(template.findResources('Custom::PostizVpcOriginSecurityGroup'));
    const [vpcOriginId] = Object.keys(template.findResources('AWS::CloudFront::VpcOrigin'));
    expect(lookup.DependsOn).toContain(vpcOriginId);
  });

  test('listener is HTTPS only with a TLS 1.2+ policy', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
  });

  test('VPC origin uses HTTPS with TLS 1.2', () => {
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({
        HTTPSPort: 443,
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      }),
    });
  });

  test('web tasks accept port 5000 from the load balancer', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 5000,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/api/',
      Matcher: { HttpCode: '200' },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5000,
      ToPort: 5000,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PostizEdgeLoadBalancerSecurityGroup'), 'GroupId'] },
    });
  });
});

describe('PostizEdge distribution', () => {
  const { template } = synth();

  test('serves the domain with TLS 1.2, HTTP/3 and IPv6', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['social.example.com'],
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        PriceClass: 'PriceClass_All',
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        WebACLId: Match.anyValue(),
      }),
    });
  });

  test('/api/* is never cached and forwards everything', () => {
    const api = behavior(template, '/api/*');
    expect(api.CachePolicyId).toBe(CACHING_DISABLED);
    expect(api.OriginRequestPolicyId).toBe(ALL_VIEWER);
    expect(api.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(api.Compress).toBe(false);
    expect(api.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  test('/_next/static/* is cached long and compressed', () => {
    const staticAssets = behavior(template, '/_next/static/*');
    expect(staticAssets.CachePolicyId).toBe(CACHING_OPTIMIZED);
    expect(staticAssets.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(staticAssets.Compress).toBe(true);
  });

  test('/uploads/* is cached without compression', () => {
    const uploads = behavior(template, '/uploads/*');
    expect(uploads.Compress).toBe(false);
    expect(uploads.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 2592000,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          EnableAcceptEncodingGzip: false,
          EnableAcceptEncodingBrotli: false,
          CookiesConfig: { CookieBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        }),
      }),
    });
  });

  test('every other path forwards cookies and headers uncached', () => {
    const fallback = behavior(template, '*');
    expect(fallback.CachePolicyId).toBe(CACHING_DISABLED);
    expect(fallback.OriginRequestPolicyId).toBe(ALL_VIEWER);
    expect(fallback.AllowedMethods).toHaveLength(7);
  });

  test('cached paths still forward Host for the origin certificate', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: Match.objectLike({
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Host'] },
      }),
    });
    for (const path of ['/_next/static/*', '/uploads/*']) {
      expect(behavior(template, path).OriginRequestPolicyId).toEqual({ Ref: expect.stringMatching(/HostOnly/) });
    }
  });

  test('every behaviour adds the security headers', () => {
    for (const path of ['*', '/api/*', '/_next/static/*']) {
      expect(behavior(template, path).ResponseHeadersPolicyId).toEqual({ Ref: expect.stringMatching(/SecurityHeaders/) });
    }
    // Media get the same headers and the sandboxing Content-Security-Policy of the image's nginx.
    expect(behavior(template, '/uploads/*').ResponseHeadersPolicyId).toEqual({ Ref: expect.stringMatching(/UploadsHeaders/) });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
  });

  test('domain resolves to CloudFront over IPv4 and IPv6', () => {
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'social.example.com.',
        Type: type,
        AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('Distribution'), 'DomainName'] } }),
      });
    }
  });

  test('one DNS-validated certificate serves CloudFront and the load balancer in us-east-1', () => {
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'social.example.com',
      ValidationMethod: 'DNS',
    });
  });

  test('logs bucket is private, encrypted and TLS only', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 365, Status: 'Enabled' }] },
      }),
      DeletionPolicy: 'Retain',
    });
  });
});

describe('PostizEdge profiles', () => {
  test('development uses fewer edge locations and no deletion protection', () => {
    const { template } = synth({ profile: DeploymentProfile.DEVELOPMENT });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ PriceClass: 'PriceClass_100' }),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});

describe('PostizEdge regions', () => {
  function twoRegionApp() {
    const app = new App();
    const global = new Stack(app, 'Global', { env: { account: '123456789012', region: 'us-east-1' }, crossRegionReferences: true });
    const main = new Stack(app, 'Main', { env: { account: '123456789012', region: 'eu-west-1' }, crossRegionReferences: true });
    return { app, global, main };
  }

  test('a stack in another region uses the us-east-1 companion', () => {
    const { global, main } = twoRegionApp();
    const globalZone = route53.HostedZone.fromHostedZoneAttributes(global, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
    const globalResources = new PostizGlobalResources(global, 'Global', { domainName: 'social.example.com', hostedZone: globalZone });
    new PostizPlatform(main, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(main),
      edge: { globalResources },
    });
    const mainTemplate = Template.fromStack(main);
    const globalTemplate = Template.fromStack(global);
    globalTemplate.resourceCountIs('AWS::WAFv2::WebACL', 1);
    globalTemplate.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    mainTemplate.resourceCountIs('AWS::WAFv2::WebACL', 0);
    // The load balancer gets its own certificate in the stack's region.
    mainTemplate.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    // The distribution reads the us-east-1 values through cross-region references.
    mainTemplate.resourceCountIs('Custom::CrossRegionExportReader', 1);
  });

  test('a stack in another region without the companion fails with the fix', () => {
    const stack = new Stack(new App(), 'Main', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack) }))
      .toThrow(/The stack is in eu-west-1, but CloudFront needs its web ACL and certificate in us-east-1.*new PostizGlobalResources.*crossRegionReferences: true/);
  });

  test('a stack without a region fails', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack) }))
      .toThrow(/The edge tier needs to know its stack's region/);
  });

  test('the companion refuses another region', () => {
    const stack = new Stack(new App(), 'Wrong', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new PostizGlobalResources(stack, 'Global', { domainName: 'social.example.com', hostedZone: exampleZone(stack) }))
      .toThrow(/PostizGlobalResources is in a stack whose region is eu-west-1/);
  });

  test('web ACL settings outside us-east-1 fail', () => {
    const stack = new Stack(new App(), 'Main', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      edge: { webAcl: { rateLimitPerFiveMinutes: 500 }, webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1' },
    })).toThrow(/edge.webAcl is set, but the stack is in eu-west-1/);
  });

  test('an existing web ACL replaces the created one', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/postiz/abcd';
    const { template } = synth({ edge: { webAclArn: arn } });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: arn }),
    });
  });
});
