import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';

/** Zones of the test stacks' region, named so the VPC can span three without lookups. */
export const TEST_ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/**
 * Creates a stack in us-east-1 of a fixed account, so availability zones and ARNs are
 * concrete in templates.
 */
export function newStack(id = 'Test'): Stack {
  const app = new App();
  return new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/** Imports the example.com hosted zone. */
export function exampleZone(stack: Stack): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });
}
