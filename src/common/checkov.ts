import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Adds a checkov skip with its reason to the resource's metadata.
 */
export function skipCheckov(construct: Construct, id: string, reason: string): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild as CfnResource | undefined;
  if (!resource) {
    return;
  }
  const metadata = (resource.getMetadata('checkov') ?? { skip: [] }) as { skip: { id: string; comment: string }[] };
  if (!metadata.skip.some((entry) => entry.id === id)) {
    metadata.skip.push({ id, comment: reason });
  }
  resource.addMetadata('checkov', metadata);
}

const DEPLOYMENT_ONLY_FUNCTION_SKIPS: Record<string, string> = {
  CKV_AWS_115: 'Runs only during deployments; reserved concurrency would only take account capacity.',
  CKV_AWS_116: 'Invoked synchronously by CloudFormation, which reports failures; a dead-letter queue would stay empty.',
  CKV_AWS_117: 'Calls only public AWS APIs and needs no VPC.',
  CKV_AWS_173: 'The environment holds no secrets.',
};

/**
 * Adds checkov skips, with reasons, to every Lambda function under the scope that runs
 * only during deployments (custom resource handlers).
 */
export function skipCheckovForDeploymentFunctions(scope: Construct): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource && child.cfnResourceType === 'AWS::Lambda::Function') {
      for (const [id, reason] of Object.entries(DEPLOYMENT_ONLY_FUNCTION_SKIPS)) {
        skipCheckov(child, id, reason);
      }
    }
  }
}

/** Id prefixes of the custom resource providers that aws-cdk-lib creates at the root of a stack. */
const CDK_HELPER_PREFIXES = ['LogRetention', 'Custom::VpcRestrictDefaultSG', 'Custom::S3AutoDeleteObjects'];

/**
 * Adds checkov skips to the custom resource handlers that aws-cdk-lib creates at the root
 * of a stack: the log retention function, the default security group restrictor and the
 * bucket emptier of `autoDeleteObjects`. Call it after the construct that creates them.
 */
export function skipCheckovForCdkHelpers(scope: Construct): void {
  const stack = Stack.of(scope);
  for (const child of stack.node.children) {
    const id = child.node.id;
    if (!CDK_HELPER_PREFIXES.some((prefix) => id.startsWith(prefix))) {
      continue;
    }
    skipCheckovForDeploymentFunctions(child);
    for (const resource of child.node.findAll()) {
      if (resource instanceof CfnResource && resource.cfnResourceType === 'AWS::IAM::Policy') {
        skipCheckov(resource, 'CKV_AWS_111',
          'aws-cdk-lib\'s log retention function sets the retention of log groups whose names it learns at deploy time.');
      }
    }
  }
}
