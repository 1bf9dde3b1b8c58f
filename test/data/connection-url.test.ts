import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  ConnectionUrlProperties,
  applyConnectionUrl,
  buildConnectionUrl,
  handleConnectionUrlEvent,
  parseConnectionUrlProperties,
} from '../../src/data/provisioner/connection-url';
import { SecretsManagerApi } from '../../src/data/provisioner/secrets';
import { MOTO_CREDENTIALS, MotoServer, startMotoServer } from '../support/moto-server';

// Keep the AWS SDK away from instance metadata and real credentials.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
process.env.AWS_REGION = 'us-east-1';

const DATABASE_PREFIX = 'postgresql://postiz:';
const DATABASE_SUFFIX = '@postiz.cluster-abc.us-east-1.rds.amazonaws.com:5432/postiz?sslmode=no-verify';

const logLines: string[] = [];
let logSpy: jest.SpyInstance;

beforeAll(() => {
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
});

afterAll(() => logSpy.mockRestore());

function properties(overrides: Partial<ConnectionUrlProperties> = {}): ConnectionUrlProperties {
  return {
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:postiz',
    passwordField: 'password',
    urlPrefix: DATABASE_PREFIX,
    urlSuffix: DATABASE_SUFFIX,
    urlField: 'url',
    ...overrides,
  };
}

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  resourceProperties: Record<string, unknown>,
  physicalResourceId = 'existing-id',
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
    RequestId: 'request-1',
    LogicalResourceId: 'DatabaseUrl',
    ResourceType: 'Custom::PostizConnectionUrl',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', ...resourceProperties },
  };
  if (requestType === 'Create') {
    return { ...base, RequestType: 'Create' };
  }
  return {
    ...base,
    RequestType: requestType,
    PhysicalResourceId: physicalResourceId,
    OldResourceProperties: base.ResourceProperties,
  } as CloudFormationCustomResourceEvent;
}

describe('buildConnectionUrl', () => {
  test('inserts password between prefix and suffix', () => {
    expect(buildConnectionUrl('abc123', DATABASE_PREFIX, DATABASE_SUFFIX)).toBe(`${DATABASE_PREFIX}abc123${DATABASE_SUFFIX}`);
  });

  test('percent-encodes reserved characters', () => {
    expect(buildConnectionUrl('p@ss:w/rd?#%', 'rediss://:', '@cache:6379')).toBe('rediss://:p%40ss%3Aw%2Frd%3F%23%25@cache:6379');
  });
});

describe('applyConnectionUrl', () => {
  test('adds url and keeps other fields', () => {
    const secret = { username: 'postiz', password: 'pw1', engine: 'postgres' };

    const update = applyConnectionUrl(secret, properties());

    expect(update.changed).toBe(true);
    expect(update.secret).toEqual({ username: 'postiz', password: 'pw1', engine: 'postgres', url: `${DATABASE_PREFIX}pw1${DATABASE_SUFFIX}` });
    expect(secret).toEqual({ username: 'postiz', password: 'pw1', engine: 'postgres' });
  });

  test('reports unchanged url', () => {
    const secret = { password: 'pw1', url: `${DATABASE_PREFIX}pw1${DATABASE_SUFFIX}` };

    expect(applyConnectionUrl(secret, properties()).changed).toBe(false);
  });

  test('replaces stale url', () => {
    const secret = { password: 'pw2', url: `${DATABASE_PREFIX}pw1${DATABASE_SUFFIX}` };

    const update = applyConnectionUrl(secret, properties());

    expect(update.changed).toBe(true);
    expect(update.secret.url).toBe(`${DATABASE_PREFIX}pw2${DATABASE_SUFFIX}`);
  });

  test('uses custom fields', () => {
    const update = applyConnectionUrl({ token: 't0ken' }, properties({ passwordField: 'token', urlField: 'redisUrl' }));

    expect(update.secret).toEqual({ token: 't0ken', redisUrl: `${DATABASE_PREFIX}t0ken${DATABASE_SUFFIX}` });
  });

  test.each([
    ['missing', { username: 'postiz' }, /Field "password" of secret arn:aws:secretsmanager:us-east-1:123456789012:secret:postiz is missing/],
    ['empty', { password: '' }, /Field "password" of secret .* is not a non-empty string/],
    ['number', { password: 42 }, /Field "password" of secret .* is not a non-empty string/],
  ])('rejects %s password field', (_case, secret, message) => {
    expect(() => applyConnectionUrl(secret, properties())).toThrow(message);
  });
});

describe('parseConnectionUrlProperties', () => {
  const valid = {
    SecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:postiz',
    PasswordField: 'password',
    UrlPrefix: DATABASE_PREFIX,
    UrlSuffix: DATABASE_SUFFIX,
    Trigger: 'abc',
  };

  test('defaults UrlField to url', () => {
    expect(parseConnectionUrlProperties(valid)).toEqual(properties());
  });

  test('reads UrlField', () => {
    expect(parseConnectionUrlProperties({ ...valid, UrlField: 'redis' }).urlField).toBe('redis');
  });

  test('allows empty suffix', () => {
    expect(parseConnectionUrlProperties({ ...valid, UrlSuffix: '' }).urlSuffix).toBe('');
  });

  test.each([
    ['missing SecretArn', { SecretArn: undefined }, /property SecretArn is missing or empty/],
    ['missing PasswordField', { PasswordField: '' }, /property PasswordField is missing or empty/],
    ['missing UrlPrefix', { UrlPrefix: undefined }, /property UrlPrefix is missing or empty/],
    ['UrlField equal to PasswordField', { UrlField: 'password' }, /would overwrite the password/],
  ])('rejects %s', (_case, override, message) => {
    expect(() => parseConnectionUrlProperties({ ...valid, ...override })).toThrow(message);
  });
});

describe('connection URL handler with moto', () => {
  let moto: MotoServer;
  let client: SecretsManager;

  async function createSecret(name: string, value: Record<string, unknown>): Promise<string> {
    const output = await client.createSecret({ Name: name, SecretString: JSON.stringify(value) });
    return output.ARN!;
  }

  async function readSecret(arn: string): Promise<Record<string, unknown>> {
    const output = await client.getSecretValue({ SecretId: arn });
    return JSON.parse(output.SecretString!);
  }

  async function versionCount(arn: string): Promise<number> {
    const output = await client.listSecretVersionIds({ SecretId: arn, IncludeDeprecated: true });
    return output.Versions?.length ?? 0;
  }

  beforeAll(async () => {
    moto = await startMotoServer();
    client = new SecretsManager({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  test('create writes url and keeps fields', async () => {
    const arn = await createSecret('url-create', { username: 'postiz', password: 'Create1Password' });
    const request = event('Create', { SecretArn: arn, PasswordField: 'password', UrlPrefix: DATABASE_PREFIX, UrlSuffix: DATABASE_SUFFIX });

    const response = await handleConnectionUrlEvent(request, { secretsManager: client });

    expect(response).toEqual({ PhysicalResourceId: `${arn}/url`, Data: { UrlField: 'url' } });
    expect(await readSecret(arn)).toEqual({
      username: 'postiz',
      password: 'Create1Password',
      url: `${DATABASE_PREFIX}Create1Password${DATABASE_SUFFIX}`,
    });
  });

  test('second run writes no new version', async () => {
    const arn = await createSecret('url-twice', { username: 'postiz', password: 'Twice1Password' });
    const props = { SecretArn: arn, PasswordField: 'password', UrlPrefix: DATABASE_PREFIX, UrlSuffix: DATABASE_SUFFIX };
    await handleConnectionUrlEvent(event('Create', props), { secretsManager: client });
    const versionsAfterFirstRun = await versionCount(arn);

    const response = await handleConnectionUrlEvent(event('Update', props, `${arn}/url`), { secretsManager: client });

    expect(response.PhysicalResourceId).toBe(`${arn}/url`);
    expect(versionsAfterFirstRun).toBe(2);
    expect(await versionCount(arn)).toBe(2);
  });

  test('update follows changed password', async () => {
    const arn = await createSecret('url-update', { password: 'Old1Password', url: `${DATABASE_PREFIX}Old1Password${DATABASE_SUFFIX}` });
    await client.putSecretValue({ SecretId: arn, SecretString: JSON.stringify({ password: 'New1Password' }) });
    const props = { SecretArn: arn, PasswordField: 'password', UrlPrefix: 'rediss://:', UrlSuffix: '@cache:6379', UrlField: 'redisUrl' };

    const response = await handleConnectionUrlEvent(event('Update', props, 'kept-id'), { secretsManager: client });

    expect(response.PhysicalResourceId).toBe('kept-id');
    expect(await readSecret(arn)).toEqual({ password: 'New1Password', redisUrl: 'rediss://:New1Password@cache:6379' });
  });

  test('delete leaves secret unchanged', async () => {
    const arn = await createSecret('url-delete', { password: 'Delete1Password', url: 'kept' });
    const props = { SecretArn: arn, PasswordField: 'password', UrlPrefix: DATABASE_PREFIX, UrlSuffix: DATABASE_SUFFIX };

    const response = await handleConnectionUrlEvent(event('Delete', props, `${arn}/url`), { secretsManager: client });

    expect(response).toEqual({ PhysicalResourceId: `${arn}/url` });
    expect(await readSecret(arn)).toEqual({ password: 'Delete1Password', url: 'kept' });
    expect(await versionCount(arn)).toBe(1);
  });

  test('missing password field fails clearly', async () => {
    const arn = await createSecret('url-no-password', { username: 'postiz' });
    const request = event('Create', { SecretArn: arn, PasswordField: 'password', UrlPrefix: DATABASE_PREFIX, UrlSuffix: DATABASE_SUFFIX });

    await expect(handleConnectionUrlEvent(request, { secretsManager: client })).rejects.toThrow(
      `Field "password" of secret ${arn} is missing. The secret must be a JSON object with a non-empty string "password".`,
    );
    expect(await versionCount(arn)).toBe(1);
  });

  test('non-JSON secret fails clearly', async () => {
    const output = await client.createSecret({ Name: 'url-plain', SecretString: 'plain-text-token' });
    const request = event('Create', { SecretArn: output.ARN, PasswordField: 'password', UrlPrefix: 'rediss://:', UrlSuffix: '' });

    const failure = handleConnectionUrlEvent(request, { secretsManager: client });

    await expect(failure).rejects.toThrow(`Secret ${output.ARN} is not valid JSON`);
    await expect(failure).rejects.not.toThrow(/plain-text-token/);
  });

  test('missing secret fails clearly', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:absent-AbCdEf';
    const request = event('Create', { SecretArn: arn, PasswordField: 'password', UrlPrefix: 'rediss://:', UrlSuffix: '' });

    await expect(handleConnectionUrlEvent(request, { secretsManager: client }))
      .rejects.toThrow(`Reading secret ${arn} failed: ResourceNotFoundException`);
  });

  test('lambda handler uses endpoint from environment', async () => {
    const arn = await createSecret('url-lambda', { password: 'Lambda1Password' });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.endpoint;
    try {
      // A fresh module instance creates its client after the endpoint variable is set.
      let handlerModule: typeof import('../../src/data/connection-url.lambda') | undefined;
      jest.isolateModules(() => {
        handlerModule = jest.requireActual('../../src/data/connection-url.lambda');
      });
      const request = event('Create', { SecretArn: arn, PasswordField: 'password', UrlPrefix: 'rediss://:', UrlSuffix: '@cache:6379' });

      const response = await handlerModule!.handler(request);

      expect(response.PhysicalResourceId).toBe(`${arn}/url`);
      expect((await readSecret(arn)).url).toBe('rediss://:Lambda1Password@cache:6379');
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    }
  });

  test('log lines contain no password', () => {
    expect(logLines.length).toBeGreaterThan(5);
    for (const line of logLines) {
      expect(typeof JSON.parse(line).event).toBe('string');
      expect(line).not.toMatch(/Password|rediss:|postgresql:/);
    }
  });
});

describe('connection URL handler with stub client', () => {
  test('sends one get and one put', async () => {
    const calls: Array<{ method: string; input: unknown }> = [];
    const stub: SecretsManagerApi = {
      getSecretValue: async (input) => {
        calls.push({ method: 'getSecretValue', input });
        return { $metadata: {}, SecretString: JSON.stringify({ password: 'Stub1Password', host: 'h' }) };
      },
      putSecretValue: async (input) => {
        calls.push({ method: 'putSecretValue', input });
        return { $metadata: {} };
      },
    };
    const request = event('Create', { SecretArn: 'arn:stub', PasswordField: 'password', UrlPrefix: 'p://', UrlSuffix: '@h' });

    await handleConnectionUrlEvent(request, { secretsManager: stub });

    expect(calls).toEqual([
      { method: 'getSecretValue', input: { SecretId: 'arn:stub' } },
      {
        method: 'putSecretValue',
        input: { SecretId: 'arn:stub', SecretString: JSON.stringify({ password: 'Stub1Password', host: 'h', url: 'p://Stub1Password@h' }) },
      },
    ]);
  });

  test('skips put when url is current', async () => {
    const putSecretValue = jest.fn();
    const stub: SecretsManagerApi = {
      getSecretValue: async () => ({ $metadata: {}, SecretString: JSON.stringify({ password: 'pw', url: 'p://pw@h' }) }),
      putSecretValue,
    };
    const request = event('Update', { SecretArn: 'arn:stub', PasswordField: 'password', UrlPrefix: 'p://', UrlSuffix: '@h' });

    await handleConnectionUrlEvent(request, { secretsManager: stub });

    expect(putSecretValue).not.toHaveBeenCalled();
  });
});
