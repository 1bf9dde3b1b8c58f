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

// src/compute/one-off-task.lambda.ts
var one_off_task_lambda_exports = {};
__export(one_off_task_lambda_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(one_off_task_lambda_exports);
var import_client_cloudformation = require("@aws-sdk/client-cloudformation");
var import_client_cloudwatch_logs = require("@aws-sdk/client-cloudwatch-logs");
var import_client_ecs = require("@aws-sdk/client-ecs");

// src/data/provisioner/scram.ts
function redactScramVerifiers(text) {
  return text.replace(/SCRAM-SHA-256\$[A-Za-z0-9+/=:$]*/g, "SCRAM-SHA-256$<redacted>");
}

// src/data/provisioner/errors.ts
function describeError(error) {
  let text;
  if (error instanceof Error) {
    const name = error.name && error.name !== "Error" ? `${error.name}: ` : "";
    text = `${name}${error.message}`;
  } else {
    text = String(error);
  }
  return redactScramVerifiers(text).trim().replace(/\.+$/, "");
}

// src/compute/task-runner/ecs-task.ts
var STARTED_BY = "cdk-postiz";
var MAX_CLIENT_TOKEN_LENGTH = 64;
function buildRunTaskInput(properties, clientToken) {
  const placement = properties.capacityProviderStrategy ? { capacityProviderStrategy: properties.capacityProviderStrategy.map((entry) => ({ ...entry })) } : { launchType: "FARGATE" };
  return {
    cluster: properties.cluster,
    taskDefinition: properties.taskDefinition,
    count: 1,
    startedBy: STARTED_BY,
    enableExecuteCommand: false,
    propagateTags: "TASK_DEFINITION",
    ...placement,
    ...properties.platformVersion ? { platformVersion: properties.platformVersion } : {},
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...properties.subnets],
        securityGroups: [...properties.securityGroups],
        assignPublicIp: properties.assignPublicIp
      }
    },
    ...clientToken && isValidClientToken(clientToken) ? { clientToken } : {}
  };
}
async function runTask(ecs2, properties, clientToken) {
  const target = `task definition ${properties.taskDefinition} on cluster ${properties.cluster}`;
  let output;
  try {
    output = await ecs2.runTask(buildRunTaskInput(properties, clientToken));
  } catch (error) {
    throw new Error(
      `${properties.description}: RunTask for ${target} failed: ${describeError(error)}. Check that the cluster and the task definition exist and that the handler role may call ecs:RunTask and iam:PassRole on the task roles.`
    );
  }
  const failures = output.failures ?? [];
  if (failures.length > 0) {
    throw new Error(
      `${properties.description}: ECS could not start ${target}: ${failures.map(formatFailure).join("; ")}. Check the capacity provider, subnets and security groups, then retry the deployment.`
    );
  }
  const taskArn = output.tasks?.[0]?.taskArn;
  if (!taskArn) {
    throw new Error(`${properties.description}: RunTask for ${target} returned no task and no failure; retry the deployment.`);
  }
  return taskArn;
}
async function describeTask(ecs2, cluster, taskArn, description) {
  let output;
  try {
    output = await ecs2.describeTasks({ cluster, tasks: [taskArn] });
  } catch (error) {
    throw new Error(
      `${description}: DescribeTasks for task ${taskArn} on cluster ${cluster} failed: ${describeError(error)}. Check that the handler role may call ecs:DescribeTasks.`
    );
  }
  const task = output.tasks?.find((candidate) => candidate.taskArn === taskArn);
  if (!task) {
    const failures = output.failures ?? [];
    const reason = failures.length > 0 ? failures.map(formatFailure).join("; ") : "no task and no failure returned";
    throw new Error(
      `${description}: task ${taskArn} was not found in cluster ${cluster} (${reason}), so its result is unknown. Retry the deployment to run the task again.`
    );
  }
  return task;
}
function parseArn(arn) {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts[1] === "" || parts[3] === "") {
    return void 0;
  }
  return { partition: parts[1], region: parts[3], resource: parts.slice(5).join(":") };
}
function taskIdFromArn(taskArn) {
  return taskArn.slice(taskArn.lastIndexOf("/") + 1);
}
function clusterNameFromArn(cluster) {
  const resource = parseArn(cluster)?.resource;
  return resource?.startsWith("cluster/") ? resource.slice("cluster/".length) : cluster;
}
function formatFailure(failure) {
  const reason = failure.reason ?? "unknown reason";
  const detail = failure.detail ? ` (${failure.detail})` : "";
  const arn = failure.arn ? ` for ${failure.arn}` : "";
  return `${reason}${detail}${arn}`;
}
function isValidClientToken(token) {
  return token.length <= MAX_CLIENT_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(token);
}

// src/compute/task-runner/failure-report.ts
var MAX_MESSAGE_BYTES = 2500;
function evaluateStoppedTask(task, containerName, description) {
  const containers = task.containers ?? [];
  const container = containers.find((candidate) => candidate.name === containerName);
  if (!container) {
    const names = containers.map((candidate) => `"${candidate.name}"`).join(", ") || "none";
    return {
      succeeded: false,
      summary: `${description} failed: the task has no container named "${containerName}" (its containers: ${names}). Set ContainerName to the container that runs the command.`
    };
  }
  if (container.exitCode === 0) {
    return { succeeded: true, container, summary: "" };
  }
  if (container.exitCode !== void 0) {
    return {
      succeeded: false,
      container,
      summary: `${description} failed: container "${containerName}" exited with code ${container.exitCode}.`
    };
  }
  if (task.stopCode === "TaskFailedToStart") {
    return {
      succeeded: false,
      container,
      summary: `${description} failed: the task failed to start, so container "${containerName}" never ran.`
    };
  }
  return {
    succeeded: false,
    container,
    summary: `${description} failed: the task stopped before container "${containerName}" reported an exit code.`
  };
}
function describeTaskState(task, container, logGroup, logStream, consoleUrl) {
  const lines = [
    `Task: ${task.taskArn}`,
    `Stopped reason: ${task.stoppedReason || "none"} (stop code ${task.stopCode ?? "none"}).`
  ];
  if (container) {
    lines.push(
      `Container "${container.name}": exit code ${container.exitCode ?? "none"}, reason: ${container.reason || "none"}.`
    );
  }
  lines.push(...describeLogLocation(logGroup, logStream, consoleUrl));
  const hint = hintForReason(`${task.stoppedReason ?? ""} ${container?.reason ?? ""}`);
  if (hint) {
    lines.push(hint);
  }
  return lines;
}
function describeLogLocation(logGroup, logStream, consoleUrl) {
  const lines = [`Log group: ${logGroup}, stream: ${logStream}`];
  if (consoleUrl) {
    lines.push(`Console: ${consoleUrl}`);
  }
  return lines;
}
function formatFailureMessage(report) {
  const head = [report.summary, ...report.details].join("\n");
  if (report.logTail.unavailableReason !== void 0) {
    return truncateToBudget(`${head}
Log tail unavailable: ${report.logTail.unavailableReason}.`);
  }
  if (report.logTail.lines.length === 0) {
    return truncateToBudget(`${head}
The log stream has no lines.`);
  }
  const lines = report.logTail.lines;
  for (let first = 0; first < lines.length; first++) {
    const keptLines = lines.slice(first);
    const title = first === 0 ? `Last ${keptLines.length} log lines:` : `Last ${keptLines.length} log lines (older lines left out to fit CloudFormation's 4096-byte response limit):`;
    const message = [head, title, ...keptLines.map((line) => `  ${line}`)].join("\n");
    if (jsonByteLength(message) <= MAX_MESSAGE_BYTES) {
      return message;
    }
  }
  return truncateToBudget(`${head}
Log lines left out to fit CloudFormation's 4096-byte response limit.`);
}
function createTaskFailureError(message) {
  const error = new Error(message);
  error.stack = `Error: ${message.split("\n", 1)[0]}`;
  return error;
}
function jsonByteLength(text) {
  return Buffer.byteLength(JSON.stringify(text), "utf8");
}
function truncateToBudget(message) {
  if (jsonByteLength(message) <= MAX_MESSAGE_BYTES) {
    return message;
  }
  let fits = 0;
  let tooLong = message.length;
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (jsonByteLength(`${message.slice(0, middle)}\u2026`) <= MAX_MESSAGE_BYTES) {
      fits = middle;
    } else {
      tooLong = middle;
    }
  }
  return `${message.slice(0, fits)}\u2026`;
}
function hintForReason(reason) {
  if (reason.includes("CannotPullContainerError")) {
    return "Hint: ECS could not pull the image. Check the image name and tag, the task execution role, and that the subnets reach the registry through a NAT gateway or VPC endpoints.";
  }
  if (reason.includes("ResourceInitializationError")) {
    return "Hint: ECS could not prepare the task, often because it could not read a secret or reach Secrets Manager or ECR. Check the task execution role and the routes of the subnets.";
  }
  return void 0;
}

// src/compute/task-runner/log-tail.ts
var LOG_TAIL_EVENTS = 20;
var MAX_LOG_LINE_LENGTH = 300;
function logStreamName(streamPrefix, containerName, taskArn) {
  return `${streamPrefix}/${containerName}/${taskIdFromArn(taskArn)}`;
}
function encodeConsoleFragmentName(name) {
  return encodeURIComponent(encodeURIComponent(name)).replace(/%/g, "$");
}
function logStreamConsoleUrl(taskArn, logGroup, logStream) {
  const arn = parseArn(taskArn);
  if (!arn) {
    return void 0;
  }
  const host = consoleHost(arn.partition, arn.region);
  const fragment = `logsV2:log-groups/log-group/${encodeConsoleFragmentName(logGroup)}/log-events/${encodeConsoleFragmentName(logStream)}`;
  return `https://${host}/cloudwatch/home?region=${arn.region}#${fragment}`;
}
async function fetchLogTail(logs2, logGroup, logStream, limit = LOG_TAIL_EVENTS) {
  let output;
  try {
    output = await logs2.getLogEvents({ logGroupName: logGroup, logStreamName: logStream, startFromHead: false, limit });
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") {
      return {
        lines: [],
        unavailableReason: "the log stream does not exist, so the container probably never started"
      };
    }
    return {
      lines: [],
      unavailableReason: `reading the log failed (${describeError(error)}); check that the handler role may call logs:GetLogEvents on the log group`
    };
  }
  const lines = (output.events ?? []).flatMap((event) => (event.message ?? "").split(/\r?\n/)).map(cleanLogLine).filter((line) => line.length > 0);
  return { lines };
}
function cleanLogLine(line) {
  const text = line.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").replace(/\t/g, "  ").trimEnd();
  return text.length > MAX_LOG_LINE_LENGTH ? `${text.slice(0, MAX_LOG_LINE_LENGTH - 1)}\u2026` : text;
}
function consoleHost(partition, region) {
  switch (partition) {
    case "aws-cn":
      return `${region}.console.amazonaws.cn`;
    case "aws-us-gov":
      return `${region}.console.amazonaws-us-gov.com`;
    default:
      return `${region}.console.aws.amazon.com`;
  }
}

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
function physicalResourceId(event, createId) {
  return event.RequestType === "Create" ? createId : event.PhysicalResourceId;
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

// src/compute/task-runner/properties.ts
var RESOURCE_TYPE = "Custom::PostizOneOffTask";
var DEFAULT_TIMEOUT_SECONDS = 1200;
var MAX_TIMEOUT_SECONDS = 3600;
function parseOneOffTaskProperties(properties) {
  const capacityProviderStrategy = parseCapacityProviderStrategy(properties.CapacityProviderStrategy);
  const platformVersion = optionalString(properties, "PlatformVersion");
  return {
    cluster: requireStringProperty(properties, "Cluster", RESOURCE_TYPE),
    taskDefinition: requireStringProperty(properties, "TaskDefinition", RESOURCE_TYPE),
    containerName: requireStringProperty(properties, "ContainerName", RESOURCE_TYPE),
    subnets: requireStringList(properties, "Subnets", "subnet IDs"),
    securityGroups: requireStringList(properties, "SecurityGroups", "security group IDs"),
    assignPublicIp: parseAssignPublicIp(properties.AssignPublicIp),
    ...capacityProviderStrategy ? { capacityProviderStrategy } : {},
    ...platformVersion ? { platformVersion } : {},
    logGroup: requireStringProperty(properties, "LogGroup", RESOURCE_TYPE),
    logStreamPrefix: requireStringProperty(properties, "LogStreamPrefix", RESOURCE_TYPE),
    description: requireStringProperty(properties, "Description", RESOURCE_TYPE),
    timeoutSeconds: parseTimeoutSeconds(properties.TimeoutSeconds)
  };
}
function parseTimeoutSeconds(value) {
  if (value === void 0 || value === "") {
    return DEFAULT_TIMEOUT_SECONDS;
  }
  const seconds = parseWholeNumber(value);
  if (seconds === void 0 || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new Error(
      `${RESOURCE_TYPE}: property TimeoutSeconds is ${JSON.stringify(value)}; set it to a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}.`
    );
  }
  return seconds;
}
function parseAssignPublicIp(value) {
  if (value === void 0 || value === "") {
    return "DISABLED";
  }
  if (value !== "ENABLED" && value !== "DISABLED") {
    throw new Error(`${RESOURCE_TYPE}: property AssignPublicIp is ${JSON.stringify(value)}; set it to ENABLED or DISABLED.`);
  }
  return value;
}
function parseCapacityProviderStrategy(value) {
  if (value === void 0 || value === "" || Array.isArray(value) && value.length === 0) {
    return void 0;
  }
  if (!Array.isArray(value)) {
    throw new Error(
      `${RESOURCE_TYPE}: property CapacityProviderStrategy must be a list of { CapacityProvider, Weight?, Base? }.`
    );
  }
  return value.map((entry, index) => {
    const name = `CapacityProviderStrategy[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new Error(`${RESOURCE_TYPE}: ${name} must be an object { CapacityProvider, Weight?, Base? }.`);
    }
    const fields = entry;
    const weight = optionalBoundedNumber(fields.Weight, `${name}.Weight`, 1e3);
    const base = optionalBoundedNumber(fields.Base, `${name}.Base`, 1e5);
    return {
      capacityProvider: requireStringProperty(fields, "CapacityProvider", `${RESOURCE_TYPE} ${name}`),
      ...weight === void 0 ? {} : { weight },
      ...base === void 0 ? {} : { base }
    };
  });
}
function requireStringList(properties, name, itemKind) {
  const value = properties[name];
  const valid = Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string" && item.length > 0);
  if (!valid) {
    throw new Error(`${RESOURCE_TYPE}: property ${name} must be a non-empty list of ${itemKind}; the construct must set it.`);
  }
  return [...value];
}
function optionalString(properties, name) {
  const value = properties[name];
  if (value === void 0 || value === "") {
    return void 0;
  }
  if (typeof value !== "string") {
    throw new Error(`${RESOURCE_TYPE}: property ${name} must be a string.`);
  }
  return value;
}
function optionalBoundedNumber(value, name, max) {
  if (value === void 0 || value === "") {
    return void 0;
  }
  const parsed = parseWholeNumber(value);
  if (parsed === void 0 || parsed > max) {
    throw new Error(`${RESOURCE_TYPE}: ${name} is ${JSON.stringify(value)}; set it to a whole number from 0 to ${max}.`);
  }
  return parsed;
}
function parseWholeNumber(value) {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0 ? value : void 0;
  }
  if (typeof value === "string" && /^\d{1,9}$/.test(value.trim())) {
    return Number(value.trim());
  }
  return void 0;
}

// src/compute/task-runner/stack-status.ts
var STACK_UPDATE_STATUS = "UPDATE_IN_PROGRESS";
var UPDATE_ROLLBACK_STATUS = "UPDATE_ROLLBACK_IN_PROGRESS";
async function describeStackStatus(cloudformation2, stackId, logicalResourceId) {
  let output;
  try {
    output = await cloudformation2.describeStacks({ StackName: stackId });
  } catch (error) {
    throw new Error(
      `${RESOURCE_TYPE} ${logicalResourceId}: DescribeStacks for stack ${stackId} failed: ${describeError(error)}. ${UNKNOWN_STATUS_CONSEQUENCE} Check that the start handler's role may call cloudformation:DescribeStacks on the stack, then retry the deployment. ${rollbackRecoveryHint(stackId, logicalResourceId)}`
    );
  }
  const status = output.Stacks?.[0]?.StackStatus;
  if (!status) {
    throw new Error(
      `${RESOURCE_TYPE} ${logicalResourceId}: DescribeStacks for stack ${stackId} returned no stack status. ${UNKNOWN_STATUS_CONSEQUENCE} Retry the deployment. ${rollbackRecoveryHint(stackId, logicalResourceId)}`
    );
  }
  return status;
}
function chooseUpdateAction(stackStatus, stackId, logicalResourceId) {
  if (stackStatus === STACK_UPDATE_STATUS) {
    return "run";
  }
  if (stackStatus === UPDATE_ROLLBACK_STATUS) {
    return "skip";
  }
  throw new Error(
    `${RESOURCE_TYPE} ${logicalResourceId}: received an Update while stack ${stackId} is in ${stackStatus}. The task runs only in ${STACK_UPDATE_STATUS} and is skipped in ${UPDATE_ROLLBACK_STATUS}, so it did not run. Retry the deployment after the stack reaches a *_COMPLETE status. ${rollbackRecoveryHint(stackId, logicalResourceId)}`
  );
}
var UNKNOWN_STATUS_CONSEQUENCE = "Without the stack status the start step cannot tell a rollback, in which it skips the task, from a stack update, so it did not run the task.";
function rollbackRecoveryHint(stackId, logicalResourceId) {
  return `If this failure leaves the stack in UPDATE_ROLLBACK_FAILED, finish the rollback without this resource: aws cloudformation continue-update-rollback --stack-name ${stackId} --resources-to-skip ${logicalResourceId} (for a nested stack, run it on the parent stack with --resources-to-skip <NestedStackLogicalId>.${logicalResourceId}).`;
}

// src/compute/task-runner/one-off-task.ts
var MAX_STOP_REASON_LENGTH = 255;
var SKIP_REASON_KEY = "SkipReason";
var ROLLBACK_SKIP_REASON = "StackRollback";
function parseHandlerMode(value) {
  if (value !== "start" && value !== "check") {
    throw new Error(
      `${RESOURCE_TYPE}: environment variable HANDLER_MODE is ${JSON.stringify(value ?? null)}; set it to "start" for the provider's onEventHandler or "check" for its isCompleteHandler.`
    );
  }
  return value;
}
async function handleOneOffTaskEvent(mode, event, dependencies) {
  try {
    return mode === "start" ? await startOneOffTask(event, dependencies) : await checkOneOffTask(event, dependencies);
  } catch (error) {
    logEvent("ERROR", "request.failed", {
      resourceType: RESOURCE_TYPE,
      mode,
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      error: describeError(error).split("\n", 1)[0]
    });
    throw error;
  }
}
async function startOneOffTask(event, dependencies) {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === "Delete") {
    logEvent("INFO", "request.delete_skipped", {
      resourceType: RESOURCE_TYPE,
      physicalResourceId: event.PhysicalResourceId,
      reason: "a one-off task leaves nothing to delete"
    });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  if (event.RequestType === "Update") {
    const stackStatus = await describeStackStatus(dependencies.cloudformation, event.StackId, event.LogicalResourceId);
    if (chooseUpdateAction(stackStatus, event.StackId, event.LogicalResourceId) === "skip") {
      return skipTaskDuringRollback(event, stackStatus);
    }
  }
  const properties = parseOneOffTaskProperties(event.ResourceProperties);
  const taskArn = await runTask(dependencies.ecs, properties, event.RequestId);
  logEvent("INFO", "task.started", {
    resourceType: RESOURCE_TYPE,
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    cluster: properties.cluster,
    taskDefinition: properties.taskDefinition,
    containerName: properties.containerName,
    startedBy: STARTED_BY,
    taskArn
  });
  const createId = `${clusterNameFromArn(properties.cluster)}/${properties.containerName}/${event.LogicalResourceId}`;
  return {
    PhysicalResourceId: physicalResourceId(event, createId),
    Data: { TaskArn: taskArn }
  };
}
function skipTaskDuringRollback(event, stackStatus) {
  const taskDefinition = event.ResourceProperties.TaskDefinition;
  logEvent("WARN", "task.skipped_during_rollback", {
    resourceType: RESOURCE_TYPE,
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: event.PhysicalResourceId,
    stackId: event.StackId,
    stackStatus,
    taskDefinition: typeof taskDefinition === "string" ? taskDefinition : void 0,
    reason: "the stack is rolling back, so the task for the previous properties is not run again"
  });
  return {
    PhysicalResourceId: event.PhysicalResourceId,
    Data: { [SKIP_REASON_KEY]: ROLLBACK_SKIP_REASON }
  };
}
async function checkOneOffTask(event, dependencies) {
  if (event.RequestType === "Delete") {
    logEvent("INFO", "task.check_skipped", {
      resourceType: RESOURCE_TYPE,
      requestType: event.RequestType,
      physicalResourceId: event.PhysicalResourceId
    });
    return { IsComplete: true };
  }
  if (event.RequestType === "Update" && event.Data?.[SKIP_REASON_KEY] === ROLLBACK_SKIP_REASON) {
    logEvent("INFO", "task.check_skipped", {
      resourceType: RESOURCE_TYPE,
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      physicalResourceId: event.PhysicalResourceId,
      reason: "the start step ran no task because the stack is rolling back"
    });
    return { IsComplete: true };
  }
  const properties = parseOneOffTaskProperties(event.ResourceProperties);
  const taskArn = requireTaskArn(event);
  const task = await describeTask(dependencies.ecs, properties.cluster, taskArn, properties.description);
  if (task.lastStatus !== "STOPPED") {
    const now = dependencies.now?.() ?? /* @__PURE__ */ new Date();
    const elapsedSeconds = secondsSinceCreated(task, now);
    if (elapsedSeconds !== void 0 && elapsedSeconds > properties.timeoutSeconds) {
      return failTimedOutTask(task, taskArn, elapsedSeconds, properties, dependencies);
    }
    logEvent("INFO", "task.polled", {
      resourceType: RESOURCE_TYPE,
      logicalResourceId: event.LogicalResourceId,
      taskArn,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      elapsedSeconds
    });
    return { IsComplete: false };
  }
  const outcome = evaluateStoppedTask(task, properties.containerName, properties.description);
  if (outcome.succeeded) {
    logEvent("INFO", "task.succeeded", {
      resourceType: RESOURCE_TYPE,
      logicalResourceId: event.LogicalResourceId,
      taskArn,
      containerName: properties.containerName,
      exitCode: 0
    });
    return { IsComplete: true };
  }
  const logStream = logStreamName(properties.logStreamPrefix, properties.containerName, taskArn);
  const logTail = await fetchLogTail(dependencies.logs, properties.logGroup, logStream);
  logEvent("ERROR", "task.failed", {
    resourceType: RESOURCE_TYPE,
    logicalResourceId: event.LogicalResourceId,
    taskArn,
    containerName: properties.containerName,
    exitCode: outcome.container?.exitCode,
    stopCode: task.stopCode,
    logGroup: properties.logGroup,
    logStream,
    logTailLines: logTail.lines.length
  });
  const consoleUrl = logStreamConsoleUrl(taskArn, properties.logGroup, logStream);
  throw createTaskFailureError(formatFailureMessage({
    summary: outcome.summary,
    details: describeTaskState(task, outcome.container, properties.logGroup, logStream, consoleUrl),
    logTail
  }));
}
async function failTimedOutTask(task, taskArn, elapsedSeconds, properties, dependencies) {
  const reason = `${properties.description} ran longer than TimeoutSeconds (${properties.timeoutSeconds} s); stopped by ${STARTED_BY}.`.slice(0, MAX_STOP_REASON_LENGTH);
  let stopLine;
  try {
    await dependencies.ecs.stopTask({ cluster: properties.cluster, task: taskArn, reason });
    stopLine = `The task was stopped with reason "${reason}".`;
    logEvent("WARN", "task.stopped", { resourceType: RESOURCE_TYPE, taskArn, elapsedSeconds, timeoutSeconds: properties.timeoutSeconds });
  } catch (error) {
    stopLine = `Stopping the task failed (${describeError(error)}); stop it with "aws ecs stop-task --cluster ${properties.cluster} --task ${taskArn}".`;
    logEvent("ERROR", "task.stop_failed", { resourceType: RESOURCE_TYPE, taskArn, error: describeError(error) });
  }
  const logStream = logStreamName(properties.logStreamPrefix, properties.containerName, taskArn);
  const logTail = await fetchLogTail(dependencies.logs, properties.logGroup, logStream);
  const consoleUrl = logStreamConsoleUrl(taskArn, properties.logGroup, logStream);
  throw createTaskFailureError(formatFailureMessage({
    summary: `${properties.description} timed out: the task ran for ${elapsedSeconds} seconds, longer than TimeoutSeconds (${properties.timeoutSeconds}). Raise TimeoutSeconds if the work needs more time, or read the log to see where it stalled.`,
    details: [
      `Task: ${taskArn} (last status ${task.lastStatus ?? "unknown"})`,
      stopLine,
      ...describeLogLocation(properties.logGroup, logStream, consoleUrl)
    ],
    logTail
  }));
}
function requireTaskArn(event) {
  const taskArn = event.Data?.TaskArn;
  if (typeof taskArn !== "string" || taskArn.length === 0) {
    throw new Error(
      `${RESOURCE_TYPE}: the isComplete event has no Data.TaskArn. The start step returns it, so check that the provider's onEventHandler runs this code with HANDLER_MODE=start.`
    );
  }
  return taskArn;
}
function secondsSinceCreated(task, now) {
  if (!task.createdAt) {
    return void 0;
  }
  return Math.floor((now.getTime() - new Date(task.createdAt).getTime()) / 1e3);
}

// src/compute/one-off-task.lambda.ts
var ecs = new import_client_ecs.ECS({});
var logs = new import_client_cloudwatch_logs.CloudWatchLogs({});
var cloudformation = new import_client_cloudformation.CloudFormation({});
async function handler(event) {
  return handleOneOffTaskEvent(parseHandlerMode(process.env.HANDLER_MODE), event, { ecs, logs, cloudformation });
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
