import * as vm from 'vm';
import { Template } from 'aws-cdk-lib/assertions';
import { GcsCredentials, PostizGcsBridgeOptions, PostizPlatform } from '../../src';
import { UPLOADS_CONTENT_SECURITY_POLICY } from '../../src/edge/postiz-distribution';
import { exampleZone, newStack } from '../support/stack';

function distributionConfig(gcs?: Partial<PostizGcsBridgeOptions>): { config: any; template: Template } {
  const stack = newStack();
  new PostizPlatform(stack, 'Postiz', {
    domainName: 'social.example.com',
    hostedZone: exampleZone(stack),
    gcs: gcs && {
      bucketName: 'postiz-media-example',
      projectId: 'media-project',
      credentials: GcsCredentials.fromWorkloadIdentityFederation({
        projectNumber: '123456789012',
        poolId: 'aws-postiz',
        providerId: 'aws-account',
        serviceAccountEmail: 'postiz-media@media-project.iam.gserviceaccount.com',
      }),
      ...gcs,
    },
  });
  const template = Template.fromStack(stack);
  const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  return { config: distribution.Properties.DistributionConfig, template };
}

function uploadsBehavior(config: any): any {
  return config.CacheBehaviors.find((behavior: { PathPattern: string }) => behavior.PathPattern === '/uploads/*');
}

/** Runs the code of the viewer-request function on a request for `uri`. */
function runViewerRequest(code: string, uri: string): { uri: string; querystring: unknown } {
  const handler = vm.runInNewContext(`${code}\nhandler;`);
  return handler({ request: { uri, querystring: { v: { value: '1' } }, headers: {} } });
}

describe('media served from the bucket', () => {
  const { config, template } = distributionConfig({});
  const behavior = uploadsBehavior(config);
  const group = config.OriginGroups.Items[0];
  const originById = (id: string) => config.Origins.find((origin: { Id: string }) => origin.Id === id);

  test('uploads use the origin group', () => {
    expect(config.OriginGroups.Quantity).toBe(1);
    expect(behavior.TargetOriginId).toBe(group.Id);
  });

  test('bucket is the primary origin', () => {
    const primary = originById(group.Members.Items[0].OriginId);
    expect(primary.DomainName).toBe('storage.googleapis.com');
    expect(primary.OriginPath).toBe('/postiz-media-example');
    expect(primary.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });

  test('load balancer is the fallback origin', () => {
    const fallback = originById(group.Members.Items[1].OriginId);
    expect(fallback.DomainName).toBe('social.example.com');
    expect(fallback.OriginPath).toBe('/uploads');
    expect(fallback.VpcOriginConfig).toBeDefined();
  });

  test('missing objects and server errors fail over', () => {
    expect(group.FailoverCriteria.StatusCodes.Items).toEqual([403, 404, 500, 502, 503, 504]);
  });

  test('behaviour forwards no headers', () => {
    // Each origin then receives its own domain name as Host: Cloud Storage would read the
    // platform's host name as a bucket name.
    expect(behavior.OriginRequestPolicyId).toBeUndefined();
  });

  test('media is never compressed', () => {
    expect(behavior.Compress).toBe(false);
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
  });

  test('function maps URLs to object keys', () => {
    expect(behavior.FunctionAssociations).toHaveLength(1);
    expect(behavior.FunctionAssociations[0].EventType).toBe('viewer-request');
    const [fn] = Object.values(template.findResources('AWS::CloudFront::Function'));
    const code = fn.Properties.FunctionCode;
    expect(runViewerRequest(code, '/uploads/2026/12/04/0f3a.png').uri).toBe('/2026/12/04/0f3a.png');
    expect(runViewerRequest(code, '/uploads/abc.mp4').uri).toBe('/abc.mp4');
    expect(runViewerRequest(code, '/uploads/2026/12/04/a.png').querystring).toEqual({ v: { value: '1' } });
  });

  test('media keeps the sandbox headers', () => {
    const policies = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const media = policies.find((policy) => policy.Properties.ResponseHeadersPolicyConfig.Comment.includes('media'));
    expect(media).toBeDefined();
    const headers = media!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: UPLOADS_CONTENT_SECURITY_POLICY, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(UPLOADS_CONTENT_SECURITY_POLICY).toMatch(/sandbox$/);
  });
});

describe('media served by the load balancer', () => {
  test('without a bucket', () => {
    const { config } = distributionConfig();
    const behavior = uploadsBehavior(config);
    expect(config.OriginGroups).toBeUndefined();
    expect(behavior.FunctionAssociations).toBeUndefined();
    expect(behavior.OriginRequestPolicyId).toBeDefined();
    expect(behavior.TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
    expect(behavior.Compress).toBe(false);
  });

  test('when the bucket does not serve', () => {
    const { config } = distributionConfig({ serveFromBucket: false });
    expect(config.OriginGroups).toBeUndefined();
    expect(uploadsBehavior(config).TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
  });
});
