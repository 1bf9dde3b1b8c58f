import { ASSERT_RESOURCE_TYPE, AssertionsProvider, ExpectedResult, IApiCall, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { CfnOutput, CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { PostizPlatform } from '../src';
import { skipCheckov } from '../src/common/checkov';

/**
 * Body of `GET /api/`, which the image's nginx passes to the backend's root route
 * (`RootController` in apps/backend/src/api/routes/root.controller.ts of Postiz).
 */
export const POSTIZ_HEALTH_TEXT = 'App is running!';

/** Start of the GCS probe's `Status` after a write, read and delete (src/gcs/bridge/probe.ts). */
export const GCS_PROBE_SUCCESS_PATTERN = '^Probe succeeded';

/**
 * Polling of the health page. Postiz can take minutes to boot (its container health check
 * allows 3), and a new CloudFront distribution and DNS record can take longer to answer.
 */
const HEALTH_PAGE_WAIT = { totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) };

/** Polling of the ECS services, which CloudFormation already waited for unless a task was replaced since. */
const SERVICE_WAIT = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) };

/** Options of `addPlatformAssertions`. */
export interface PlatformAssertionOptions {
  /**
   * ARN that the distribution's `WebACLId` must equal, as a value that the assertion stack
   * can use. A platform outside us-east-1 passes an import of its own export of the ARN, so
   * that the assertion stack needs no cross-region reference.
   *
   * @default platform.edge.webAclArn
   */
  readonly webAclArn?: string;
}

/**
 * Adds the deployed checks of one platform to the test's assertion stack:
 *
 * - `GET https://<domain>/api/` through CloudFront returns 200 with Postiz's health text;
 * - every ECS service (web, worker, and the Temporal server when self-hosted) runs as many
 *   tasks as its template's `DesiredCount`;
 * - the container of the schema update task exited with code 0;
 * - the CloudFront distribution uses the platform's web ACL;
 * - the GCS probe succeeded, when the platform has a GCS bridge.
 *
 * The assertion stack must be in the platform's region, because it reads the platform's
 * resources through stack exports.
 */
export function addPlatformAssertions(integ: IntegTest, platform: PostizPlatform, options: PlatformAssertionOptions = {}): void {
  const assertionStack = Stack.of(assertHealthPage(integ, platform));
  assertServicesRunning(integ, platform);
  assertSchemaUpdateSucceeded(integ, platform, assertionStack);
  assertWebAclAttached(integ, platform, options.webAclArn ?? platform.edge.webAclArn);
  if (platform.gcsBridge) {
    assertValue(assertionStack, 'GcsProbeSucceeded', platform.gcsBridge.probe.getAttString('Status'),
      ExpectedResult.stringLikeRegexp(GCS_PROBE_SUCCESS_PATTERN));
  }
  skipCheckovForAssertionProviders(assertionStack);
}

/**
 * Returns an expected result that matches a value that is equal to `value`.
 *
 * `ExpectedResult.exact` is not used, because it encodes its value as `{"$Exact": value}`,
 * which the assertion handler of integ-tests-alpha 2.245.0-alpha.0 does not decode. The
 * handler then compares the actual value with that object and always fails. It compares a
 * plain JSON value with `Match.exact`.
 */
function equalTo(value: string | number): ExpectedResult {
  return { result: JSON.stringify(value) };
}

/**
 * Asserts that `actual`, a value from the test stacks, matches `expected`, as
 * `integ.assertions.expect` would. That method's stack output reads the custom resource
 * attribute `data`, but the handler of integ-tests-alpha 2.245.0-alpha.0 returns the result
 * as `assertion`, and CloudFormation fails a stack whose output reads a missing attribute.
 * This output reads `assertion`, which integ-runner finds by its `AssertionResults` prefix.
 */
function assertValue(assertionStack: Stack, id: string, actual: string, expected: ExpectedResult): void {
  const provider = new AssertionsProvider(assertionStack, `${id}Provider`);
  const assertion = new CustomResource(assertionStack, id, {
    serviceToken: provider.serviceToken,
    resourceType: ASSERT_RESOURCE_TYPE,
    // The salt changes on every synth, so a repeated deployment checks the value again.
    properties: { actual, expected: expected.result, salt: Date.now().toString() },
  });
  new CfnOutput(assertionStack, `${id}Result`, {
    key: `AssertionResults${id}`,
    value: assertion.getAttString('assertion'),
  });
}

function assertHealthPage(integ: IntegTest, platform: PostizPlatform): IApiCall {
  // The HTTP handler of integ-tests-alpha returns the body as text when it is not JSON.
  // NOTE: the handler cannot filter the response, so the headers go into the custom resource
  // response too, which CloudFormation limits to 4096 bytes. The headers of `/api/` through
  // CloudFront take an estimated 1 KB.
  return integ.assertions.httpApiCall(`${platform.edge.url}/api/`)
    .expect(ExpectedResult.objectLike({ status: 200, body: POSTIZ_HEALTH_TEXT }))
    .waitForAssertions(HEALTH_PAGE_WAIT);
}

function assertServicesRunning(integ: IntegTest, platform: PostizPlatform): void {
  const compute = platform.compute;
  const services = [compute.web.service, compute.worker.service];
  if (compute.temporalServer) {
    services.push(compute.temporalServer.service);
  }
  for (const service of services) {
    // Only one path is returned, because a whole DescribeServices response, with its events
    // and deployments, is larger than the 4096 bytes of a custom resource response.
    integ.assertions.awsApiCall('ECS', 'describeServices', {
      cluster: compute.cluster.clusterArn,
      services: [service.serviceArn],
    }).assertAtPath('services.0.runningCount', equalTo(desiredCount(service)))
      .waitForAssertions(SERVICE_WAIT);
  }
}

/**
 * Returns the `DesiredCount` of the service's template. It is the profile's minimum for web
 * and worker, which scale from there, and the Temporal server's fixed count.
 * NOTE: a scale-out during the test, after sustained CPU above the target or slow
 * responses, fails the check although the service is healthy.
 */
function desiredCount(service: ecs.FargateService): number {
  const count = (service.node.defaultChild as ecs.CfnService).desiredCount;
  if (typeof count !== 'number') {
    throw new Error(`ECS service ${service.node.path} has no literal DesiredCount, so the test cannot tell how many tasks to expect.`);
  }
  return count;
}

function assertSchemaUpdateSucceeded(integ: IntegTest, platform: PostizPlatform, assertionStack: Stack): void {
  // The custom resource returns the ARN of the task it ran in Data.TaskArn. The task
  // definition has one container, so containers.0 is the one running `prisma db push`.
  const compute = platform.compute;
  const exitCodePath = 'tasks.0.containers.0.exitCode';
  const describeTask = integ.assertions.awsApiCall('ECS', 'describeTasks', {
    cluster: compute.cluster.clusterArn,
    tasks: [compute.schemaUpdate.resource.getAttString('TaskArn')],
  });
  // getAttString limits the response to this path. The exit code goes through a stack
  // attribute because the handler reads an actual value of 0 at a path as missing, while
  // CloudFormation passes the attribute on as the string "0".
  // NOTE: ECS returns a stopped task for at least one hour after it stopped (DescribeTasks
  // API reference). After a longer deployment the attribute is missing, and CloudFormation
  // fails the assertion stack with "Vendor response doesn't contain" the exit code path.
  assertValue(assertionStack, 'SchemaUpdateExitCode', describeTask.getAttString(exitCodePath), equalTo(0));
}

function assertWebAclAttached(integ: IntegTest, platform: PostizPlatform, webAclArn: string): void {
  // CloudFront's API is global, so the call works from the assertion stack's region.
  integ.assertions.awsApiCall('CloudFront', 'getDistributionConfig', {
    Id: platform.edge.distribution.distribution.distributionId,
  }).assertAtPath('DistributionConfig.WebACLId', equalTo(webAclArn));
}

const ASSERTION_FUNCTION_SKIPS: Record<string, string> = {
  CKV_AWS_115: 'An integ-tests-alpha handler that runs only while the assertion stack deploys.',
  CKV_AWS_116: 'Invoked synchronously by CloudFormation or the waiter state machine, which report failures.',
  CKV_AWS_117: 'Calls AWS APIs and the platform\'s public URL, so it needs no VPC.',
};

/**
 * Adds checkov skips, with reasons, to the Lambda functions and the role of the
 * integ-tests-alpha assertion providers, which exist only for the test.
 */
function skipCheckovForAssertionProviders(assertionStack: Stack): void {
  for (const child of assertionStack.node.findAll()) {
    if (!(child instanceof CfnResource)) {
      continue;
    }
    if (child.cfnResourceType === 'AWS::Lambda::Function') {
      for (const [id, reason] of Object.entries(ASSERTION_FUNCTION_SKIPS)) {
        skipCheckov(child, id, reason);
      }
    } else if (child.cfnResourceType === 'AWS::IAM::Role' && child.node.path.includes('SingletonFunction')) {
      skipCheckov(child, 'CKV_AWS_111',
        'integ-tests-alpha allows states:StartExecution on all resources to start its waiter state machines, and the role exists only for the test.');
    }
  }
}
