import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DeploymentProfile, GcsCredentials, OidcEndpoints, PostizPlatform, SocialProvider } from '../src';

/** The values of the example that differ between deployers. */
export interface ExampleSettings {
  /** Host name Postiz is served at, in the hosted zone. */
  readonly domainName: string;
  /** Id of the Route 53 public hosted zone. */
  readonly hostedZoneId: string;
  /** Name of the hosted zone, such as `example.com`. */
  readonly zoneName: string;
  /** The Google Cloud Storage bucket and the Workload Identity Federation that reaches it. */
  readonly gcs: ExampleGcsSettings;
}

/** The Google Cloud side of the example's media bridge. */
export interface ExampleGcsSettings {
  readonly bucketName: string;
  readonly projectId: string;
  /** Number of the project that owns the workload identity pool. */
  readonly projectNumber: string;
  readonly poolId: string;
  readonly providerId: string;
  readonly serviceAccountEmail: string;
  /**
   * Name of the bridge function's role, which the service account's binding names.
   *
   * @default - the name the bridge makes at synthesis
   */
  readonly functionRoleName?: string;
}

/** The example's settings, which the committed snapshots contain. */
export const EXAMPLE_SETTINGS: ExampleSettings = {
  domainName: 'social.example.com',
  hostedZoneId: 'Z0123456789EXAMPLE',
  zoneName: 'example.com',
  gcs: {
    bucketName: 'example-postiz-media',
    projectId: 'example-media',
    projectNumber: '123456789012',
    poolId: 'aws-postiz',
    providerId: 'aws-account',
    serviceAccountEmail: 'postiz-media@example-media.iam.gserviceaccount.com',
  },
};

/** Options of `buildExamplePlatform`. */
export interface ExamplePlatformOptions {
  /**
   * The deployer's domain, hosted zone and bucket.
   *
   * @default EXAMPLE_SETTINGS
   */
  readonly settings?: ExampleSettings;

  /**
   * Whether deletion protection is on for the database and the load balancer. The
   * integration test turns it off so that `cdk destroy` can remove the stack after the test.
   *
   * @default true, the production profile's default
   */
  readonly deletionProtection?: boolean;
}

/**
 * Builds the example platform: production profile in us-east-1, served at
 * social.example.com from the example.com hosted zone, with single sign-on through
 * Keycloak, the X and LinkedIn integrations, and media replicated to a Google Cloud Storage
 * bucket through Workload Identity Federation.
 */
export function buildExampleStack(app: App): Stack {
  return Stack.of(buildExamplePlatform(app));
}

/**
 * Builds the example platform in a new stack `PostizExample` and returns the platform, so
 * that tests can reach its tiers.
 */
export function buildExamplePlatform(app: App, options: ExamplePlatformOptions = {}): PostizPlatform {
  const settings = options.settings ?? EXAMPLE_SETTINGS;
  const stack = new Stack(app, 'PostizExample', {
    // No account: the template stays the same for every deployer, and the zones are named.
    env: { region: 'us-east-1' },
    description: 'cdk-postiz example platform (production profile)',
  });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: settings.hostedZoneId,
    zoneName: settings.zoneName,
  });

  const platform = new PostizPlatform(stack, 'Postiz', {
    domainName: settings.domainName,
    hostedZone,
    profile: DeploymentProfile.PRODUCTION,
    network: {
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    },
    data: options.deletionProtection === false ? { database: { deletionProtection: false } } : undefined,
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
      bucketName: settings.gcs.bucketName,
      projectId: settings.gcs.projectId,
      credentials: GcsCredentials.fromWorkloadIdentityFederation({
        projectNumber: settings.gcs.projectNumber,
        poolId: settings.gcs.poolId,
        providerId: settings.gcs.providerId,
        serviceAccountEmail: settings.gcs.serviceAccountEmail,
      }),
      functionRoleName: settings.gcs.functionRoleName,
    },
  });

  if (options.deletionProtection === false) {
    platform.edge.loadBalancer.loadBalancer.setAttribute('deletion_protection.enabled', 'false');
  }
  return platform;
}
