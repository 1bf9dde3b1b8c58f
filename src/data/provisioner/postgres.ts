import { describeError } from './errors';
import { logEvent } from './log';
import { computeScramVerifier } from './scram';

/** One result row, keyed by column name. */
export type SqlRow = Record<string, unknown>;

/**
 * Runs one SQL statement outside any transaction (autocommit), as the cluster's admin user.
 * Rows are returned only for statements that produce them.
 */
export interface SqlExecutor {
  /**
   * Runs `sql` in `database`, or in the executor's default database when it is omitted.
   */
  execute(sql: string, database?: string): Promise<SqlRow[]>;
}

/** A database and the login role that owns it. */
export interface DatabaseSpec {
  readonly databaseName: string;
  readonly ownerName: string;
  /** Plaintext password; only its SCRAM verifier is sent to PostgreSQL. */
  readonly ownerPassword: string;
}

/** Options of `provisionDatabase`. */
export interface ProvisionOptions {
  /**
   * PBKDF2 iteration count of the SCRAM verifier.
   *
   * @default SCRAM_DEFAULT_ITERATIONS
   */
  readonly scramIterations?: number;
}

/** Changes that one `provisionDatabase` call made. */
export interface ProvisionResult {
  readonly roleCreated: boolean;
  readonly databaseCreated: boolean;
  /** True when an existing database had another owner and was handed to the role. */
  readonly databaseOwnerChanged: boolean;
  /** True when schema `public` was created or handed to the role. */
  readonly schemaChanged: boolean;
}

/** Unquoted PostgreSQL identifier: lowercase, at most 63 bytes (NAMEDATALEN - 1). */
const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Databases that exist on every RDS for PostgreSQL or Aurora cluster and must keep their owner. */
const RESERVED_DATABASE_NAMES = new Set(['postgres', 'template0', 'template1', 'rdsadmin']);

/** Error whose message already names the fix, so `runStep` adds no hint to it. */
class ProvisioningError extends Error {
  public readonly name = 'ProvisioningError';
}

/**
 * Throws unless `name` is a lowercase identifier: letters, digits and underscores, at most
 * 63 characters, not starting with a digit. `label` names the value in the message.
 */
export function validateIdentifier(name: string, label: string): void {
  if (!IDENTIFIER_PATTERN.test(name)) {
    throw new Error(
      `Invalid ${label} ${JSON.stringify(name)}: use 1 to 63 characters of lowercase letters, digits `
      + 'and underscores, not starting with a digit.',
    );
  }
}

/**
 * Throws unless `name` can be a database that this provisioner hands to a new owner.
 */
export function validateDatabaseName(name: string): void {
  validateIdentifier(name, 'database name');
  if (RESERVED_DATABASE_NAMES.has(name)) {
    throw new Error(
      `Invalid database name "${name}": it is a system database of the cluster. Choose another name.`,
    );
  }
}

/**
 * Throws unless `name` can be a login role that this provisioner creates. PostgreSQL reserves
 * `public` and the `pg_` prefix, RDS names its own roles `rds...` (`rdsadmin`, `rds_superuser`),
 * and `postgres` is the usual master username.
 */
export function validateRoleName(name: string): void {
  validateIdentifier(name, 'role name');
  if (name.startsWith('pg_') || name.startsWith('rds') || name === 'public' || name === 'postgres') {
    throw new Error(
      `Invalid role name "${name}": "public", "postgres" and names starting with "pg_" or "rds" `
      + 'belong to PostgreSQL, RDS or the master user. Choose another username.',
    );
  }
}

/** Quotes an identifier for SQL, for example `postiz` as `"postiz"`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Quotes a string literal for SQL with `standard_conforming_strings = on`,
 * the default since PostgreSQL 9.1.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) {
    throw new Error('A SQL string literal cannot contain a NUL character.');
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Creates or updates a login role, a database that the role owns and the role's
 * ownership of schema `public` in it. Safe to run again: existing objects are kept and
 * only brought to the same state, and the role gets a fresh verifier of the same password.
 *
 * The executor must run as a user with CREATEROLE and CREATEDB (the RDS master user).
 * Nothing is ever dropped.
 */
export async function provisionDatabase(
  executor: SqlExecutor,
  spec: DatabaseSpec,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const database = spec.databaseName;
  const owner = spec.ownerName;
  validateDatabaseName(database);
  validateRoleName(owner);
  const context = `database "${database}" with owner role "${owner}"`;
  let verifier: string;
  try {
    verifier = computeScramVerifier(spec.ownerPassword, { iterations: options.scramIterations });
  } catch (error) {
    throw new Error(`Provisioning ${context} failed: ${(error as Error).message}`);
  }

  const roleCreated = await runStep(
    context,
    'create or update the owner role',
    'The admin user needs CREATEROLE. On PostgreSQL 16 it also needs ADMIN OPTION on an existing role, '
    + 'which it has only for roles that it created.',
    async () => upsertLoginRole(executor, owner, verifier),
  );

  // CREATE DATABASE ... OWNER and ALTER ... OWNER TO need membership in the new owner for a
  // non-superuser (PostgreSQL 16: membership with SET). A creator with CREATEROLE may grant it.
  await runStep(
    context,
    `grant role "${owner}" to the admin user`,
    'The admin user needs CREATEROLE (PostgreSQL 15) or ADMIN OPTION on the role (PostgreSQL 16).',
    async () => {
      await executor.execute(`GRANT ${quoteIdentifier(owner)} TO CURRENT_USER`);
    },
  );

  const databaseState = await runStep(
    context,
    'create the database or set its owner',
    'The admin user needs CREATEDB, and an existing database must be owned by the admin user '
    + 'or by a role that it is a member of.',
    async () => ensureDatabaseOwner(executor, database, owner),
  );

  const schemaChanged = await runStep(
    context,
    'give the owner schema public',
    'The admin user must be able to connect to the database and own schema public '
    + 'or be a member of its owner.',
    async () => ensurePublicSchema(executor, database, owner),
  );

  const result: ProvisionResult = {
    roleCreated,
    databaseCreated: databaseState === 'created',
    databaseOwnerChanged: databaseState === 'owner-changed',
    schemaChanged,
  };
  logEvent('INFO', 'database.provisioned', { database, owner, ...result });
  return result;
}

/** Returns true when the role was created, false when an existing role got the new password. */
async function upsertLoginRole(executor: SqlExecutor, owner: string, verifier: string): Promise<boolean> {
  const adminRows = await executor.execute('SELECT current_user::text AS name');
  const adminName = adminRows[0]?.name;
  if (adminName === owner) {
    throw new ProvisioningError(
      `The owner role "${owner}" is the admin user that runs the provisioning; changing its password `
      + 'would lock the provisioner out. Give the database its own owner username.',
    );
  }

  const roleRows = await executor.execute(
    `SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(owner)}`,
  );
  const literal = quoteLiteral(verifier);
  if (roleRows.length === 0) {
    await executor.execute(`CREATE ROLE ${quoteIdentifier(owner)} WITH LOGIN PASSWORD ${literal}`);
    logEvent('INFO', 'role.created', { role: owner });
    return true;
  }
  if (roleRows[0].rolsuper === true) {
    throw new ProvisioningError(
      `The owner role "${owner}" exists and is a superuser; the provisioner manages only ordinary roles. `
      + 'Choose another username.',
    );
  }
  await executor.execute(`ALTER ROLE ${quoteIdentifier(owner)} WITH LOGIN PASSWORD ${literal}`);
  logEvent('INFO', 'role.password_set', { role: owner });
  return false;
}

type DatabaseState = 'created' | 'owner-changed' | 'unchanged';

async function ensureDatabaseOwner(executor: SqlExecutor, database: string, owner: string): Promise<DatabaseState> {
  const rows = await executor.execute(
    'SELECT pg_catalog.pg_get_userbyid(datdba)::text AS owner FROM pg_catalog.pg_database '
    + `WHERE datname = ${quoteLiteral(database)}`,
  );
  if (rows.length === 0) {
    // CREATE DATABASE cannot run inside a transaction block, so the executor must autocommit.
    await executor.execute(`CREATE DATABASE ${quoteIdentifier(database)} OWNER ${quoteIdentifier(owner)}`);
    logEvent('INFO', 'database.created', { database, owner });
    return 'created';
  }
  const currentOwner = rows[0].owner;
  if (currentOwner === owner) {
    logEvent('INFO', 'database.exists', { database, owner });
    return 'unchanged';
  }
  await executor.execute(`ALTER DATABASE ${quoteIdentifier(database)} OWNER TO ${quoteIdentifier(owner)}`);
  logEvent('INFO', 'database.owner_changed', { database, owner, previousOwner: String(currentOwner) });
  return 'owner-changed';
}

/**
 * Makes sure the owner can create objects in schema `public` of its database, which
 * `prisma db push` needs. Since PostgreSQL 15 only the schema owner has CREATE there.
 * Returns true when the schema was created or handed to the owner.
 */
async function ensurePublicSchema(executor: SqlExecutor, database: string, owner: string): Promise<boolean> {
  const rows = await executor.execute(
    "SELECT pg_catalog.pg_get_userbyid(nspowner)::text AS owner FROM pg_catalog.pg_namespace WHERE nspname = 'public'",
    database,
  );
  let changed = false;
  if (rows.length === 0) {
    await executor.execute(`CREATE SCHEMA public AUTHORIZATION ${quoteIdentifier(owner)}`, database);
    logEvent('INFO', 'schema.created', { database, schema: 'public', owner });
    changed = true;
  } else {
    const schemaOwner = String(rows[0].owner);
    // The implicit member of pg_database_owner (PostgreSQL 14+) is the database owner, so the role
    // owns the schema already.
    if (schemaOwner !== owner && schemaOwner !== 'pg_database_owner') {
      changed = await changePublicSchemaOwner(executor, database, owner, schemaOwner);
    }
  }

  const privilegeRows = await executor.execute(
    `SELECT pg_catalog.has_schema_privilege(${quoteLiteral(owner)}, 'public', 'CREATE') `
    + `AND pg_catalog.has_schema_privilege(${quoteLiteral(owner)}, 'public', 'USAGE') AS allowed`,
    database,
  );
  if (privilegeRows[0]?.allowed !== true) {
    throw new ProvisioningError(
      `Role "${owner}" still lacks USAGE or CREATE on schema public of database "${database}". `
      + `Run ALTER SCHEMA public OWNER TO "${owner}" in that database as a user that owns the schema.`,
    );
  }
  return changed;
}

/**
 * Hands schema `public` to the owner and returns whether that worked. A failure is only logged,
 * because the owner may already have CREATE on the schema (for example, through PUBLIC before
 * PostgreSQL 15). The privilege check in `ensurePublicSchema` rejects every other case.
 */
async function changePublicSchemaOwner(
  executor: SqlExecutor,
  database: string,
  owner: string,
  schemaOwner: string,
): Promise<boolean> {
  try {
    await executor.execute(`ALTER SCHEMA public OWNER TO ${quoteIdentifier(owner)}`, database);
    logEvent('INFO', 'schema.owner_changed', { database, schema: 'public', owner, previousOwner: schemaOwner });
    return true;
  } catch (error) {
    logEvent('WARN', 'schema.owner_change_failed', {
      database,
      schema: 'public',
      owner,
      currentOwner: schemaOwner,
      error: describeError(error),
    });
    return false;
  }
}

/**
 * Runs one provisioning step and rewrites its error into a message that names the database,
 * the step and what to check, with any SCRAM verifier removed.
 */
async function runStep<T>(context: string, step: string, hint: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    logEvent('ERROR', 'provisioning.step_failed', { step, context, error: describeError(error) });
    const reason = error instanceof ProvisioningError ? error.message : `${describeError(error)}. ${hint}`;
    throw new Error(`Provisioning ${context} failed to ${step}: ${reason}`);
  }
}
