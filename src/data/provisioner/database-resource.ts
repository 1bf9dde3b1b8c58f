import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceResponse, logRequest, physicalResourceId, requireStringProperty } from './custom-resource';
import { logEvent } from './log';
import { SqlExecutor, provisionDatabase, validateDatabaseName, validateRoleName } from './postgres';
import { RoleCredentials, SecretsManagerApi, readRoleCredentials } from './secrets';

const RESOURCE_TYPE = 'Custom::PostizDatabases';

/** One entry of the `Databases` property. */
export interface DatabaseRequest {
  readonly databaseName: string;
  /** Secret with the `username` and `password` of the role that owns the database. */
  readonly ownerSecretArn: string;
}

/** Validated `ResourceProperties` of the database provisioning resource. */
export interface DatabaseProvisionerProperties {
  readonly clusterArn: string;
  /** The cluster's master secret, which the Data API connects with. */
  readonly adminSecretArn: string;
  readonly databases: DatabaseRequest[];
}

/** Clients that `handleDatabaseProvisionerEvent` uses; tests pass local ones. */
export interface DatabaseProvisionerDependencies {
  readonly secretsManager: SecretsManagerApi;
  createExecutor(clusterArn: string, adminSecretArn: string): SqlExecutor;
}

/**
 * Validates the `ResourceProperties` of the database provisioning resource:
 * `{ ClusterArn, AdminSecretArn, Databases: [{ DatabaseName, OwnerSecretArn }], Trigger? }`.
 * `Trigger` is not read; changing it only makes CloudFormation send an Update.
 */
export function parseDatabaseProvisionerProperties(properties: Record<string, unknown>): DatabaseProvisionerProperties {
  const clusterArn = requireStringProperty(properties, 'ClusterArn', RESOURCE_TYPE);
  const adminSecretArn = requireStringProperty(properties, 'AdminSecretArn', RESOURCE_TYPE);

  const entries = properties.Databases;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`${RESOURCE_TYPE}: property Databases must be a non-empty list of { DatabaseName, OwnerSecretArn }.`);
  }

  const databases: DatabaseRequest[] = [];
  const seen = new Set<string>();
  entries.forEach((entry: unknown, index: number) => {
    if (typeof entry !== 'object' || entry === null) {
      throw new Error(`${RESOURCE_TYPE}: Databases[${index}] must be an object { DatabaseName, OwnerSecretArn }.`);
    }
    const fields = entry as Record<string, unknown>;
    const databaseName = requireStringProperty(fields, 'DatabaseName', `${RESOURCE_TYPE} Databases[${index}]`);
    const ownerSecretArn = requireStringProperty(fields, 'OwnerSecretArn', `${RESOURCE_TYPE} Databases[${index}]`);
    validateDatabaseName(databaseName);
    if (seen.has(databaseName)) {
      throw new Error(`${RESOURCE_TYPE}: database "${databaseName}" is listed twice in Databases; list each database once.`);
    }
    seen.add(databaseName);
    databases.push({ databaseName, ownerSecretArn });
  });

  return { clusterArn, adminSecretArn, databases };
}

/**
 * Handles a CloudFormation event of the database provisioning resource. Create and Update
 * create or update every owner role and database; Delete changes nothing, so deleting the
 * stack or the resource never drops data.
 */
export async function handleDatabaseProvisionerEvent(
  event: CloudFormationCustomResourceEvent,
  dependencies: DatabaseProvisionerDependencies,
): Promise<CustomResourceResponse> {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === 'Delete') {
    logEvent('INFO', 'request.delete_skipped', {
      resourceType: RESOURCE_TYPE,
      reason: 'databases and roles are kept on delete to protect their data',
    });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }

  const properties = parseDatabaseProvisionerProperties(event.ResourceProperties);
  const credentials = await readOwnerCredentials(dependencies.secretsManager, properties.databases);
  const executor = dependencies.createExecutor(properties.clusterArn, properties.adminSecretArn);

  for (const database of properties.databases) {
    const owner = credentials.get(database.ownerSecretArn)!;
    try {
      await provisionDatabase(executor, {
        databaseName: database.databaseName,
        ownerName: owner.username,
        ownerPassword: owner.password,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message} (owner secret ${database.ownerSecretArn}, cluster ${properties.clusterArn})`);
    }
  }

  const databaseNames = properties.databases.map((database) => database.databaseName);
  logEvent('INFO', 'request.completed', { resourceType: RESOURCE_TYPE, databases: databaseNames });
  return {
    PhysicalResourceId: physicalResourceId(event, `${properties.clusterArn}/databases`),
    Data: { DatabaseNames: databaseNames.join(',') },
  };
}

/**
 * Reads each owner secret once and checks its username. Two secrets with the same username
 * are rejected, because the role would end up with whichever password was set last.
 */
async function readOwnerCredentials(
  client: SecretsManagerApi,
  databases: DatabaseRequest[],
): Promise<Map<string, RoleCredentials>> {
  const credentials = new Map<string, RoleCredentials>();
  const secretByUsername = new Map<string, string>();
  for (const { ownerSecretArn } of databases) {
    if (credentials.has(ownerSecretArn)) {
      continue;
    }
    const owner = await readRoleCredentials(client, ownerSecretArn);
    try {
      validateRoleName(owner.username);
    } catch (error) {
      throw new Error(`Owner secret ${ownerSecretArn}: ${(error as Error).message}`);
    }
    const otherSecret = secretByUsername.get(owner.username);
    if (otherSecret !== undefined) {
      throw new Error(
        `Owner secrets ${otherSecret} and ${ownerSecretArn} both have username "${owner.username}". `
        + 'Use one secret for all databases of a role.',
      );
    }
    secretByUsername.set(owner.username, ownerSecretArn);
    credentials.set(ownerSecretArn, owner);
  }
  return credentials;
}
