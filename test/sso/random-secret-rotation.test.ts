import { randomUUID } from 'crypto';
import type {
  DescribeSecretCommandOutput,
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  PutSecretValueCommandInput,
  UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import {
  DEFAULT_SECRET_FIELD,
  RANDOM_VALUE_LENGTH,
  describeInvalidRandomValue,
  generateRandomValue,
  parseSecretField,
} from '../../src/sso/rotation/random-value';
import {
  RotationDependencies,
  SecretsManagerRotationApi,
  handleRotationEvent,
  parseRotationEvent,
} from '../../src/sso/rotation/rotation';
import { MOTO_CREDENTIALS, MotoServer, startMotoServer } from '../support/moto-server';

// Keep the AWS SDK away from instance metadata and real credentials.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
process.env.AWS_REGION = 'us-east-1';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:postiz/sso-AbC123';
const TOKEN = '7f0c2a4e-1b3d-4c5e-8f9a-0b1c2d3e4f50';
const OLD_VERSION = '11111111-2222-4333-8444-555555555555';
const OLD_VALUE = 'OldSharedValue';
const NEW_VALUE = 'N'.repeat(RANDOM_VALUE_LENGTH);

const logLines: string[] = [];
let logSpy: jest.SpyInstance;

beforeAll(() => {
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
});

beforeEach(() => {
  logLines.length = 0;
});

afterAll(() => logSpy.mockRestore());

function loggedEvents(): Record<string, unknown>[] {
  return logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

function rotationEvent(step: string, token = TOKEN) {
  return { SecretId: SECRET_ARN, ClientRequestToken: token, Step: step };
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

interface StubVersion {
  stages: string[];
  value?: string;
}

interface StubOptions {
  rotationEnabled?: boolean;
  versions?: Record<string, StubVersion>;
  describeError?: Error;
  getError?: Error;
  putError?: Error;
  updateError?: Error;
}

/**
 * Returns a Secrets Manager stub that keeps versions in memory and records every request.
 * By default the secret has rotation enabled, an AWSCURRENT version and an empty AWSPENDING
 * version with `TOKEN`, as Secrets Manager leaves it before calling createSecret.
 */
function secretsManagerStub(options: StubOptions = {}) {
  const versions: Record<string, StubVersion> = options.versions ?? {
    [OLD_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ secret: OLD_VALUE, issuer: 'postiz' }) },
    [TOKEN]: { stages: ['AWSPENDING'] },
  };
  const calls: Array<{ method: string; input: unknown }> = [];

  const client: SecretsManagerRotationApi = {
    describeSecret: async (input) => {
      calls.push({ method: 'describeSecret', input });
      if (options.describeError) {
        throw options.describeError;
      }
      const stages: Record<string, string[]> = {};
      for (const [versionId, version] of Object.entries(versions)) {
        stages[versionId] = [...version.stages];
      }
      const output: DescribeSecretCommandOutput = {
        $metadata: {},
        ARN: SECRET_ARN,
        RotationEnabled: options.rotationEnabled ?? true,
        VersionIdsToStages: stages,
      };
      return output;
    },
    getSecretValue: async (input: GetSecretValueCommandInput): Promise<GetSecretValueCommandOutput> => {
      calls.push({ method: 'getSecretValue', input });
      if (options.getError) {
        throw options.getError;
      }
      const versionId = input.VersionId
        ?? Object.keys(versions).find((id) => versions[id].stages.includes(input.VersionStage ?? 'AWSCURRENT'));
      const version = versionId === undefined ? undefined : versions[versionId];
      if (!version || version.value === undefined) {
        throw namedError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
      }
      if (input.VersionStage !== undefined && !version.stages.includes(input.VersionStage)) {
        throw namedError('InvalidRequestException', 'Version and stage do not match.');
      }
      return { $metadata: {}, VersionId: versionId, SecretString: version.value };
    },
    putSecretValue: async (input: PutSecretValueCommandInput) => {
      calls.push({ method: 'putSecretValue', input });
      if (options.putError) {
        throw options.putError;
      }
      versions[input.ClientRequestToken!] = { stages: input.VersionStages ?? ['AWSCURRENT'], value: input.SecretString };
      return { $metadata: {} };
    },
    updateSecretVersionStage: async (input: UpdateSecretVersionStageCommandInput) => {
      calls.push({ method: 'updateSecretVersionStage', input });
      if (options.updateError) {
        throw options.updateError;
      }
      return { $metadata: {} };
    },
  };
  return { client, calls, versions };
}

function dependencies(client: SecretsManagerRotationApi, overrides: Partial<RotationDependencies> = {}): RotationDependencies {
  return { secretsManager: client, secretField: 'secret', generateValue: () => NEW_VALUE, ...overrides };
}

function methods(calls: Array<{ method: string }>): string[] {
  return calls.map((call) => call.method);
}

describe('random value', () => {
  test('has 64 base64url characters', () => {
    const value = generateRandomValue();
    expect(value).toHaveLength(64);
    expect(RANDOM_VALUE_LENGTH).toBe(64);
    expect(value).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  test('differs between calls', () => {
    expect(generateRandomValue()).not.toBe(generateRandomValue());
  });

  test('passes its own validation', () => {
    expect(describeInvalidRandomValue(generateRandomValue())).toBeUndefined();
  });

  test.each([
    ['missing', undefined, 'is missing'],
    ['number', 42, 'is a number, not a string'],
    ['null', null, 'is a null, not a string'],
    ['empty', '', 'has 0 characters instead of 64'],
    ['short', 'abc', 'has 3 characters instead of 64'],
    ['padded base64', `${'A'.repeat(62)}==`, 'contains characters outside the base64url alphabet'],
    ['standard base64', `${'A'.repeat(63)}+`, 'contains characters outside the base64url alphabet'],
  ])('rejects %s value', (_case, value, message) => {
    expect(describeInvalidRandomValue(value)).toContain(message);
  });
});

describe('SECRET_FIELD', () => {
  test('defaults to secret', () => {
    expect(parseSecretField(undefined)).toBe('secret');
    expect(DEFAULT_SECRET_FIELD).toBe('secret');
  });

  test('reads a custom field', () => {
    expect(parseSecretField('jwtSecret')).toBe('jwtSecret');
  });

  test('rejects an empty value', () => {
    expect(() => parseSecretField(' ')).toThrow('Environment variable SECRET_FIELD is empty');
  });
});

describe('rotation event', () => {
  test('parses a valid event', () => {
    expect(parseRotationEvent(rotationEvent('testSecret'))).toEqual({ secretId: SECRET_ARN, token: TOKEN, step: 'testSecret' });
  });

  test.each([
    ['missing SecretId', { ClientRequestToken: TOKEN, Step: 'createSecret' }, 'Rotation event field SecretId is undefined'],
    ['empty token', { SecretId: SECRET_ARN, ClientRequestToken: '', Step: 'createSecret' }, 'Rotation event field ClientRequestToken is ""'],
    ['unknown step', { SecretId: SECRET_ARN, ClientRequestToken: TOKEN, Step: 'rotate' }, 'Rotation event field Step is "rotate", but it must be one of createSecret, setSecret, testSecret, finishSecret'],
    ['null event', null, 'Rotation event field SecretId is undefined'],
  ])('rejects %s', (_case, event, message) => {
    expect(() => parseRotationEvent(event)).toThrow(message);
  });
});

describe('rotation preconditions', () => {
  test('rejects a secret without rotation', async () => {
    const { client, calls } = secretsManagerStub({ rotationEnabled: false });
    await expect(handleRotationEvent(rotationEvent('createSecret'), dependencies(client)))
      .rejects.toThrow(`Secret ${SECRET_ARN} does not have rotation enabled`);
    expect(methods(calls)).toEqual(['describeSecret']);
  });

  test('rejects an unknown version', async () => {
    const { client, calls } = secretsManagerStub();
    const other = '99999999-2222-4333-8444-555555555555';
    await expect(handleRotationEvent(rotationEvent('createSecret', other), dependencies(client)))
      .rejects.toThrow(`Secret ${SECRET_ARN} has no version ${other}`);
    expect(methods(calls)).toEqual(['describeSecret']);
  });

  test('rejects a version not staged AWSPENDING', async () => {
    const { client } = secretsManagerStub({
      versions: {
        [OLD_VERSION]: { stages: ['AWSCURRENT'], value: '{"secret":"x"}' },
        [TOKEN]: { stages: ['AWSPREVIOUS'], value: '{"secret":"y"}' },
      },
    });
    await expect(handleRotationEvent(rotationEvent('testSecret'), dependencies(client)))
      .rejects.toThrow(`Version ${TOKEN} of secret ${SECRET_ARN} is not staged AWSPENDING (stages: AWSPREVIOUS)`);
  });

  test('reports a failed DescribeSecret', async () => {
    const { client } = secretsManagerStub({ describeError: namedError('AccessDeniedException', 'not authorized') });
    await expect(handleRotationEvent(rotationEvent('createSecret'), dependencies(client)))
      .rejects.toThrow(`Describing secret ${SECRET_ARN} failed: AccessDeniedException: not authorized. Check that`);
  });

  test('rejects an invalid event before any call', async () => {
    const { client, calls } = secretsManagerStub();
    await expect(handleRotationEvent({ SecretId: SECRET_ARN, Step: 'createSecret' }, dependencies(client)))
      .rejects.toThrow('Rotation event field ClientRequestToken is undefined');
    expect(calls).toHaveLength(0);
  });
});

describe('createSecret', () => {
  test('writes pending version with other fields', async () => {
    const { client, calls } = secretsManagerStub();

    await handleRotationEvent(rotationEvent('createSecret'), dependencies(client));

    const put = calls.find((call) => call.method === 'putSecretValue');
    expect(put?.input).toEqual({
      SecretId: SECRET_ARN,
      ClientRequestToken: TOKEN,
      SecretString: JSON.stringify({ secret: NEW_VALUE, issuer: 'postiz' }),
      VersionStages: ['AWSPENDING'],
    });
    expect(calls[1]).toEqual({ method: 'getSecretValue', input: { SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT' } });
    expect(calls[2]).toEqual({
      method: 'getSecretValue',
      input: { SecretId: SECRET_ARN, VersionId: TOKEN, VersionStage: 'AWSPENDING' },
    });
    expect(loggedEvents()).toEqual([
      { level: 'INFO', event: 'rotation.pending_created', secretId: SECRET_ARN, versionId: TOKEN, step: 'createSecret', field: 'secret' },
    ]);
  });

  test('uses the configured field', async () => {
    const { client, calls } = secretsManagerStub();

    await handleRotationEvent(rotationEvent('createSecret'), dependencies(client, { secretField: 'jwtSecret' }));

    const put = calls.find((call) => call.method === 'putSecretValue')?.input as PutSecretValueCommandInput;
    expect(JSON.parse(put.SecretString!)).toEqual({ secret: OLD_VALUE, issuer: 'postiz', jwtSecret: NEW_VALUE });
  });

  test('generates a random value by default', async () => {
    const { client, calls } = secretsManagerStub();

    await handleRotationEvent(rotationEvent('createSecret'), { secretsManager: client, secretField: 'secret' });

    const put = calls.find((call) => call.method === 'putSecretValue')?.input as PutSecretValueCommandInput;
    const written = JSON.parse(put.SecretString!).secret;
    expect(describeInvalidRandomValue(written)).toBeUndefined();
    expect(written).not.toBe(OLD_VALUE);
  });

  test('keeps an existing pending value', async () => {
    const { client, calls } = secretsManagerStub({
      versions: {
        [OLD_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ secret: OLD_VALUE }) },
        [TOKEN]: { stages: ['AWSPENDING'], value: JSON.stringify({ secret: NEW_VALUE }) },
      },
    });

    await handleRotationEvent(rotationEvent('createSecret'), dependencies(client));

    expect(methods(calls)).toEqual(['describeSecret', 'getSecretValue', 'getSecretValue']);
    expect(loggedEvents()).toEqual([
      { level: 'INFO', event: 'rotation.pending_exists', secretId: SECRET_ARN, versionId: TOKEN, step: 'createSecret' },
    ]);
  });

  test('rejects a current version that is not JSON', async () => {
    const { client, calls } = secretsManagerStub({
      versions: {
        [OLD_VERSION]: { stages: ['AWSCURRENT'], value: 'plain-shared-value' },
        [TOKEN]: { stages: ['AWSPENDING'] },
      },
    });

    const run = handleRotationEvent(rotationEvent('createSecret'), dependencies(client));

    await expect(run).rejects.toThrow(`The AWSCURRENT version of secret ${SECRET_ARN} is not valid JSON`);
    await expect(run).rejects.not.toThrow(/plain-shared-value/);
    expect(methods(calls)).not.toContain('putSecretValue');
  });

  test('rejects a current JSON array', async () => {
    const { client } = secretsManagerStub({
      versions: {
        [OLD_VERSION]: { stages: ['AWSCURRENT'], value: '["a"]' },
        [TOKEN]: { stages: ['AWSPENDING'] },
      },
    });
    await expect(handleRotationEvent(rotationEvent('createSecret'), dependencies(client)))
      .rejects.toThrow(`The AWSCURRENT version of secret ${SECRET_ARN} is not a JSON object`);
  });

  test('reports a failed read', async () => {
    const { client } = secretsManagerStub({ getError: namedError('AccessDeniedException', 'no kms:Decrypt') });
    await expect(handleRotationEvent(rotationEvent('createSecret'), dependencies(client)))
      .rejects.toThrow(`Reading the AWSCURRENT version of secret ${SECRET_ARN} failed: AccessDeniedException: no kms:Decrypt.`);
  });

  test('reports a failed pending read', async () => {
    const { client } = secretsManagerStub();
    const getSecretValue = client.getSecretValue;
    client.getSecretValue = async (input) => {
      if (input.VersionId !== undefined) {
        throw namedError('InternalServiceError', 'try again');
      }
      return getSecretValue(input);
    };
    await expect(handleRotationEvent(rotationEvent('createSecret'), dependencies(client)))
      .rejects.toThrow(`Reading version ${TOKEN} of secret ${SECRET_ARN} failed: InternalServiceError: try again.`);
  });

  test('reports a failed write', async () => {
    const { client } = secretsManagerStub({ putError: namedError('LimitExceededException', 'too many versions') });
    const run = handleRotationEvent(rotationEvent('createSecret'), dependencies(client));
    await expect(run).rejects.toThrow(`Writing version ${TOKEN} of secret ${SECRET_ARN} failed: LimitExceededException: too many versions.`);
    await expect(run).rejects.not.toThrow(NEW_VALUE);
  });
});

describe('setSecret', () => {
  test('changes nothing and logs', async () => {
    const { client, calls } = secretsManagerStub();

    await handleRotationEvent(rotationEvent('setSecret'), dependencies(client));

    expect(methods(calls)).toEqual(['describeSecret']);
    expect(loggedEvents()).toEqual([
      {
        level: 'INFO',
        event: 'rotation.set_skipped',
        secretId: SECRET_ARN,
        versionId: TOKEN,
        step: 'setSecret',
        field: 'secret',
        reason: 'no external system stores this value',
      },
    ]);
  });
});

describe('testSecret', () => {
  function pendingStub(pending: Record<string, unknown>) {
    return secretsManagerStub({
      versions: {
        [OLD_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ secret: OLD_VALUE }) },
        [TOKEN]: { stages: ['AWSPENDING'], value: JSON.stringify(pending) },
      },
    });
  }

  test('accepts a generated value', async () => {
    const { client, calls } = pendingStub({ secret: generateRandomValue(), issuer: 'postiz' });

    await handleRotationEvent(rotationEvent('testSecret'), dependencies(client));

    expect(calls[1]).toEqual({ method: 'getSecretValue', input: { SecretId: SECRET_ARN, VersionId: TOKEN, VersionStage: 'AWSPENDING' } });
    expect(loggedEvents()).toEqual([
      { level: 'INFO', event: 'rotation.pending_tested', secretId: SECRET_ARN, versionId: TOKEN, step: 'testSecret', field: 'secret' },
    ]);
  });

  test('rejects a short value without showing it', async () => {
    const { client } = pendingStub({ secret: 'short-value' });

    const run = handleRotationEvent(rotationEvent('testSecret'), dependencies(client));

    await expect(run).rejects.toThrow(`Field "secret" of version ${TOKEN} of secret ${SECRET_ARN} has 11 characters instead of 64.`);
    await expect(run).rejects.not.toThrow(/short-value/);
  });

  test('rejects a missing field', async () => {
    const { client } = pendingStub({ other: generateRandomValue() });
    await expect(handleRotationEvent(rotationEvent('testSecret'), dependencies(client)))
      .rejects.toThrow(`Field "secret" of version ${TOKEN} of secret ${SECRET_ARN} is missing.`);
  });

  test('checks the configured field', async () => {
    const { client } = pendingStub({ secret: generateRandomValue(), jwtSecret: '' });
    await expect(handleRotationEvent(rotationEvent('testSecret'), dependencies(client, { secretField: 'jwtSecret' })))
      .rejects.toThrow(`Field "jwtSecret" of version ${TOKEN} of secret ${SECRET_ARN} has 0 characters instead of 64.`);
  });

  test('rejects a pending version without value', async () => {
    const { client } = secretsManagerStub();
    await expect(handleRotationEvent(rotationEvent('testSecret'), dependencies(client)))
      .rejects.toThrow(`Reading version ${TOKEN} of secret ${SECRET_ARN} failed: ResourceNotFoundException`);
  });
});

describe('finishSecret', () => {
  test('moves AWSCURRENT to the token', async () => {
    const { client, calls } = secretsManagerStub({
      versions: {
        [OLD_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ secret: OLD_VALUE }) },
        [TOKEN]: { stages: ['AWSPENDING'], value: JSON.stringify({ secret: NEW_VALUE }) },
      },
    });

    await handleRotationEvent(rotationEvent('finishSecret'), dependencies(client));

    expect(calls[1]).toEqual({
      method: 'updateSecretVersionStage',
      input: { SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN, RemoveFromVersionId: OLD_VERSION },
    });
    expect(loggedEvents()).toEqual([
      {
        level: 'INFO',
        event: 'rotation.current_moved',
        secretId: SECRET_ARN,
        versionId: TOKEN,
        previousVersionId: OLD_VERSION,
        step: 'finishSecret',
      },
    ]);
  });

  test('does nothing when already current', async () => {
    const { client, calls } = secretsManagerStub({
      versions: {
        [OLD_VERSION]: { stages: ['AWSPREVIOUS'], value: JSON.stringify({ secret: OLD_VALUE }) },
        [TOKEN]: { stages: ['AWSCURRENT', 'AWSPENDING'], value: JSON.stringify({ secret: NEW_VALUE }) },
      },
    });

    await handleRotationEvent(rotationEvent('finishSecret'), dependencies(client));

    expect(methods(calls)).toEqual(['describeSecret']);
    expect(loggedEvents()).toEqual([
      { level: 'INFO', event: 'rotation.already_current', secretId: SECRET_ARN, versionId: TOKEN, step: 'finishSecret' },
    ]);
  });

  test('reports a failed stage move', async () => {
    const { client } = secretsManagerStub({ updateError: namedError('AccessDeniedException', 'denied') });
    await expect(handleRotationEvent(rotationEvent('finishSecret'), dependencies(client))).rejects.toThrow(
      `Moving AWSCURRENT of secret ${SECRET_ARN} from version ${OLD_VERSION} to ${TOKEN} failed: AccessDeniedException: denied. `
      + 'Check that the rotation function role may call secretsmanager:UpdateSecretVersionStage on it.',
    );
  });
});

describe('lambda handler', () => {
  test('reads SECRET_FIELD', async () => {
    process.env.SECRET_FIELD = '';
    try {
      let handlerModule: typeof import('../../src/sso/random-secret-rotation.lambda') | undefined;
      jest.isolateModules(() => {
        handlerModule = jest.requireActual('../../src/sso/random-secret-rotation.lambda');
      });
      // The empty field is rejected before the client sends any request.
      await expect(handlerModule!.handler(rotationEvent('createSecret'))).rejects.toThrow('Environment variable SECRET_FIELD is empty');
    } finally {
      delete process.env.SECRET_FIELD;
    }
  });
});

/**
 * Sends one request to moto's IAM or Lambda API. Moto picks the service from the credential
 * scope of the Authorization header and does not check the signature.
 */
async function motoRequest(endpoint: string, service: 'iam' | 'lambda', path: string, body: string, contentType: string): Promise<string> {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      'Authorization': `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`moto ${service} request to ${path} failed with HTTP ${response.status}: ${text}`);
  }
  return text;
}

/**
 * Creates a Lambda function in moto that Secrets Manager can name as its rotation function.
 * Moto's Docker-free Lambda backend returns at once, so `RotateSecret` only stages an empty
 * AWSPENDING version and enables rotation, as Secrets Manager does before it calls the function.
 * NOTE: moto 5.2 also makes that empty version the default for GetSecretValue calls without a
 * stage, which AWS does not, so these tests always read a version by its stage.
 */
async function createMotoRotationFunction(endpoint: string): Promise<string> {
  const config = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!config.ok) {
    throw new Error(`moto rejected the Lambda configuration with HTTP ${config.status}: ${await config.text()}`);
  }

  const trustPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const roleForm = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: 'rotation',
    AssumeRolePolicyDocument: trustPolicy,
  });
  await motoRequest(endpoint, 'iam', '/', roleForm.toString(), 'application/x-www-form-urlencoded');

  // An empty ZIP archive is only its 22-byte end-of-central-directory record.
  const emptyZip = Buffer.concat([Buffer.from('PK\u0005\u0006'), Buffer.alloc(18)]).toString('base64');
  const created = await motoRequest(endpoint, 'lambda', '/2015-03-31/functions', JSON.stringify({
    FunctionName: 'rotation',
    Runtime: 'nodejs20.x',
    Role: 'arn:aws:iam::123456789012:role/rotation',
    Handler: 'index.handler',
    Code: { ZipFile: emptyZip },
  }), 'application/json');
  return (JSON.parse(created) as { FunctionArn: string }).FunctionArn;
}

describe('rotation with moto', () => {
  let moto: MotoServer;
  let client: SecretsManager;
  let functionArn: string;

  beforeAll(async () => {
    moto = await startMotoServer();
    client = new SecretsManager({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    functionArn = await createMotoRotationFunction(moto.endpoint);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  async function startRotation(name: string, value: Record<string, unknown>) {
    const created = await client.createSecret({ Name: name, SecretString: JSON.stringify(value) });
    const token = randomUUID();
    await client.rotateSecret({
      SecretId: created.ARN,
      ClientRequestToken: token,
      RotationLambdaARN: functionArn,
      RotationRules: { AutomaticallyAfterDays: 30 },
      RotateImmediately: true,
    });
    return { arn: created.ARN!, previousVersion: created.VersionId!, token };
  }

  async function readStage(arn: string, stage: string): Promise<Record<string, unknown>> {
    const output = await client.getSecretValue({ SecretId: arn, VersionStage: stage });
    return JSON.parse(output.SecretString!) as Record<string, unknown>;
  }

  test('four steps make a new value current', async () => {
    const { arn, previousVersion, token } = await startRotation('sso-secret', { secret: OLD_VALUE, issuer: 'postiz' });
    const before = await client.describeSecret({ SecretId: arn });
    expect(before.RotationEnabled).toBe(true);
    expect(before.VersionIdsToStages?.[token]).toEqual(['AWSPENDING']);

    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await handleRotationEvent({ SecretId: arn, ClientRequestToken: token, Step: step }, { secretsManager: client, secretField: 'secret' });
    }

    const current = await readStage(arn, 'AWSCURRENT');
    expect(describeInvalidRandomValue(current.secret)).toBeUndefined();
    expect(current.secret).not.toBe(OLD_VALUE);
    expect(current.issuer).toBe('postiz');
    expect(await readStage(arn, 'AWSPREVIOUS')).toEqual({ secret: OLD_VALUE, issuer: 'postiz' });
    const after = await client.describeSecret({ SecretId: arn });
    expect(after.VersionIdsToStages?.[token]).toContain('AWSCURRENT');
    expect(after.VersionIdsToStages?.[previousVersion]).toEqual(['AWSPREVIOUS']);
    expect(loggedEvents().map((line) => line.event)).toEqual([
      'rotation.pending_created',
      'rotation.set_skipped',
      'rotation.pending_tested',
      'rotation.current_moved',
    ]);
    for (const line of logLines) {
      expect(line).not.toContain(OLD_VALUE);
      expect(line).not.toContain(current.secret as string);
    }
  });

  test('repeated steps change nothing', async () => {
    const { arn, token } = await startRotation('sso-jwt-secret', { jwtSecret: OLD_VALUE, audience: 'product' });
    const steps = { secretsManager: client, secretField: 'jwtSecret' };

    await handleRotationEvent({ SecretId: arn, ClientRequestToken: token, Step: 'createSecret' }, steps);
    const pending = await readStage(arn, 'AWSPENDING');
    await handleRotationEvent({ SecretId: arn, ClientRequestToken: token, Step: 'createSecret' }, steps);
    expect(await readStage(arn, 'AWSPENDING')).toEqual(pending);

    await handleRotationEvent({ SecretId: arn, ClientRequestToken: token, Step: 'testSecret' }, steps);
    await handleRotationEvent({ SecretId: arn, ClientRequestToken: token, Step: 'finishSecret' }, steps);
    await handleRotationEvent({ SecretId: arn, ClientRequestToken: token, Step: 'finishSecret' }, steps);

    expect(await readStage(arn, 'AWSCURRENT')).toEqual(pending);
    expect(pending.audience).toBe('product');
    expect(loggedEvents().map((line) => line.event)).toEqual([
      'rotation.pending_created',
      'rotation.pending_exists',
      'rotation.pending_tested',
      'rotation.current_moved',
      'rotation.already_current',
    ]);
  });

  test('secret without rotation is rejected', async () => {
    const created = await client.createSecret({ Name: 'sso-no-rotation', SecretString: JSON.stringify({ secret: OLD_VALUE }) });
    await expect(handleRotationEvent(
      { SecretId: created.ARN!, ClientRequestToken: TOKEN, Step: 'createSecret' },
      { secretsManager: client, secretField: 'secret' },
    )).rejects.toThrow(`Secret ${created.ARN} does not have rotation enabled`);
  });

  test('lambda handler rotates the configured field', async () => {
    const { arn, token } = await startRotation('sso-lambda', { secret: OLD_VALUE, jwtSecret: OLD_VALUE });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.endpoint;
    process.env.SECRET_FIELD = 'jwtSecret';
    try {
      // A fresh module instance creates its client after the endpoint variable is set.
      let handlerModule: typeof import('../../src/sso/random-secret-rotation.lambda') | undefined;
      jest.isolateModules(() => {
        handlerModule = jest.requireActual('../../src/sso/random-secret-rotation.lambda');
      });

      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
        await handlerModule!.handler({ SecretId: arn, ClientRequestToken: token, Step: step });
      }
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      delete process.env.SECRET_FIELD;
    }

    const current = await readStage(arn, 'AWSCURRENT');
    expect(current.secret).toBe(OLD_VALUE);
    expect(describeInvalidRandomValue(current.jwtSecret)).toBeUndefined();
  });
});
