import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceResponse, logRequest, requireStringProperty } from '../../data/provisioner/custom-resource';
import { logEvent } from '../../data/provisioner/log';

/** The part of the EC2 client this handler uses, so tests can pass a stub. */
export interface Ec2Api {
  describeSecurityGroups(input: {
    Filters: { Name: string; Values: string[] }[];
  }): Promise<{ SecurityGroups?: { GroupId?: string }[] }>;
}

/** Options of the lookup; tests shorten the wait. */
export interface LookupOptions {
  readonly attempts?: number;
  readonly delayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const RESOURCE_TYPE = 'Custom::PostizVpcOriginSecurityGroup';

/** Name of the security group CloudFront creates in a VPC for its VPC origins. */
export const VPC_ORIGIN_GROUP_NAME = 'CloudFront-VPCOrigins-Service-SG';

/**
 * Finds the security group that CloudFront creates in the VPC for its VPC origins, so the
 * load balancer can accept traffic from it alone. The group appears shortly after the
 * first VPC origin of the VPC, so the lookup retries for a few minutes.
 */
export async function handleVpcOriginSecurityGroupEvent(
  event: CloudFormationCustomResourceEvent,
  ec2: Ec2Api,
  options: LookupOptions = {},
): Promise<CustomResourceResponse> {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const vpcId = requireStringProperty(event.ResourceProperties, 'VpcId', RESOURCE_TYPE);
  const attempts = options.attempts ?? 30;
  const delayMs = options.delayMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  for (let attempt = 1; attempt <= attempts; attempt++) {
    const output = await ec2.describeSecurityGroups({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [VPC_ORIGIN_GROUP_NAME] },
      ],
    });
    const groupIds = (output.SecurityGroups ?? []).map((group) => group.GroupId).filter((id): id is string => !!id);
    if (groupIds.length === 1) {
      logEvent('INFO', 'vpc_origin_group.found', { vpcId, groupId: groupIds[0], attempt });
      return { PhysicalResourceId: groupIds[0], Data: { GroupId: groupIds[0] } };
    }
    if (groupIds.length > 1) {
      throw new Error(`${RESOURCE_TYPE}: VPC ${vpcId} has ${groupIds.length} groups named ${VPC_ORIGIN_GROUP_NAME} (${groupIds.join(', ')}); expected one. Remove the extra groups.`);
    }
    logEvent('INFO', 'vpc_origin_group.waiting', { vpcId, attempt });
    await sleep(delayMs);
  }
  throw new Error(
    `${RESOURCE_TYPE}: security group ${VPC_ORIGIN_GROUP_NAME} not found in VPC ${vpcId} after ${attempts} attempts. ` +
    'CloudFront creates it with the first VPC origin of the VPC; check that the distribution\'s VPC origin deployed.',
  );
}
