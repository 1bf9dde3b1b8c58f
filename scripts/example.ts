/**
 * Synthesizes the example platform into cdk.out and prints a summary: the stacks, their
 * resources by type, the cdk-nag AwsSolutions result and the monthly cost estimate of
 * `cdk-postiz-cost`. Exits with 1 when cdk-nag reports an unacknowledged finding.
 *
 * Usage: ts-node scripts/example.ts [--quiet] [--profile production|development]
 *
 * `--profile development` synthesizes the same platform with the development profile, in two
 * availability zones, as the stack PostizExampleDevelopment.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildExampleStack } from '../integ/example';
import { DeploymentProfile, GcsCredentials, OidcEndpoints, PostizPlatform, SocialProvider } from '../src';
import { estimateAssembly } from '../src/cost/estimate';
import { formatEstimate } from '../src/cost/format';

/**
 * Builds the example platform of integ/example.ts with the development profile, in us-east-1
 * across two availability zones.
 */
function buildDevelopmentStack(app: App): Stack {
  const stack = new Stack(app, 'PostizExampleDevelopment', {
    env: { region: 'us-east-1' },
    description: 'cdk-postiz example platform (development profile)',
  });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });
  new PostizPlatform(stack, 'Postiz', {
    domainName: 'social-dev.example.com',
    hostedZone,
    profile: DeploymentProfile.DEVELOPMENT,
    network: {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
    },
    sso: {
      endpoints: OidcEndpoints.fromKeycloak('https://id.example.com', 'staff'),
      clientId: 'postiz-dev',
      displayName: 'Example ID',
    },
    socialProviders: [
      { provider: SocialProvider.X },
      { provider: SocialProvider.LINKEDIN, values: { LINKEDIN_CLIENT_ID: '86example0client' } },
    ],
    gcs: {
      bucketName: 'example-postiz-media-dev',
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

/** Returns the value of `--profile`, production unless it is given. */
function profileArgument(args: readonly string[]): DeploymentProfile {
  const index = args.indexOf('--profile');
  if (index < 0) {
    return DeploymentProfile.PRODUCTION;
  }
  const value = args[index + 1];
  if (value !== DeploymentProfile.PRODUCTION && value !== DeploymentProfile.DEVELOPMENT) {
    console.error(`Invalid value for --profile: '${value ?? ''}'. Pass production or development.`);
    process.exit(2);
  }
  return value;
}

const quiet = process.argv.includes('--quiet');
const profile = profileArgument(process.argv.slice(2));
const outdir = path.resolve(__dirname, '..', 'cdk.out');
fs.rmSync(outdir, { recursive: true, force: true });

const app = new App({ outdir });
if (profile === DeploymentProfile.DEVELOPMENT) {
  buildDevelopmentStack(app);
} else {
  buildExampleStack(app);
}
const assembly = app.synth();

const report = new AwsSolutionsChecks().validateScope(app);
const findings = report.violations.flatMap((violation) =>
  violation.violatingResources.map((resource) => `${violation.ruleName} at ${(resource as { constructPath?: string }).constructPath ?? resource.resourceLogicalId}: ${violation.description}`));

if (!quiet) {
  console.log(`Synthesized into ${path.relative(process.cwd(), outdir)}/`);
  for (const stack of assembly.stacks) {
    const resources = Object.values(stack.template.Resources ?? {}) as { Type: string }[];
    const byType = new Map<string, number>();
    for (const resource of resources) {
      byType.set(resource.Type, (byType.get(resource.Type) ?? 0) + 1);
    }
    console.log(`\nStack ${stack.stackName} (${stack.environment.region}): ${resources.length} resources`);
    for (const [type, count] of [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      console.log(`  ${String(count).padStart(4)}  ${type}`);
    }
  }
  console.log('');
}

if (findings.length > 0) {
  console.log(`cdk-nag AwsSolutions: ${findings.length} unacknowledged findings`);
  for (const finding of findings) {
    console.log(`  ${finding}`);
  }
} else if (!quiet) {
  console.log('cdk-nag AwsSolutions: 0 unacknowledged findings');
}

if (!quiet) {
  console.log('');
  console.log(formatEstimate(estimateAssembly(path.relative(process.cwd(), outdir) || '.'), 'text').trimEnd());
}

if (findings.length > 0) {
  process.exit(1);
}
