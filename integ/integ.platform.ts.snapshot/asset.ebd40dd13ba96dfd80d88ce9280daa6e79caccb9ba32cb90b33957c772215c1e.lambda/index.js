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

// src/data/connection-url.lambda.ts
var connection_url_lambda_exports = {};
__export(connection_url_lambda_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(connection_url_lambda_exports);
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");

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

// src/data/provisioner/secrets.ts
async function readSecretJson(client, secretArn) {
  let output;
  try {
    output = await client.getSecretValue({ SecretId: secretArn });
  } catch (error) {
    throw new Error(
      `Reading secret ${secretArn} failed: ${describeError(error)}. Check that the secret exists and that the handler role may call secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).`
    );
  }
  if (output.SecretString === void 0) {
    throw new Error(`Secret ${secretArn} has no SecretString; store the value as a JSON object string.`);
  }
  let value;
  try {
    value = JSON.parse(output.SecretString);
  } catch {
    throw new Error(`Secret ${secretArn} is not valid JSON; store the value as a JSON object string.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`Secret ${secretArn} is not a JSON object; store the value as a JSON object string.`);
  }
  return value;
}
function requireSecretField(secret, field, secretArn) {
  const value = secret[field];
  if (typeof value !== "string" || value.length === 0) {
    const found = value === void 0 ? "is missing" : "is not a non-empty string";
    throw new Error(
      `Field "${field}" of secret ${secretArn} ${found}. The secret must be a JSON object with a non-empty string "${field}".`
    );
  }
  return value;
}
async function writeSecretJson(client, secretArn, value) {
  try {
    await client.putSecretValue({ SecretId: secretArn, SecretString: JSON.stringify(value) });
  } catch (error) {
    throw new Error(
      `Writing secret ${secretArn} failed: ${describeError(error)}. Check that the handler role may call secretsmanager:PutSecretValue on it and may use its KMS key for encryption.`
    );
  }
}

// src/data/provisioner/connection-url.ts
var RESOURCE_TYPE = "Custom::PostizConnectionUrl";
var DEFAULT_URL_FIELD = "url";
function parseConnectionUrlProperties(properties) {
  const secretArn = requireStringProperty(properties, "SecretArn", RESOURCE_TYPE);
  const passwordField = requireStringProperty(properties, "PasswordField", RESOURCE_TYPE);
  const urlPrefix = requireStringProperty(properties, "UrlPrefix", RESOURCE_TYPE);
  const urlSuffix = properties.UrlSuffix ?? "";
  if (typeof urlSuffix !== "string") {
    throw new Error(`${RESOURCE_TYPE}: property UrlSuffix must be a string.`);
  }
  const urlField = properties.UrlField === void 0 || properties.UrlField === "" ? DEFAULT_URL_FIELD : requireStringProperty(properties, "UrlField", RESOURCE_TYPE);
  if (urlField === passwordField) {
    throw new Error(
      `${RESOURCE_TYPE}: UrlField and PasswordField are both "${urlField}", so the URL would overwrite the password. Use another UrlField.`
    );
  }
  return { secretArn, passwordField, urlPrefix, urlSuffix, urlField };
}
function buildConnectionUrl(password, urlPrefix, urlSuffix) {
  return `${urlPrefix}${encodeURIComponent(password)}${urlSuffix}`;
}
function applyConnectionUrl(secret, properties) {
  const password = requireSecretField(secret, properties.passwordField, properties.secretArn);
  const url = buildConnectionUrl(password, properties.urlPrefix, properties.urlSuffix);
  return {
    secret: { ...secret, [properties.urlField]: url },
    changed: secret[properties.urlField] !== url
  };
}
async function handleConnectionUrlEvent(event, dependencies) {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === "Delete") {
    logEvent("INFO", "request.delete_skipped", {
      resourceType: RESOURCE_TYPE,
      reason: "the secret belongs to its own resource, which decides its removal"
    });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const properties = parseConnectionUrlProperties(event.ResourceProperties);
  const current = await readSecretJson(dependencies.secretsManager, properties.secretArn);
  const update = applyConnectionUrl(current, properties);
  if (update.changed) {
    await writeSecretJson(dependencies.secretsManager, properties.secretArn, update.secret);
  }
  logEvent("INFO", update.changed ? "secret.url_written" : "secret.url_unchanged", {
    resourceType: RESOURCE_TYPE,
    secretArn: properties.secretArn,
    urlField: properties.urlField
  });
  return {
    PhysicalResourceId: physicalResourceId(event, `${properties.secretArn}/${properties.urlField}`),
    Data: { UrlField: properties.urlField }
  };
}

// src/data/connection-url.lambda.ts
var secretsManager = new import_client_secrets_manager.SecretsManager({});
async function handler(event) {
  return handleConnectionUrlEvent(event, { secretsManager });
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
