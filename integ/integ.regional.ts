import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { addPlatformAssertions } from './assertions';
import { ExistingVpc } from './existing-vpc';
import { readDomainName, readTemporalCloudSettings, readZoneSettings } from './settings';
import { DeploymentProfile, PostizGlobalResources, PostizPlatform } from '../src';
import { skipCheckov } from '../src/common/checkov';

// The regional test deploys the development profile outside us-east-1. The web ACL and the
// CloudFront certificate come from a us-east-1 stack through cross-region references. The
// VPC comes from a separate stack, as a customer's own VPC would, and Temporal runs in
// Temporal Cloud instead of on ECS.
const REGION = 'eu-west-1';
const APP_SUBNETS = 'application';
const DATA_SUBNETS = 'database';

const app = new App({ context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
const zone = readZoneSettings();
const domainName = readDomainName('POSTIZ_INTEG_REGIONAL_DOMAIN', 'postiz-eu', zone);

const networkStack = new Stack(app, 'PostizRegionalNetwork', {
  env: { region: REGION },
  description: 'cdk-postiz integration test: the VPC that the regional platform is given',
});
const vpc = new ExistingVpc(networkStack, 'Network', {
  availabilityZones: [`${REGION}a`, `${REGION}b`],
  appSubnetGroupName: APP_SUBNETS,
  dataSubnetGroupName: DATA_SUBNETS,
}).vpc;

const globalStack = new Stack(app, 'PostizRegionalGlobal', {
  env: { region: 'us-east-1' },
  crossRegionReferences: true,
  description: 'cdk-postiz integration test: us-east-1 web ACL and certificate of the regional platform',
});
const globalResources = new PostizGlobalResources(globalStack, 'Global', {
  domainName,
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(globalStack, 'Zone', zone),
  profile: DeploymentProfile.DEVELOPMENT,
});

const stack = new Stack(app, 'PostizRegional', {
  env: { region: REGION },
  crossRegionReferences: true,
  description: `cdk-postiz integration test: development profile in ${REGION} with Temporal Cloud`,
});
const platform = new PostizPlatform(stack, 'Postiz', {
  domainName,
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', zone),
  profile: DeploymentProfile.DEVELOPMENT,
  network: {
    vpc,
    appSubnets: { subnetGroupName: APP_SUBNETS },
    dataSubnets: { subnetGroupName: DATA_SUBNETS },
  },
  // Temporal Cloud keeps its own persistence, so the cluster needs no Temporal databases.
  data: { database: { temporalDatabases: false } },
  compute: { temporal: { cloud: { connectionSecret: temporalCloudConnection(stack) } } },
  edge: { globalResources },
});

const integ = new IntegTest(app, 'PostizRegionalInteg', {
  testCases: [networkStack, globalStack, stack],
  // Assertions read the platform's resources through exports, which work within one region.
  assertionStack: new Stack(app, 'PostizRegionalAssertions', { env: { region: REGION } }),
  // No resource type is exempt, so a snapshot diff that replaces or deletes any resource is
  // reported as destructive.
  allowDestroy: [],
  // The committed snapshot contains the default settings, whose zone does not exist, so
  // deploying it first, as the update workflow does, would fail.
  stackUpdateWorkflow: false,
  cdkCommandOptions: {
    destroy: {
      args: { force: true },
    },
  },
});
// The platform stack exports the web ACL ARN that it read from us-east-1, so the assertion
// stack imports it within the region.
const webAclArn = stack.exportValue(platform.edge.webAclArn, { name: 'PostizRegional-WebAclArn' });
addPlatformAssertions(integ, platform, { webAclArn });

app.synth();

/**
 * Creates the Temporal Cloud connection secret that the platform reads `address`,
 * `namespace` and `apiKey` from. The address and namespace come from the deployer's settings.
 * The API key stays in the operator's secret, and CloudFormation copies it in through a
 * dynamic reference at deployment, so neither the app nor the template contains it.
 */
function temporalCloudConnection(scope: Construct): secretsmanager.ISecret {
  const temporal = readTemporalCloudSettings();
  const key = new kms.Key(scope, 'TemporalCloudKey', {
    description: 'cdk-postiz integration test: encrypts the Temporal Cloud connection secret',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const secret = new secretsmanager.Secret(scope, 'TemporalCloudConnection', {
    description: 'cdk-postiz integration test: Temporal Cloud address, namespace and API key',
    encryptionKey: key,
    removalPolicy: RemovalPolicy.DESTROY,
    secretObjectValue: {
      // Neither the address nor the namespace is secret.
      address: SecretValue.unsafePlainText(temporal.address),
      namespace: SecretValue.unsafePlainText(temporal.namespace),
      // NOTE: CloudFormation inserts the stored value without JSON escaping, so a key that
      // contains `"` or `\` would make the secret invalid JSON.
      apiKey: SecretValue.secretsManager(temporal.apiKeySecretName),
    },
  });
  skipCheckov(secret, 'CKV2_AWS_57',
    'Temporal Cloud issues the API key, so the operator rotates it there and puts it into the source secret.');
  return secret;
}
