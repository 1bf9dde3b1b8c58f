import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { skipCheckov } from './checkov';

/**
 * Acknowledges the cdk-nag NIST 800-53 rev 5 rule and the checkov check that require a
 * customer-managed key on the log group. The reason states what the logs contain.
 */
export function acknowledgeServiceKeyLogEncryption(logGroup: IConstruct, reason: string): void {
  skipCheckov(logGroup, 'CKV_AWS_158', reason);
  Validations.of(logGroup).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason });
}

/**
 * Acknowledges the inline policies of the roles under the scope. aws-cdk-lib writes the
 * statements of grants into an inline policy of the role, named `DefaultPolicy`.
 */
export function acknowledgeInlinePolicies(scope: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'The role\'s statements come from aws-cdk-lib grants and sit in the role\'s own inline policy, '
      + 'which is created and deleted with the role and cannot be attached to any other principal.',
  });
}

/**
 * Reason for functions without reserved concurrency. Lambda keeps 100 of the account's
 * concurrency unreserved (AWS Lambda Developer Guide, "Configuring reserved concurrency").
 */
export const RESERVED_CONCURRENCY_REASON = 'Lambda keeps 100 of the account\'s concurrency unreserved, so a reservation '
  + 'fails to deploy in accounts whose quota is 100 or lower.';

/**
 * Acknowledges the NIST 800-53 rev 5 Lambda rules on every function under the scope that runs
 * only during deployments (custom resource handlers and the provider framework).
 */
export function acknowledgeDeploymentFunctions(scope: IConstruct): void {
  for (const child of scope.node.findAll()) {
    if (!(child instanceof CfnResource) || child.cfnResourceType !== 'AWS::Lambda::Function') {
      continue;
    }
    Validations.of(child).acknowledge(
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason: `Runs only during deployments, a few invocations at a time. ${RESERVED_CONCURRENCY_REASON}`,
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason: 'The custom resource provider framework returns every failure to CloudFormation, which fails the '
          + 'deployment and shows the error in the stack events; a dead-letter queue would stay empty.',
      },
      {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason: 'Calls only public AWS APIs (and the CloudFormation response URL) and reaches no resource inside the VPC.',
      },
    );
  }
}
