import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DeploymentProfile, GcsCredentials, OidcEndpoints, PostizPlatform, SocialProvider } from '../src';

/**
 * Builds the example platform: production profile in us-east-1, served at
 * social.example.com from the example.com hosted zone, with single sign-on through
 * Keycloak, the X and LinkedIn integrations, and media replicated to a Google Cloud Storage
 * bucket through Workload Identity Federation.
 */
export function buildExampleStack(app: App): Stack {
  const stack = new Stack(app, 'PostizExample', {
    // No account: the template stays the same for every deployer, and the zones are named.
    env: { region: 'us-east-1' },
    description: 'cdk-postiz example platform (production profile)',
  });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });

  new PostizPlatform(stack, 'Postiz', {
    domainName: 'social.example.com',
    hostedZone,
    profile: DeploymentProfile.PRODUCTION,
    network: {
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    },
    sso: {
      endpoints: OidcEndpoints.fromKeycloak('https://id.example.com', 'staff'),
      clientId: 'postiz',
      displayName: 'Example ID',
    },
    socialProviders: [
      { provider: SocialProvider.X },
      { provider: SocialProvider.LINKEDIN, values: { LINKEDIN_CLIENT_ID: '86example0client' } },
    ],
    gcs: {
      bucketName: 'example-postiz-media',
      projectId: 'example-media',
      credentials: GcsCredentials.fromWorkloadIdentityFederation({
        projectNumber: '123456789012',
        poolId: 'aws-postiz',
        providerId: 'aws-account',
        serviceAccountEmail: 'postiz-media@example-media.iam.gserviceaccount.com',
      }),
    },
  });

  return stack;
}
