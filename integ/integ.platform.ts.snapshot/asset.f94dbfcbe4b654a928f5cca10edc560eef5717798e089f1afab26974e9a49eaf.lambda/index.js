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

// src/sso/secret-redeploy.lambda.ts
var secret_redeploy_lambda_exports = {};
__export(secret_redeploy_lambda_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(secret_redeploy_lambda_exports);
var import_client_ecs = require("@aws-sdk/client-ecs");

// src/sso/redeploy/configuration.ts
var SECRET_SUFFIX = /^[A-Za-z0-9]{6}$/;
function parseServiceList(value) {
  const entries = parseJsonArray("SERVICES", value, '[{"cluster":"<cluster ARN>","service":"<service name>"}]');
  return entries.map((entry, index) => {
    const cluster = stringField(entry, "cluster");
    const service = stringField(entry, "service");
    if (!cluster || !service) {
      throw new Error(
        `Environment variable SERVICES entry ${index} is ${JSON.stringify(entry)}; each entry needs non-empty string fields "cluster" and "service". Redeploy the stack to restore the generated value.`
      );
    }
    return { cluster, service };
  });
}
function parseSecretList(value) {
  const entries = parseJsonArray("SECRETS", value, '[{"arn":"<secret ARN>"}] or [{"arnPrefix":"<ARN without suffix>-"}]');
  return entries.map((entry, index) => {
    const arn = stringField(entry, "arn");
    const arnPrefix = stringField(entry, "arnPrefix");
    if (Boolean(arn) === Boolean(arnPrefix)) {
      throw new Error(
        `Environment variable SECRETS entry ${index} is ${JSON.stringify(entry)}; each entry needs exactly one non-empty string field, "arn" or "arnPrefix". Redeploy the stack to restore the generated value.`
      );
    }
    return arn ? { arn } : { arnPrefix };
  });
}
function findConfiguredSecret(resources, secrets) {
  return resources.find((resource) => secrets.some((secret) => matchesSecret(resource, secret)));
}
function matchesSecret(resource, secret) {
  if (secret.arn !== void 0) {
    return resource === secret.arn;
  }
  const prefix = secret.arnPrefix ?? "";
  return resource.startsWith(prefix) && SECRET_SUFFIX.test(resource.slice(prefix.length));
}
function parseJsonArray(name, value, example) {
  if (value === void 0 || value.trim() === "") {
    throw new Error(`Environment variable ${name} is missing; set it to a JSON array such as ${example}.`);
  }
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new Error(`Environment variable ${name} is not valid JSON (${error.message}); set it to a JSON array such as ${example}.`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`Environment variable ${name} is ${JSON.stringify(parsed)}; set it to a non-empty JSON array such as ${example}.`);
  }
  return parsed;
}
function stringField(entry, field) {
  if (typeof entry !== "object" || entry === null) {
    return void 0;
  }
  const value = entry[field];
  return typeof value === "string" && value !== "" ? value : void 0;
}

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

// src/data/provisioner/log.ts
function logEvent(level, event, fields = {}) {
  console.log(JSON.stringify({ level, event, ...fields }));
}

// src/sso/redeploy/redeploy.ts
var CURRENT_LABEL = "AWSCURRENT";
var THROTTLING_ERROR_NAMES = /* @__PURE__ */ new Set(["ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"]);
function isThrottlingError(error) {
  if (!(error instanceof Error)) {
    return false;
  }
  if (THROTTLING_ERROR_NAMES.has(error.name)) {
    return true;
  }
  const retryable = error.$retryable;
  return retryable?.throttling === true;
}
async function handleSecretChange(event, dependencies) {
  const label = event.detail?.labelUpdated;
  const secretArn = findConfiguredSecret(event.resources ?? [], dependencies.secrets);
  if (label !== CURRENT_LABEL || !secretArn) {
    logEvent("INFO", "event.ignored", {
      eventId: event.id,
      detailType: event["detail-type"],
      labelUpdated: label,
      resources: event.resources ?? [],
      reason: label !== CURRENT_LABEL ? `label is not ${CURRENT_LABEL}` : "no configured secret in resources"
    });
    return [];
  }
  logEvent("INFO", "secret.changed", {
    eventId: event.id,
    secretArn,
    versionId: event.detail.versionId,
    serviceCount: dependencies.services.length
  });
  const results = [];
  const failures = [];
  for (const reference of dependencies.services) {
    try {
      const result = await forceNewDeployment(dependencies.ecs, reference, dependencies.retry ?? {});
      results.push(result);
      logEvent("INFO", "service.redeploy_started", {
        cluster: reference.cluster,
        service: reference.service,
        deploymentId: result.deploymentId,
        attempts: result.attempts,
        secretArn
      });
    } catch (error) {
      const description = describeError(error);
      failures.push(`${reference.service} in ${reference.cluster} (${description})`);
      logEvent("ERROR", "service.redeploy_failed", {
        cluster: reference.cluster,
        service: reference.service,
        secretArn,
        error: description
      });
    }
  }
  if (failures.length > 0) {
    throw new Error(
      `Forcing a new deployment after secret ${secretArn} changed failed for ${failures.length} of ${dependencies.services.length} services: ${failures.join("; ")}. Check that each service exists, uses the ECS deployment controller and that the handler role may call ecs:UpdateService on it, then run \`aws ecs update-service --force-new-deployment\` for the services named here.`
    );
  }
  return results;
}
async function forceNewDeployment(ecs2, reference, retry = {}) {
  const maxAttempts = retry.maxAttempts ?? 5;
  const initialDelayMs = retry.initialDelayMs ?? 1e3;
  const sleep = retry.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      const output = await ecs2.updateService({
        cluster: reference.cluster,
        service: reference.service,
        forceNewDeployment: true
      });
      const primary = output.service?.deployments?.find((deployment) => deployment.status === "PRIMARY");
      return { cluster: reference.cluster, service: reference.service, deploymentId: primary?.id, attempts: attempt };
    } catch (error) {
      if (!isThrottlingError(error) || attempt >= maxAttempts) {
        throw error;
      }
      const delayMs = initialDelayMs * 2 ** (attempt - 1);
      logEvent("WARN", "service.redeploy_throttled", {
        cluster: reference.cluster,
        service: reference.service,
        attempt,
        delayMs,
        errorName: error.name
      });
      await sleep(delayMs);
    }
  }
}

// src/sso/secret-redeploy.lambda.ts
var ecs = new import_client_ecs.ECS({});
async function handler(event) {
  return handleSecretChange(event, {
    ecs,
    services: parseServiceList(process.env.SERVICES),
    secrets: parseSecretList(process.env.SECRETS)
  });
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
