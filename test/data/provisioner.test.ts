import { randomBytes } from 'crypto';
import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ClientConfig } from 'pg';
import { handleDatabaseProvisionerEvent } from '../../src/data/provisioner/database-resource';
import { DatabaseSpec, provisionDatabase, quoteLiteral } from '../../src/data/provisioner/postgres';
import { computeScramVerifier, redactScramVerifiers } from '../../src/data/provisioner/scram';
import { MOTO_CREDENTIALS, MotoServer, startMotoServer } from '../support/moto-server';
import { createPgExecutor, queryOnce } from '../support/pg-executor';
import { PostgresServer, startPostgresServer } from '../support/postgres-server';

// Keep the AWS SDK away from instance metadata and real credentials.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
process.env.AWS_REGION = 'us-east-1';

const ADMIN = 'cluster_admin';

/** Every password given to the provisioner; none may show up in a log. */
const passwords: string[] = [];

/** Returns a password like Secrets Manager's generateSecretString without punctuation. */
function newPassword(): string {
  const password = randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  passwords.push(password);
  return password;
}

let server: PostgresServer;
const logLines: string[] = [];
let logSpy: jest.SpyInstance;

function superuserConfig(database = 'postgres'): ClientConfig {
  return { host: server.socketDir, port: server.port, user: 'postgres', database };
}

function adminExecutor() {
  return createPgExecutor({ host: server.socketDir, port: server.port, user: ADMIN, database: 'postgres' });
}

/** Connects over TCP, where pg_hba.conf requires SCRAM-SHA-256. */
function loginConfig(user: string, password: string, database: string): ClientConfig {
  return { host: '127.0.0.1', port: server.port, user, password, database };
}

async function databaseOwner(database: string): Promise<unknown> {
  const rows = await queryOnce(
    superuserConfig(),
    'SELECT pg_get_userbyid(datdba)::text AS owner FROM pg_database WHERE datname = $1',
    [database],
  );
  return rows[0]?.owner;
}

async function publicSchemaOwner(database: string): Promise<unknown> {
  const rows = await queryOnce(
    superuserConfig(database),
    "SELECT pg_get_userbyid(nspowner)::text AS owner FROM pg_namespace WHERE nspname = 'public'",
  );
  return rows[0]?.owner;
}

async function storedVerifier(role: string): Promise<string> {
  const rows = await queryOnce(superuserConfig(), 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
  return String(rows[0]?.rolpassword);
}

/** Logs in as the role and creates, fills and reads a table in schema public. */
async function createTableAs(user: string, password: string, database: string, table: string): Promise<unknown> {
  const config = loginConfig(user, password, database);
  await queryOnce(config, `CREATE TABLE IF NOT EXISTS public.${table} (id integer)`);
  await queryOnce(config, `INSERT INTO public.${table} VALUES (1)`);
  const rows = await queryOnce(config, `SELECT count(*)::int AS count FROM public.${table}`);
  return rows[0]?.count;
}

beforeAll(async () => {
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
  server = await startPostgresServer();
  // RDS master users are not superusers: they have CREATEROLE and CREATEDB.
  await queryOnce(superuserConfig(), `CREATE ROLE ${ADMIN} WITH LOGIN CREATEROLE CREATEDB`);
}, 120_000);

afterAll(() => {
  logSpy?.mockRestore();
  server?.stop();
});

describe('provisionDatabase', () => {
  let postizPassword: string;

  test('creates role and owned database', async () => {
    postizPassword = newPassword();
    const result = await provisionDatabase(adminExecutor(), {
      databaseName: 'postiz',
      ownerName: 'postiz',
      ownerPassword: postizPassword,
    });

    expect(result).toEqual({ roleCreated: true, databaseCreated: true, databaseOwnerChanged: false, schemaChanged: false });
    expect(await databaseOwner('postiz')).toBe('postiz');
    expect(await storedVerifier('postiz')).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const roles = await queryOnce(superuserConfig(), "SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = 'postiz'");
    expect(roles).toEqual([{ rolcanlogin: true, rolsuper: false, rolcreaterole: false }]);
  });

  test('owner logs in over SCRAM and creates table', async () => {
    expect(await createTableAs('postiz', postizPassword, 'postiz', 'login_check')).toBe(1);
    const tables = await queryOnce(
      superuserConfig('postiz'),
      "SELECT tableowner::text AS owner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'login_check'",
    );
    expect(tables).toEqual([{ owner: 'postiz' }]);
  });

  test('wrong password is rejected', async () => {
    await expect(queryOnce(loginConfig('postiz', 'not-the-password', 'postiz'), 'SELECT 1'))
      .rejects.toThrow(/password authentication failed/);
  });

  test('second run is idempotent', async () => {
    const result = await provisionDatabase(adminExecutor(), {
      databaseName: 'postiz',
      ownerName: 'postiz',
      ownerPassword: postizPassword,
    });

    expect(result).toEqual({ roleCreated: false, databaseCreated: false, databaseOwnerChanged: false, schemaChanged: false });
    expect(await databaseOwner('postiz')).toBe('postiz');
    expect(await createTableAs('postiz', postizPassword, 'postiz', 'login_check')).toBe(2);
  });

  test('changed password takes effect', async () => {
    const oldPassword = postizPassword;
    postizPassword = newPassword();
    await provisionDatabase(adminExecutor(), { databaseName: 'postiz', ownerName: 'postiz', ownerPassword: postizPassword });

    expect(await createTableAs('postiz', postizPassword, 'postiz', 'login_check')).toBe(3);
    await expect(queryOnce(loginConfig('postiz', oldPassword, 'postiz'), 'SELECT 1'))
      .rejects.toThrow(/password authentication failed/);
  });

  test('temporal owns both databases', async () => {
    const password = newPassword();
    for (const databaseName of ['temporal', 'temporal_visibility']) {
      await provisionDatabase(adminExecutor(), { databaseName, ownerName: 'temporal', ownerPassword: password });
    }

    expect(await databaseOwner('temporal')).toBe('temporal');
    expect(await databaseOwner('temporal_visibility')).toBe('temporal');
    expect(await createTableAs('temporal', password, 'temporal', 'schema_version')).toBe(1);
    expect(await createTableAs('temporal', password, 'temporal_visibility', 'schema_version')).toBe(1);
  });

  test('other owner cannot create in postiz', async () => {
    const password = newPassword();
    await provisionDatabase(adminExecutor(), { databaseName: 'other_app', ownerName: 'other_app', ownerPassword: password });

    await expect(queryOnce(loginConfig('other_app', password, 'postiz'), 'CREATE TABLE public.intruder (id integer)'))
      .rejects.toThrow(/permission denied for schema public/);
  });

  test('existing database and schema are handed over', async () => {
    // A database that the admin created earlier, with schema public handed to the admin.
    await queryOnce({ host: server.socketDir, port: server.port, user: ADMIN, database: 'postgres' }, 'CREATE DATABASE legacy');
    await queryOnce({ host: server.socketDir, port: server.port, user: ADMIN, database: 'legacy' }, `ALTER SCHEMA public OWNER TO ${ADMIN}`);
    expect(await publicSchemaOwner('legacy')).toBe(ADMIN);

    const password = newPassword();
    const result = await provisionDatabase(adminExecutor(), { databaseName: 'legacy', ownerName: 'legacy_owner', ownerPassword: password });

    expect(result).toEqual({ roleCreated: true, databaseCreated: false, databaseOwnerChanged: true, schemaChanged: true });
    expect(await databaseOwner('legacy')).toBe('legacy_owner');
    expect(await publicSchemaOwner('legacy')).toBe('legacy_owner');
    expect(await createTableAs('legacy_owner', password, 'legacy', 'items')).toBe(1);
  });

  test('schema owned elsewhere but usable is kept', async () => {
    // The admin owns the database but not schema public, as after an upgrade from PostgreSQL 14.
    await queryOnce(superuserConfig(), `CREATE DATABASE kept_schema OWNER ${ADMIN}`);
    await queryOnce(superuserConfig('kept_schema'), 'ALTER SCHEMA public OWNER TO postgres');
    await queryOnce(superuserConfig('kept_schema'), 'GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC');

    const password = newPassword();
    const result = await provisionDatabase(adminExecutor(), { databaseName: 'kept_schema', ownerName: 'kept_owner', ownerPassword: password });

    expect(result.schemaChanged).toBe(false);
    expect(result.databaseOwnerChanged).toBe(true);
    expect(await publicSchemaOwner('kept_schema')).toBe('postgres');
    expect(await createTableAs('kept_owner', password, 'kept_schema', 'items')).toBe(1);
    const warnings = logLines.filter((line) => line.includes('"event":"schema.owner_change_failed"'));
    expect(warnings).toHaveLength(1);
  });

  test('unusable schema fails with fix', async () => {
    await queryOnce(superuserConfig(), `CREATE DATABASE locked_schema OWNER ${ADMIN}`);
    await queryOnce(superuserConfig('locked_schema'), 'ALTER SCHEMA public OWNER TO postgres');

    const failure = provisionDatabase(adminExecutor(), { databaseName: 'locked_schema', ownerName: 'locked_owner', ownerPassword: newPassword() });

    await expect(failure).rejects.toThrow(
      'Provisioning database "locked_schema" with owner role "locked_owner" failed to give the owner schema public: '
      + 'Role "locked_owner" still lacks USAGE or CREATE on schema public of database "locked_schema". '
      + 'Run ALTER SCHEMA public OWNER TO "locked_owner" in that database as a user that owns the schema.',
    );
  });

  test('grant step is needed without superuser', async () => {
    // Shows that this server enforces the rule the GRANT step exists for: a non-superuser
    // may create a database owned by another role only as a member of that role.
    const admin = { host: server.socketDir, port: server.port, user: ADMIN, database: 'postgres' };
    await queryOnce(admin, 'CREATE ROLE ungranted_owner');

    await expect(queryOnce(admin, 'CREATE DATABASE ungranted_db OWNER ungranted_owner'))
      .rejects.toThrow(/must be (a )?(member of|able to SET ROLE)/);
  });

  test('new database keeps public owned by pg_database_owner', async () => {
    expect(await publicSchemaOwner('postiz')).toBe('pg_database_owner');
  });

  test.each([
    ['uppercase database', { databaseName: 'Postiz', ownerName: 'postiz' }, /Invalid database name "Postiz"/],
    ['leading digit', { databaseName: '1postiz', ownerName: 'postiz' }, /Invalid database name "1postiz"/],
    ['hyphen', { databaseName: 'post-iz', ownerName: 'postiz' }, /Invalid database name "post-iz"/],
    ['quote injection', { databaseName: 'x"; DROP DATABASE postiz; --', ownerName: 'postiz' }, /Invalid database name/],
    ['64 characters', { databaseName: 'a'.repeat(64), ownerName: 'postiz' }, /Invalid database name/],
    ['empty database', { databaseName: '', ownerName: 'postiz' }, /Invalid database name ""/],
    ['system database', { databaseName: 'postgres', ownerName: 'postiz' }, /system database/],
    ['template database', { databaseName: 'template1', ownerName: 'postiz' }, /system database/],
    ['uppercase role', { databaseName: 'postiz', ownerName: 'Postiz' }, /Invalid role name "Postiz"/],
    ['pg_ role', { databaseName: 'postiz', ownerName: 'pg_monitor' }, /Invalid role name "pg_monitor".*belong to PostgreSQL/],
    ['rds role', { databaseName: 'postiz', ownerName: 'rdsadmin' }, /Invalid role name "rdsadmin".*belong to PostgreSQL, RDS/],
    ['public role', { databaseName: 'postiz', ownerName: 'public' }, /Invalid role name "public"/],
    ['postgres role', { databaseName: 'postiz', ownerName: 'postgres' }, /Invalid role name "postgres"/],
    ['role with space', { databaseName: 'postiz', ownerName: 'post iz' }, /Invalid role name/],
  ])('rejects %s', async (_case, names, message) => {
    const executor = adminExecutor();
    const spec: DatabaseSpec = { ...names, ownerPassword: 'Passw0rdPassw0rd' };

    await expect(provisionDatabase(executor, spec)).rejects.toThrow(message);
    expect(executor.statements).toEqual([]);
  });

  test('accepts 63-character names', async () => {
    const name = `n${'x'.repeat(62)}`;
    await provisionDatabase(adminExecutor(), { databaseName: name, ownerName: name, ownerPassword: newPassword() });

    expect(await databaseOwner(name)).toBe(name);
  });

  test('rejects admin user as owner', async () => {
    const executor = adminExecutor();
    await expect(provisionDatabase(executor, { databaseName: 'admin_db', ownerName: ADMIN, ownerPassword: 'Passw0rdPassw0rd' }))
      .rejects.toThrow(/"cluster_admin" is the admin user/);
    expect(executor.statements.some((sql) => /ALTER ROLE|CREATE ROLE/.test(sql))).toBe(false);
  });

  test('rejects superuser owner', async () => {
    await queryOnce(superuserConfig(), 'CREATE ROLE boss WITH SUPERUSER');

    await expect(provisionDatabase(adminExecutor(), { databaseName: 'boss_db', ownerName: 'boss', ownerPassword: 'Passw0rdPassw0rd' }))
      .rejects.toThrow(/"boss" exists and is a superuser/);
  });

  test('rejects non-ASCII password', async () => {
    const executor = adminExecutor();
    await expect(provisionDatabase(executor, { databaseName: 'ascii_db', ownerName: 'ascii_owner', ownerPassword: 'pässword' }))
      .rejects.toThrow(/Provisioning database "ascii_db" with owner role "ascii_owner" failed: .*non-ASCII/);
    expect(executor.statements).toEqual([]);
  });

  test('SQL errors name the step and hide verifier', async () => {
    // A role with CREATEROLE but without CREATEDB cannot create databases.
    await queryOnce(superuserConfig(), 'CREATE ROLE limited_admin WITH LOGIN CREATEROLE');
    const executor = createPgExecutor({ host: server.socketDir, port: server.port, user: 'limited_admin', database: 'postgres' });

    const failure = provisionDatabase(executor, { databaseName: 'limited_db', ownerName: 'limited_owner', ownerPassword: newPassword() });

    await expect(failure).rejects.toThrow(
      /Provisioning database "limited_db" with owner role "limited_owner" failed to create the database or set its owner: .*permission denied to create database.*needs CREATEDB/,
    );
    await expect(failure).rejects.not.toThrow(/SCRAM-SHA-256\$\d/);
  });
});

describe('SCRAM verifier', () => {
  // These passwords are sent in plaintext on purpose, so they are not in `passwords`.
  test.each([
    ['letters and digits', 'VectorCheck42'],
    ['punctuation and space', "p a$$ 'w0rd' \\ ~!@#%^&*()"],
    ['control characters', 'tab\there\u0001'],
    ['very long', 'x'.repeat(200)],
  ])('matches PostgreSQL for %s', async (caseName, password) => {
    const role = `vector_${caseName.replace(/ /g, '_')}`;
    await queryOnce(superuserConfig(), `CREATE ROLE ${role} WITH LOGIN PASSWORD ${quoteLiteral(password)}`);
    const stored = await storedVerifier(role);
    const parsed = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored);
    expect(parsed).not.toBeNull();

    const computed = computeScramVerifier(password, {
      iterations: Number(parsed![1]),
      salt: Buffer.from(parsed![2], 'base64'),
    });

    expect(computed).toBe(stored);
  });

  test('redacts verifiers in text', () => {
    const verifier = computeScramVerifier('hidden-password');
    const text = `ERROR near "PASSWORD '${verifier}'"`;

    expect(redactScramVerifiers(text)).toBe('ERROR near "PASSWORD \'SCRAM-SHA-256$<redacted>\'"');
  });

  test('matches fixed RFC 7677 vector', () => {
    // Password and salt of the RFC 7677 example; keys computed independently with Python hashlib/hmac.
    const verifier = computeScramVerifier('pencil', {
      iterations: 4096,
      salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
    });

    expect(verifier).toBe(
      'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:'
      + 'wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=',
    );
  });

  test('uses random 16-byte salt', () => {
    const first = computeScramVerifier('same-password');
    const second = computeScramVerifier('same-password');

    expect(first).not.toBe(second);
    const salt = /^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(first)![1];
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
  });

  test.each([
    ['empty', '', /empty/],
    ['non-ASCII', 'pässword', /non-ASCII/],
    ['NUL', 'a\0b', /NUL/],
  ])('rejects %s password', (_case, password, message) => {
    expect(() => computeScramVerifier(password)).toThrow(message);
  });

  test('rejects invalid iteration count', () => {
    expect(() => computeScramVerifier('password', { iterations: 0 })).toThrow(/Invalid SCRAM iteration count 0/);
  });
});

describe('database provisioner handler with moto', () => {
  let moto: MotoServer;
  let secretsManager: SecretsManager;
  let postizSecretArn: string;
  let temporalSecretArn: string;
  let postizPassword: string;
  let temporalPassword: string;

  async function createSecret(name: string, value: Record<string, string>): Promise<string> {
    const output = await secretsManager.createSecret({ Name: name, SecretString: JSON.stringify(value) });
    return output.ARN!;
  }

  function event(requestType: 'Create' | 'Update' | 'Delete', databases: Array<Record<string, string>>): CloudFormationCustomResourceEvent {
    const base = {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      ResponseURL: 'https://example.invalid/response',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
      RequestId: 'request-1',
      LogicalResourceId: 'Databases',
      ResourceType: 'Custom::PostizDatabases',
      ResourceProperties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
        ClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:postiz',
        AdminSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin',
        Databases: databases,
        Trigger: '1',
      },
    };
    if (requestType === 'Create') {
      return { ...base, RequestType: 'Create' };
    }
    return {
      ...base,
      RequestType: requestType,
      PhysicalResourceId: 'arn:aws:rds:us-east-1:123456789012:cluster:postiz/databases',
      OldResourceProperties: base.ResourceProperties,
    } as CloudFormationCustomResourceEvent;
  }

  beforeAll(async () => {
    moto = await startMotoServer();
    secretsManager = new SecretsManager({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    postizPassword = newPassword();
    temporalPassword = newPassword();
    postizSecretArn = await createSecret('handler-postiz', { username: 'handler_postiz', password: postizPassword });
    temporalSecretArn = await createSecret('handler-temporal', { username: 'handler_temporal', password: temporalPassword });
  }, 60_000);

  afterAll(async () => {
    secretsManager?.destroy();
    await moto?.stop();
  });

  const databases = () => [
    { DatabaseName: 'handler_postiz', OwnerSecretArn: postizSecretArn },
    { DatabaseName: 'handler_temporal', OwnerSecretArn: temporalSecretArn },
    { DatabaseName: 'handler_temporal_visibility', OwnerSecretArn: temporalSecretArn },
  ];

  test('create provisions every database', async () => {
    const createExecutor = jest.fn(() => adminExecutor());
    const response = await handleDatabaseProvisionerEvent(event('Create', databases()), { secretsManager, createExecutor });

    expect(response).toEqual({
      PhysicalResourceId: 'arn:aws:rds:us-east-1:123456789012:cluster:postiz/databases',
      Data: { DatabaseNames: 'handler_postiz,handler_temporal,handler_temporal_visibility' },
    });
    expect(createExecutor).toHaveBeenCalledWith(
      'arn:aws:rds:us-east-1:123456789012:cluster:postiz',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin',
    );
    expect(await databaseOwner('handler_postiz')).toBe('handler_postiz');
    expect(await databaseOwner('handler_temporal')).toBe('handler_temporal');
    expect(await databaseOwner('handler_temporal_visibility')).toBe('handler_temporal');
    expect(await createTableAs('handler_postiz', postizPassword, 'handler_postiz', 'items')).toBe(1);
    expect(await createTableAs('handler_temporal', temporalPassword, 'handler_temporal_visibility', 'items')).toBe(1);
  });

  test('update keeps physical id', async () => {
    const response = await handleDatabaseProvisionerEvent(event('Update', databases()), {
      secretsManager,
      createExecutor: () => adminExecutor(),
    });

    expect(response.PhysicalResourceId).toBe('arn:aws:rds:us-east-1:123456789012:cluster:postiz/databases');
    expect(await createTableAs('handler_postiz', postizPassword, 'handler_postiz', 'items')).toBe(2);
  });

  test('delete touches nothing', async () => {
    const createExecutor = jest.fn(() => adminExecutor());
    const response = await handleDatabaseProvisionerEvent(event('Delete', databases()), { secretsManager, createExecutor });

    expect(response).toEqual({ PhysicalResourceId: 'arn:aws:rds:us-east-1:123456789012:cluster:postiz/databases' });
    expect(createExecutor).not.toHaveBeenCalled();
    expect(await databaseOwner('handler_postiz')).toBe('handler_postiz');
  });

  test('rejects two secrets with one username', async () => {
    const copyArn = await createSecret('handler-temporal-copy', { username: 'handler_temporal', password: newPassword() });
    const request = event('Create', [
      { DatabaseName: 'handler_temporal', OwnerSecretArn: temporalSecretArn },
      { DatabaseName: 'handler_temporal_visibility', OwnerSecretArn: copyArn },
    ]);

    await expect(handleDatabaseProvisionerEvent(request, { secretsManager, createExecutor: () => adminExecutor() }))
      .rejects.toThrow(/both have username "handler_temporal"/);
  });

  test('rejects invalid username in secret', async () => {
    const arn = await createSecret('handler-bad-user', { username: 'Bad-User', password: newPassword() });
    const request = event('Create', [{ DatabaseName: 'bad_user_db', OwnerSecretArn: arn }]);

    await expect(handleDatabaseProvisionerEvent(request, { secretsManager, createExecutor: () => adminExecutor() }))
      .rejects.toThrow(`Owner secret ${arn}: Invalid role name "Bad-User"`);
  });

  test('rejects secret without password', async () => {
    const arn = await createSecret('handler-no-password', { username: 'no_password' });
    const request = event('Create', [{ DatabaseName: 'no_password_db', OwnerSecretArn: arn }]);

    await expect(handleDatabaseProvisionerEvent(request, { secretsManager, createExecutor: () => adminExecutor() }))
      .rejects.toThrow(`Field "password" of secret ${arn} is missing`);
  });

  test('rejects missing secret', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist-AbCdEf';
    const request = event('Create', [{ DatabaseName: 'missing_secret_db', OwnerSecretArn: arn }]);

    await expect(handleDatabaseProvisionerEvent(request, { secretsManager, createExecutor: () => adminExecutor() }))
      .rejects.toThrow(`Reading secret ${arn} failed: ResourceNotFoundException`);
  });

  test.each([
    ['no databases', { Databases: [] }, /Databases must be a non-empty list/],
    ['duplicate database', {
      Databases: [
        { DatabaseName: 'dup', OwnerSecretArn: 'arn:1' },
        { DatabaseName: 'dup', OwnerSecretArn: 'arn:2' },
      ],
    }, /"dup" is listed twice/],
    ['missing ClusterArn', { ClusterArn: '' }, /property ClusterArn is missing/],
    ['invalid database name', { Databases: [{ DatabaseName: 'Bad', OwnerSecretArn: 'arn:1' }] }, /Invalid database name "Bad"/],
  ])('rejects %s', async (_case, override, message) => {
    const request = event('Create', databases());
    const withOverride = { ...request, ResourceProperties: { ...request.ResourceProperties, ...override } };
    const createExecutor = jest.fn(() => adminExecutor());

    await expect(handleDatabaseProvisionerEvent(withOverride, { secretsManager, createExecutor })).rejects.toThrow(message);
    expect(createExecutor).not.toHaveBeenCalled();
  });
});

// Runs last, after every test above has sent its statements.
describe('logs', () => {
  test('server log has statements but no password', () => {
    const serverLog = server.readLog();

    expect(serverLog).toContain('CREATE ROLE "postiz" WITH LOGIN PASSWORD');
    expect(serverLog).toContain('SCRAM-SHA-256$4096:');
    expect(passwords.length).toBeGreaterThan(5);
    for (const password of passwords) {
      expect(serverLog).not.toContain(password);
    }
  });

  test('handler log lines are JSON without secrets', () => {
    expect(logLines.length).toBeGreaterThan(10);
    for (const line of logLines) {
      const parsed = JSON.parse(line);
      expect(typeof parsed.event).toBe('string');
      expect(line).not.toContain('SCRAM-SHA-256$');
      for (const password of passwords) {
        expect(line).not.toContain(password);
      }
    }
  });
});
