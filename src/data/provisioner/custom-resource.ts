import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { logEvent } from './log';

/** Response of an `onEvent` handler of the aws-cdk-lib custom resource provider framework. */
export interface CustomResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/**
 * Returns the string property `name` of a custom resource, or throws a message naming the
 * resource type and the property.
 */
export function requireStringProperty(properties: Record<string, unknown>, name: string, resourceType: string): string {
  const value = properties[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${resourceType}: property ${name} is missing or empty; the construct must set it.`);
  }
  return value;
}

/**
 * Returns the physical id to report: `createId` for Create, and the existing id for Update and
 * Delete. A changed id would make CloudFormation treat the update as a replacement and send a
 * Delete for the old id.
 */
export function physicalResourceId(event: CloudFormationCustomResourceEvent, createId: string): string {
  return event.RequestType === 'Create' ? createId : event.PhysicalResourceId;
}

/** Logs the request type and ids of an event, never its properties. */
export function logRequest(resourceType: string, event: CloudFormationCustomResourceEvent): void {
  logEvent('INFO', 'request.received', {
    resourceType,
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
    stackId: event.StackId,
  });
}
