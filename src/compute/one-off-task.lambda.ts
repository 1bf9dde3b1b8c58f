import { CloudFormation } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogs } from '@aws-sdk/client-cloudwatch-logs';
import { ECS } from '@aws-sdk/client-ecs';
import {
  IsCompleteEvent,
  IsCompleteResponse,
  handleOneOffTaskEvent,
  parseHandlerMode,
} from './task-runner/one-off-task';
import { CustomResourceResponse } from '../data/provisioner/custom-resource';

// Created once per Lambda execution environment and reused by warm invocations.
const ecs = new ECS({});
const logs = new CloudWatchLogs({});
const cloudformation = new CloudFormation({});

/**
 * Custom resource handler that runs an ECS task to completion. Two Lambda functions share this
 * code: with HANDLER_MODE=start it is the provider's onEventHandler, which starts the task, and
 * with HANDLER_MODE=check its isCompleteHandler, which waits for the task and reports its result.
 */
export async function handler(event: IsCompleteEvent): Promise<CustomResourceResponse | IsCompleteResponse> {
  return handleOneOffTaskEvent(parseHandlerMode(process.env.HANDLER_MODE), event, { ecs, logs, cloudformation });
}
