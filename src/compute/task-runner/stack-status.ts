import type { DescribeStacksCommandInput, DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { RESOURCE_TYPE } from './properties';
import { describeError } from '../../data/provisioner/errors';

/** Subset of the SDK's aggregated `CloudFormation` client that the handler calls. Tests pass moto or a stub. */
export interface CloudFormationApi {
  describeStacks(input: DescribeStacksCommandInput): Promise<DescribeStacksCommandOutput>;
}

/** Action of the start step for an Update: `run` starts the task, `skip` completes without it during a rollback. */
export type UpdateAction = 'run' | 'skip';

// NOTE: the status of a nested stack while its parent stack rolls back is unverified. It is expected
// to be UPDATE_ROLLBACK_IN_PROGRESS, but if it were UPDATE_IN_PROGRESS, the task would run there.
/** Stack status during a stack update, in which CloudFormation sends Update with the new properties. */
export const STACK_UPDATE_STATUS = 'UPDATE_IN_PROGRESS';

/**
 * Stack status while CloudFormation returns resources to their previous configuration after a failed
 * stack update, in which it sends Update with the previous properties. The other rollback statuses
 * only remove resources, so a custom resource receives Delete in them, never Update. In
 * ROLLBACK_IN_PROGRESS, CloudFormation removes the resources of a failed stack creation. In
 * UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, it deletes the resources that the failed update created.
 * Source: AWS CloudFormation User Guide, "Stack status codes".
 */
export const UPDATE_ROLLBACK_STATUS = 'UPDATE_ROLLBACK_IN_PROGRESS';

/**
 * Calls DescribeStacks for the stack that sent the event and returns its `StackStatus`. Throws when
 * the call fails or returns no status, so that the caller neither runs nor skips the task.
 */
export async function describeStackStatus(
  cloudformation: CloudFormationApi,
  stackId: string,
  logicalResourceId: string,
): Promise<string> {
  let output: DescribeStacksCommandOutput;
  try {
    output = await cloudformation.describeStacks({ StackName: stackId });
  } catch (error) {
    throw new Error(
      `${RESOURCE_TYPE} ${logicalResourceId}: DescribeStacks for stack ${stackId} failed: ${describeError(error)}. `
      + `${UNKNOWN_STATUS_CONSEQUENCE} Check that the start handler's role may call cloudformation:DescribeStacks `
      + `on the stack, then retry the deployment. ${rollbackRecoveryHint(stackId, logicalResourceId)}`,
    );
  }

  const status = output.Stacks?.[0]?.StackStatus;
  if (!status) {
    throw new Error(
      `${RESOURCE_TYPE} ${logicalResourceId}: DescribeStacks for stack ${stackId} returned no stack status. `
      + `${UNKNOWN_STATUS_CONSEQUENCE} Retry the deployment. ${rollbackRecoveryHint(stackId, logicalResourceId)}`,
    );
  }
  return status;
}

/**
 * Chooses the action for an Update from the status of its stack: run the task during a stack update
 * and skip it during an update rollback. Throws for any other status, because the CloudFormation
 * documentation describes no Update in them. Running the task for an unknown operation could undo a
 * newer schema, and skipping it could leave a schema change out.
 */
export function chooseUpdateAction(stackStatus: string, stackId: string, logicalResourceId: string): UpdateAction {
  if (stackStatus === STACK_UPDATE_STATUS) {
    return 'run';
  }
  if (stackStatus === UPDATE_ROLLBACK_STATUS) {
    return 'skip';
  }
  throw new Error(
    `${RESOURCE_TYPE} ${logicalResourceId}: received an Update while stack ${stackId} is in ${stackStatus}. `
    + `The task runs only in ${STACK_UPDATE_STATUS} and is skipped in ${UPDATE_ROLLBACK_STATUS}, so it did not run. `
    + `Retry the deployment after the stack reaches a *_COMPLETE status. ${rollbackRecoveryHint(stackId, logicalResourceId)}`,
  );
}

const UNKNOWN_STATUS_CONSEQUENCE = 'Without the stack status the start step cannot tell a rollback, in which it skips '
  + 'the task, from a stack update, so it did not run the task.';

function rollbackRecoveryHint(stackId: string, logicalResourceId: string): string {
  return 'If this failure leaves the stack in UPDATE_ROLLBACK_FAILED, finish the rollback without this resource: '
    + `aws cloudformation continue-update-rollback --stack-name ${stackId} --resources-to-skip ${logicalResourceId} `
    + `(for a nested stack, run it on the parent stack with --resources-to-skip <NestedStackLogicalId>.${logicalResourceId}).`;
}
