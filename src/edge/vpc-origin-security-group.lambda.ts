import { EC2 } from '@aws-sdk/client-ec2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { handleVpcOriginSecurityGroupEvent } from './vpc-origin/find-security-group';
import { CustomResourceResponse } from '../data/provisioner/custom-resource';

// Created once per Lambda execution environment and reused by warm invocations.
const ec2 = new EC2({});

/**
 * Custom resource handler that returns the id of CloudFront's VPC origin security group.
 * See `handleVpcOriginSecurityGroupEvent`.
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<CustomResourceResponse> {
  return handleVpcOriginSecurityGroupEvent(event, ec2);
}
