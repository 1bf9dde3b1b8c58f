import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

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

/** Creates a VPC with public, private and isolated subnets, as an existing VPC would have. */
export function newVpc(stack: Stack, maxAzs = 3, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(stack, id, {
    maxAzs,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/**
 * Creates the secret of a Google Cloud service-account key under its own customer-managed key,
 * as an operator would before deploying an image with a `gcs` storage provider.
 */
export function mediaKeySecret(stack: Stack): secretsmanager.Secret {
  const key = new kms.Key(stack, 'MediaKey', { enableKeyRotation: true });
  const secret = new secretsmanager.Secret(stack, 'MediaKeySecret', { encryptionKey: key });
  const reason = 'Google Cloud creates service-account keys, so the operator rotates one by putting a new key into the secret.';
  Validations.of(secret).acknowledge(
    { id: 'AwsSolutions-SMG4', reason },
    { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
  );
  return secret;
}
