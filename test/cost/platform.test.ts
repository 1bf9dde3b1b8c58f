import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { DeploymentProfile, PostizPlatform } from '../../src';
import { estimateAssembly, Estimate } from '../../src/cost/estimate';
import { exampleZone } from '../support/stack';

/** Synthesizes a platform of `profile` into a new directory and estimates it with the detected profile. */
function estimatePlatform(profile: DeploymentProfile): Estimate {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-postiz-cost-platform-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Platform', { env: { region: 'us-east-1' } });
  new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), profile });
  app.synth();
  return estimateAssembly(outdir);
}

describe('estimate of synthesized platforms', () => {
  const production = estimatePlatform(DeploymentProfile.PRODUCTION);
  const development = estimatePlatform(DeploymentProfile.DEVELOPMENT);

  test('production profile is detected', () => {
    expect(production.profile.profile).toBe('production');
  });

  test('development profile is detected', () => {
    expect(development.profile.profile).toBe('development');
  });

  test('every resource type is priced or free', () => {
    expect(production.unpricedResourceTypes).toEqual({});
    expect(development.unpricedResourceTypes).toEqual({});
  });

  test('every tier has a figure', () => {
    const services = production.services.map((service) => service.service);
    for (const service of ['NAT gateway', 'VPC endpoints', 'Aurora', 'ElastiCache', 'Fargate', 'Load balancer', 'CloudFront', 'WAF',
      'KMS', 'Secrets Manager', 'CloudWatch', 'EFS', 'S3', 'Backup', 'Route 53', 'Cloud Map', 'Public IPv4 addresses']) {
      expect(services).toContain(service);
    }
  });

  test('development costs less', () => {
    expect(development.monthlyUsd).toBeLessThan(production.monthlyUsd);
  });

  test('development runs one NAT gateway and no endpoints', () => {
    const natHours = development.stacks[0].lineItems.find((item) => item.service === 'NAT gateway' && item.price.unit === 'NAT gateway-hour');
    expect(natHours?.quantity).toBe(730);
    expect(development.services.find((service) => service.service === 'VPC endpoints')).toBeUndefined();
  });

  test('development runs Fargate on Spot', () => {
    const fargate = development.stacks[0].lineItems.filter((item) => item.service === 'Fargate');
    expect(fargate.length).toBeGreaterThan(0);
    for (const item of fargate) {
      expect(item.price.unit).toBe('Spot task-hour');
    }
  });

  test('savings cover the cost settings', () => {
    expect(production.savings.map((saving) => saving.setting)).toEqual([
      'Graviton (ARM64) Fargate tasks',
      'Fargate Spot share at the minimum task count',
      'Fargate Spot share at the maximum task count',
      'Interface endpoints',
      'ElastiCache engine',
      'Log retention',
      'CloudFront price class',
    ]);
    expect(development.savings.map((saving) => saving.setting)).toContain('Aurora auto-pause');
  });
});
