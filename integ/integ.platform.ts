import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { addPlatformAssertions } from './assertions';
import { buildExamplePlatform } from './example';
import { readExampleSettings } from './settings';

// The production test deploys the example platform as a user would, every tier included,
// with the deployer's domain and bucket. So that `cdk destroy` can remove it afterwards, the
// database and the load balancer are deployed without deletion protection.
// Without stack traces, the snapshot's metadata contains no paths of the machine that wrote it.
const app = new App({ context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
const platform = buildExamplePlatform(app, { settings: readExampleSettings(), deletionProtection: false });
const stack = Stack.of(platform);

const integ = new IntegTest(app, 'PostizPlatformInteg', {
  testCases: [stack],
  // Assertions read the platform's resources through exports, which work within one region.
  assertionStack: new Stack(app, 'PostizPlatformAssertions', { env: { region: stack.region } }),
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
