"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/edge/vpc-origin-security-group.lambda.ts
var vpc_origin_security_group_lambda_exports = {};
__export(vpc_origin_security_group_lambda_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(vpc_origin_security_group_lambda_exports);
var import_client_ec2 = require("@aws-sdk/client-ec2");

// src/data/provisioner/log.ts
function logEvent(level, event, fields = {}) {
  console.log(JSON.stringify({ level, event, ...fields }));
}

// src/data/provisioner/custom-resource.ts
function requireStringProperty(properties, name, resourceType) {
  const value = properties[name];
  if (typeof value !== "string" || value.length === 0) {
    throw new Error(`${resourceType}: property ${name} is missing or empty; the construct must set it.`);
  }
  return value;
}
function logRequest(resourceType, event) {
  logEvent("INFO", "request.received", {
    resourceType,
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: event.RequestType === "Create" ? void 0 : event.PhysicalResourceId,
    stackId: event.StackId
  });
}

// src/edge/vpc-origin/find-security-group.ts
var RESOURCE_TYPE = "Custom::PostizVpcOriginSecurityGroup";
var VPC_ORIGIN_GROUP_NAME = "CloudFront-VPCOrigins-Service-SG";
async function handleVpcOriginSecurityGroupEvent(event, ec22, options = {}) {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === "Delete") {
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const vpcId = requireStringProperty(event.ResourceProperties, "VpcId", RESOURCE_TYPE);
  const attempts = options.attempts ?? 30;
  const delayMs = options.delayMs ?? 1e4;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const output = await ec22.describeSecurityGroups({
      Filters: [
        { Name: "vpc-id", Values: [vpcId] },
        { Name: "group-name", Values: [VPC_ORIGIN_GROUP_NAME] }
      ]
    });
    const groupIds = (output.SecurityGroups ?? []).map((group) => group.GroupId).filter((id) => !!id);
    if (groupIds.length === 1) {
      logEvent("INFO", "vpc_origin_group.found", { vpcId, groupId: groupIds[0], attempt });
      return { PhysicalResourceId: groupIds[0], Data: { GroupId: groupIds[0] } };
    }
    if (groupIds.length > 1) {
      throw new Error(`${RESOURCE_TYPE}: VPC ${vpcId} has ${groupIds.length} groups named ${VPC_ORIGIN_GROUP_NAME} (${groupIds.join(", ")}); expected one. Remove the extra groups.`);
    }
    logEvent("INFO", "vpc_origin_group.waiting", { vpcId, attempt });
    await sleep(delayMs);
  }
  throw new Error(
    `${RESOURCE_TYPE}: security group ${VPC_ORIGIN_GROUP_NAME} not found in VPC ${vpcId} after ${attempts} attempts. CloudFront creates it with the first VPC origin of the VPC; check that the distribution's VPC origin deployed.`
  );
}

// src/edge/vpc-origin-security-group.lambda.ts
var ec2 = new import_client_ec2.EC2({});
async function handler(event) {
  return handleVpcOriginSecurityGroupEvent(event, ec2);
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
