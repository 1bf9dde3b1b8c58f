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

// src/data/database-provisioner.lambda.ts
var database_provisioner_lambda_exports = {};
__export(database_provisioner_lambda_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(database_provisioner_lambda_exports);
var import_client_rds_data = require("@aws-sdk/client-rds-data");
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");

// src/data/provisioner/scram.ts
var import_crypto = require("crypto");
var SCRAM_DEFAULT_ITERATIONS = 4096;
var SCRAM_SALT_LENGTH = 16;
function computeScramVerifier(password, options = {}) {
  if (password.length === 0) {
    throw new Error("The password is empty; a database role needs a non-empty password.");
  }
  if (!/^[\x01-\x7f]+$/.test(password)) {
    throw new Error(
      "The password contains NUL or non-ASCII characters. PostgreSQL normalizes non-ASCII passwords with SASLprep, which this verifier does not implement. Use an ASCII password, such as one that Secrets Manager generates."
    );
  }
  const iterations = options.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`Invalid SCRAM iteration count ${iterations}; expected a positive integer.`);
  }
  const salt = options.salt ?? (0, import_crypto.randomBytes)(SCRAM_SALT_LENGTH);
  if (salt.length === 0) {
    throw new Error("The SCRAM salt is empty; pass at least one byte or omit it for a random salt.");
  }
  const saltedPassword = (0, import_crypto.pbkdf2Sync)(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const clientKey = (0, import_crypto.createHmac)("sha256", saltedPassword).update("Client Key").digest();
  const storedKey = (0, import_crypto.createHash)("sha256").update(clientKey).digest();
  const serverKey = (0, import_crypto.createHmac)("sha256", saltedPassword).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
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

// src/data/provisioner/data-api-executor.ts
var RETRYABLE_ERROR_NAMES = /* @__PURE__ */ new Set([
  "DatabaseResumingException",
  "DatabaseUnavailableException",
  "ThrottlingException",
  "TooManyRequestsException",
  "ServiceUnavailableError",
  "InternalServerErrorException"
]);
function isRetryableDataApiError(error) {
  if (!(error instanceof Error)) {
    return false;
  }
  if (RETRYABLE_ERROR_NAMES.has(error.name)) {
    return true;
  }
  const retryable = error.$retryable;
  return retryable !== void 0 && retryable !== null;
}
function createDataApiExecutor(options) {
  const defaultDatabase = options.defaultDatabase ?? "postgres";
  const retry = options.retry ?? {};
  const maxElapsedMs = retry.maxElapsedMs ?? 3e5;
  const initialDelayMs = retry.initialDelayMs ?? 1e3;
  const maxDelayMs = retry.maxDelayMs ?? 2e4;
  const sleep = retry.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const now = retry.now ?? Date.now;
  async function execute(sql, database) {
    const target = database ?? defaultDatabase;
    const input = {
      resourceArn: options.clusterArn,
      secretArn: options.secretArn,
      database: target,
      sql,
      formatRecordsAs: "JSON"
    };
    const startedAt = now();
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await options.rdsData.executeStatement(input);
        return parseRecords(output);
      } catch (error) {
        if (!isRetryableDataApiError(error)) {
          throw error;
        }
        const elapsedMs = now() - startedAt;
        const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
        const errorName = error.name;
        if (elapsedMs + delayMs > maxElapsedMs) {
          logEvent("ERROR", "data_api.retries_exhausted", { database: target, attempt, elapsedMs, errorName });
          throw new Error(
            `RDS Data API call in database "${target}" still failed after ${attempt} attempts over ${Math.round(elapsedMs / 1e3)} s: ${describeError(error)}. Check that cluster ${options.clusterArn} is available (not stopped, not stuck resuming) and deploy again.`
          );
        }
        logEvent("WARN", "data_api.retry", { database: target, attempt, delayMs, errorName });
        await sleep(delayMs);
      }
    }
  }
  return { execute };
}
function parseRecords(output) {
  if (!output.formattedRecords) {
    return [];
  }
  const records = JSON.parse(output.formattedRecords);
  if (!Array.isArray(records)) {
    throw new Error("The RDS Data API returned formattedRecords that is not a JSON array.");
  }
  return records;
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

// src/data/provisioner/postgres.ts
var IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
var RESERVED_DATABASE_NAMES = /* @__PURE__ */ new Set(["postgres", "template0", "template1", "rdsadmin"]);
var ProvisioningError = class extends Error {
  name = "ProvisioningError";
};
function validateIdentifier(name, label) {
  if (!IDENTIFIER_PATTERN.test(name)) {
    throw new Error(
      `Invalid ${label} ${JSON.stringify(name)}: use 1 to 63 characters of lowercase letters, digits and underscores, not starting with a digit.`
    );
  }
}
function validateDatabaseName(name) {
  validateIdentifier(name, "database name");
  if (RESERVED_DATABASE_NAMES.has(name)) {
    throw new Error(
      `Invalid database name "${name}": it is a system database of the cluster. Choose another name.`
    );
  }
}
function validateRoleName(name) {
  validateIdentifier(name, "role name");
  if (name.startsWith("pg_") || name.startsWith("rds") || name === "public" || name === "postgres") {
    throw new Error(
      `Invalid role name "${name}": "public", "postgres" and names starting with "pg_" or "rds" belong to PostgreSQL, RDS or the master user. Choose another username.`
    );
  }
}
function quoteIdentifier(name) {
  return `"${name.replace(/"/g, '""')}"`;
}
function quoteLiteral(value) {
  if (value.includes("\0")) {
    throw new Error("A SQL string literal cannot contain a NUL character.");
  }
  return `'${value.replace(/'/g, "''")}'`;
}
async function provisionDatabase(executor, spec, options = {}) {
  const database = spec.databaseName;
  const owner = spec.ownerName;
  validateDatabaseName(database);
  validateRoleName(owner);
  const context = `database "${database}" with owner role "${owner}"`;
  let verifier;
  try {
    verifier = computeScramVerifier(spec.ownerPassword, { iterations: options.scramIterations });
  } catch (error) {
    throw new Error(`Provisioning ${context} failed: ${error.message}`);
  }
  const roleCreated = await runStep(
    context,
    "create or update the owner role",
    "The admin user needs CREATEROLE. On PostgreSQL 16 it also needs ADMIN OPTION on an existing role, which it has only for roles that it created.",
    async () => upsertLoginRole(executor, owner, verifier)
  );
  await runStep(
    context,
    `grant role "${owner}" to the admin user`,
    "The admin user needs CREATEROLE (PostgreSQL 15) or ADMIN OPTION on the role (PostgreSQL 16).",
    async () => {
      await executor.execute(`GRANT ${quoteIdentifier(owner)} TO CURRENT_USER`);
    }
  );
  const databaseState = await runStep(
    context,
    "create the database or set its owner",
    "The admin user needs CREATEDB, and an existing database must be owned by the admin user or by a role that it is a member of.",
    async () => ensureDatabaseOwner(executor, database, owner)
  );
  const schemaChanged = await runStep(
    context,
    "give the owner schema public",
    "The admin user must be able to connect to the database and own schema public or be a member of its owner.",
    async () => ensurePublicSchema(executor, database, owner)
  );
  const result = {
    roleCreated,
    databaseCreated: databaseState === "created",
    databaseOwnerChanged: databaseState === "owner-changed",
    schemaChanged
  };
  logEvent("INFO", "database.provisioned", { database, owner, ...result });
  return result;
}
async function upsertLoginRole(executor, owner, verifier) {
  const adminRows = await executor.execute("SELECT current_user::text AS name");
  const adminName = adminRows[0]?.name;
  if (adminName === owner) {
    throw new ProvisioningError(
      `The owner role "${owner}" is the admin user that runs the provisioning; changing its password would lock the provisioner out. Give the database its own owner username.`
    );
  }
  const roleRows = await executor.execute(
    `SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(owner)}`
  );
  const literal = quoteLiteral(verifier);
  if (roleRows.length === 0) {
    await executor.execute(`CREATE ROLE ${quoteIdentifier(owner)} WITH LOGIN PASSWORD ${literal}`);
    logEvent("INFO", "role.created", { role: owner });
    return true;
  }
  if (roleRows[0].rolsuper === true) {
    throw new ProvisioningError(
      `The owner role "${owner}" exists and is a superuser; the provisioner manages only ordinary roles. Choose another username.`
    );
  }
  await executor.execute(`ALTER ROLE ${quoteIdentifier(owner)} WITH LOGIN PASSWORD ${literal}`);
  logEvent("INFO", "role.password_set", { role: owner });
  return false;
}
async function ensureDatabaseOwner(executor, database, owner) {
  const rows = await executor.execute(
    `SELECT pg_catalog.pg_get_userbyid(datdba)::text AS owner FROM pg_catalog.pg_database WHERE datname = ${quoteLiteral(database)}`
  );
  if (rows.length === 0) {
    await executor.execute(`CREATE DATABASE ${quoteIdentifier(database)} OWNER ${quoteIdentifier(owner)}`);
    logEvent("INFO", "database.created", { database, owner });
    return "created";
  }
  const currentOwner = rows[0].owner;
  if (currentOwner === owner) {
    logEvent("INFO", "database.exists", { database, owner });
    return "unchanged";
  }
  await executor.execute(`ALTER DATABASE ${quoteIdentifier(database)} OWNER TO ${quoteIdentifier(owner)}`);
  logEvent("INFO", "database.owner_changed", { database, owner, previousOwner: String(currentOwner) });
  return "owner-changed";
}
async function ensurePublicSchema(executor, database, owner) {
  const rows = await executor.execute(
    "SELECT pg_catalog.pg_get_userbyid(nspowner)::text AS owner FROM pg_catalog.pg_namespace WHERE nspname = 'public'",
    database
  );
  let changed = false;
  if (rows.length === 0) {
    await executor.execute(`CREATE SCHEMA public AUTHORIZATION ${quoteIdentifier(owner)}`, database);
    logEvent("INFO", "schema.created", { database, schema: "public", owner });
    changed = true;
  } else {
    const schemaOwner = String(rows[0].owner);
    if (schemaOwner !== owner && schemaOwner !== "pg_database_owner") {
      changed = await changePublicSchemaOwner(executor, database, owner, schemaOwner);
    }
  }
  const privilegeRows = await executor.execute(
    `SELECT pg_catalog.has_schema_privilege(${quoteLiteral(owner)}, 'public', 'CREATE') AND pg_catalog.has_schema_privilege(${quoteLiteral(owner)}, 'public', 'USAGE') AS allowed`,
    database
  );
  if (privilegeRows[0]?.allowed !== true) {
    throw new ProvisioningError(
      `Role "${owner}" still lacks USAGE or CREATE on schema public of database "${database}". Run ALTER SCHEMA public OWNER TO "${owner}" in that database as a user that owns the schema.`
    );
  }
  return changed;
}
async function changePublicSchemaOwner(executor, database, owner, schemaOwner) {
  try {
    await executor.execute(`ALTER SCHEMA public OWNER TO ${quoteIdentifier(owner)}`, database);
    logEvent("INFO", "schema.owner_changed", { database, schema: "public", owner, previousOwner: schemaOwner });
    return true;
  } catch (error) {
    logEvent("WARN", "schema.owner_change_failed", {
      database,
      schema: "public",
      owner,
      currentOwner: schemaOwner,
      error: describeError(error)
    });
    return false;
  }
}
async function runStep(context, step, hint, action) {
  try {
    return await action();
  } catch (error) {
    logEvent("ERROR", "provisioning.step_failed", { step, context, error: describeError(error) });
    const reason = error instanceof ProvisioningError ? error.message : `${describeError(error)}. ${hint}`;
    throw new Error(`Provisioning ${context} failed to ${step}: ${reason}`);
  }
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
async function readRoleCredentials(client, secretArn) {
  const secret = await readSecretJson(client, secretArn);
  return {
    username: requireSecretField(secret, "username", secretArn),
    password: requireSecretField(secret, "password", secretArn)
  };
}

// src/data/provisioner/database-resource.ts
var RESOURCE_TYPE = "Custom::PostizDatabases";
function parseDatabaseProvisionerProperties(properties) {
  const clusterArn = requireStringProperty(properties, "ClusterArn", RESOURCE_TYPE);
  const adminSecretArn = requireStringProperty(properties, "AdminSecretArn", RESOURCE_TYPE);
  const entries = properties.Databases;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`${RESOURCE_TYPE}: property Databases must be a non-empty list of { DatabaseName, OwnerSecretArn }.`);
  }
  const databases = [];
  const seen = /* @__PURE__ */ new Set();
  entries.forEach((entry, index) => {
    if (typeof entry !== "object" || entry === null) {
      throw new Error(`${RESOURCE_TYPE}: Databases[${index}] must be an object { DatabaseName, OwnerSecretArn }.`);
    }
    const fields = entry;
    const databaseName = requireStringProperty(fields, "DatabaseName", `${RESOURCE_TYPE} Databases[${index}]`);
    const ownerSecretArn = requireStringProperty(fields, "OwnerSecretArn", `${RESOURCE_TYPE} Databases[${index}]`);
    validateDatabaseName(databaseName);
    if (seen.has(databaseName)) {
      throw new Error(`${RESOURCE_TYPE}: database "${databaseName}" is listed twice in Databases; list each database once.`);
    }
    seen.add(databaseName);
    databases.push({ databaseName, ownerSecretArn });
  });
  return { clusterArn, adminSecretArn, databases };
}
async function handleDatabaseProvisionerEvent(event, dependencies) {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === "Delete") {
    logEvent("INFO", "request.delete_skipped", {
      resourceType: RESOURCE_TYPE,
      reason: "databases and roles are kept on delete to protect their data"
    });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const properties = parseDatabaseProvisionerProperties(event.ResourceProperties);
  const credentials = await readOwnerCredentials(dependencies.secretsManager, properties.databases);
  const executor = dependencies.createExecutor(properties.clusterArn, properties.adminSecretArn);
  for (const database of properties.databases) {
    const owner = credentials.get(database.ownerSecretArn);
    try {
      await provisionDatabase(executor, {
        databaseName: database.databaseName,
        ownerName: owner.username,
        ownerPassword: owner.password
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message} (owner secret ${database.ownerSecretArn}, cluster ${properties.clusterArn})`);
    }
  }
  const databaseNames = properties.databases.map((database) => database.databaseName);
  logEvent("INFO", "request.completed", { resourceType: RESOURCE_TYPE, databases: databaseNames });
  return {
    PhysicalResourceId: physicalResourceId(event, `${properties.clusterArn}/databases`),
    Data: { DatabaseNames: databaseNames.join(",") }
  };
}
async function readOwnerCredentials(client, databases) {
  const credentials = /* @__PURE__ */ new Map();
  const secretByUsername = /* @__PURE__ */ new Map();
  for (const { ownerSecretArn } of databases) {
    if (credentials.has(ownerSecretArn)) {
      continue;
    }
    const owner = await readRoleCredentials(client, ownerSecretArn);
    try {
      validateRoleName(owner.username);
    } catch (error) {
      throw new Error(`Owner secret ${ownerSecretArn}: ${error.message}`);
    }
    const otherSecret = secretByUsername.get(owner.username);
    if (otherSecret !== void 0) {
      throw new Error(
        `Owner secrets ${otherSecret} and ${ownerSecretArn} both have username "${owner.username}". Use one secret for all databases of a role.`
      );
    }
    secretByUsername.set(owner.username, ownerSecretArn);
    credentials.set(ownerSecretArn, owner);
  }
  return credentials;
}

// src/data/database-provisioner.lambda.ts
var rdsData = new import_client_rds_data.RDSData({});
var secretsManager = new import_client_secrets_manager.SecretsManager({});
async function handler(event) {
  return handleDatabaseProvisionerEvent(event, {
    secretsManager,
    createExecutor: (clusterArn, adminSecretArn) => createDataApiExecutor({
      rdsData,
      clusterArn,
      secretArn: adminSecretArn
    })
  });
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
