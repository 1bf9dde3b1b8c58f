import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { addPlatformAssertions } from './assertions';
import { readDomainName, readZoneSettings } from './settings';
import { DeploymentProfile, PostizPlatform } from '../src';

// The development test deploys the development profile with its defaults: two availability
// zones, one NAT gateway, one web, worker and Temporal task each, and every resource deleted
// with the stack.
const app = new App({ context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
const zone = readZoneSettings();
const stack = new Stack(app, 'PostizDevelopment', {
  env: { region: 'us-east-1' },
  description: 'cdk-postiz integration test: development profile',
});

const platform = new PostizPlatform(stack, 'Postiz', {
  domainName: readDomainName('POSTIZ_INTEG_DEVELOPMENT_DOMAIN', 'postiz-dev', zone),
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', zone),
  profile: DeploymentProfile.DEVELOPMENT,
});

const integ = new IntegTest(app, 'PostizDevelopmentInteg', {
  testCases: [stack],
  // Assertions read the platform's resources through exports, which work within one region.
  assertionStack: new Stack(app, 'PostizDevelopmentAssertions', { env: { region: stack.region } }),
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
addPlatformAssertions(integ, platform);

app.synth();
