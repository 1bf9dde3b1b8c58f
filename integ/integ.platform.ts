import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { buildExampleStack } from './example';

// The default integration test deploys the example platform as a user would.
// Without stack traces, the snapshot's metadata contains no paths of the machine that wrote it.
const app = new App({ context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
const stack = buildExampleStack(app);

new IntegTest(app, 'PostizPlatformInteg', {
  testCases: [stack],
  // A snapshot diff that replaces or deletes a stateful resource fails the check.
  allowDestroy: [],
  cdkCommandOptions: {
    destroy: {
      args: { force: true },
    },
  },
});

app.synth();
