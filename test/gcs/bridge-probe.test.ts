import type { GetSecretValueCommandInput, SecretsManager } from '@aws-sdk/client-secrets-manager';
import { Storage } from '@google-cloud/storage';
import {
  GcsBridgeDependencies,
  GcsBridgeHandler,
  ProbeResourceResponse,
  ProbeRunResult,
  SECRET_CACHE_TTL_MS,
  SecretValueApi,
  createGcsBridgeHandler,
} from '../../src/gcs/bridge';
import {
  StdoutCapture,
  captureStdout,
  createMotoClients,
  createSecret,
  generateServiceAccountKey,
  useOfflineAwsEnvironment,
} from '../support/bridge-fixtures';
import { FakeGcsServer, startFakeGcsServer } from '../support/fake-gcs';
import { GcsProxy, startGcsProxy } from '../support/gcs-proxy';
import { MotoServer, startMotoServer } from '../support/moto-server';

jest.setTimeout(60_000);
useOfflineAwsEnvironment();

const SERVICE_ACCOUNT = 'postiz-media@test-project.iam.gserviceaccount.com';
const PROBE_OBJECT = '.cdk-postiz-probe/test-object';
const PLACEHOLDER = JSON.stringify({ cdkPostizPlaceholder: 'x', password: 'Z9placeholderRandomValue' });

let emulator: FakeGcsServer;
let moto: MotoServer;
let storage: Storage;
let secretsManager: SecretsManager;
let keyJson: string;
let bucketName: string;
let secretArn: string;
let stdout: StdoutCapture;
let proxy: GcsProxy | undefined;
let counter = 0;

beforeAll(async () => {
  [emulator, moto] = await Promise.all([startFakeGcsServer(), startMotoServer()]);
  storage = new Storage({ apiEndpoint: emulator.endpoint, projectId: 'test', retryOptions: { autoRetry: false } });
  secretsManager = createMotoClients(moto.endpoint).secretsManager;
  keyJson = JSON.stringify(generateServiceAccountKey(SERVICE_ACCOUNT).key);
});

afterAll(async () => {
  await Promise.all([emulator?.stop(), moto?.stop()]);
});

beforeEach(async () => {
  counter++;
  bucketName = `probe-${process.pid}-${counter}`;
  await storage.createBucket(bucketName);
  secretArn = await createSecret(secretsManager, `postiz/gcs-key-${counter}`, keyJson);
  stdout = captureStdout();
});

afterEach(async () => {
  stdout.restore();
  await proxy?.close();
  proxy = undefined;
});

/** Creates a Secrets Manager client that records each GetSecretValue call. */
function countingSecrets(): SecretValueApi & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getSecretValue: async (input: GetSecretValueCommandInput) => {
      calls.push(String(input.SecretId));
      return secretsManager.getSecretValue(input);
    },
  };
}

function environment(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GCS_BUCKET_NAME: bucketName,
    GCS_PROJECT_ID: 'test-project',
    GCS_CREDENTIALS_SECRET_ARN: secretArn,
    GCS_API_ENDPOINT: proxy?.endpoint ?? emulator.endpoint,
    ...overrides,
  };
}

function createHandler(overrides: Partial<GcsBridgeDependencies> = {}, env = environment()): GcsBridgeHandler {
  return createGcsBridgeHandler({
    secretsManager,
    deadLetterQueue: () => { throw new Error('the probe must not use the dead-letter queue'); },
    createStorage: (options) => new Storage(options),
    environment: env,
    probeObjectName: () => PROBE_OBJECT,
    ...overrides,
  });
}

function customResourceEvent(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, string> = {}, physicalResourceId?: string) {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned?X-Amz-Signature=SECRET',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
    RequestId: 'request-1',
    LogicalResourceId: 'GcsProbe',
    ResourceType: 'Custom::GcsProbe',
    ...(physicalResourceId !== undefined ? { PhysicalResourceId: physicalResourceId } : {}),
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', Bucket: bucketName, ...properties },
  };
}

async function probeObjects(): Promise<string[]> {
  const [files] = await storage.bucket(bucketName).getFiles({ prefix: '.cdk-postiz-probe/' });
  return files.map((file) => file.name);
}

/** Starts a proxy in front of the emulator that responds with `status` to requests that `matches` picks. */
async function startProxy(status: number, matches: (method: string, url: string) => boolean): Promise<GcsProxy> {
  proxy = await startGcsProxy(emulator.endpoint, (request) => (matches(request.method ?? '', request.url ?? '') ? status : undefined));
  return proxy;
}

describe('probe', () => {
  test('writes, reads and deletes an object', async () => {
    proxy = await startGcsProxy(emulator.endpoint);
    const result = await createHandler()({ mode: 'probe' }) as ProbeRunResult;

    expect(result.mode).toBe('probe');
    expect(result.status).toBe('ok');
    expect(result.bucket).toBe(bucketName);
    expect(result.objectName).toBe(PROBE_OBJECT);
    expect(result.message).toContain(`bucket ${bucketName}`);
    const encoded = encodeURIComponent(PROBE_OBJECT);
    const requests = proxy.requests.map((request) => request.method + ' ' + request.url.split('?')[0]);
    expect(requests).toEqual([
      `POST /upload/storage/v1/b/${bucketName}/o`,
      `GET /storage/v1/b/${bucketName}/o/${encoded}`,
      `DELETE /storage/v1/b/${bucketName}/o/${encoded}`,
    ]);
    expect(proxy.requests[0].url).toContain('ifGenerationMatch=0');
    expect(await probeObjects()).toEqual([]);
  });

  test('uses a new random object name', async () => {
    proxy = await startGcsProxy(emulator.endpoint);
    const handler = createHandler({ probeObjectName: undefined });

    const first = await handler({ mode: 'probe' }) as ProbeRunResult;
    const second = await handler({ mode: 'probe' }) as ProbeRunResult;

    expect(first.objectName).toMatch(/^\.cdk-postiz-probe\/[0-9a-f-]{36}$/);
    expect(second.objectName).toMatch(/^\.cdk-postiz-probe\/[0-9a-f-]{36}$/);
    expect(second.objectName).not.toBe(first.objectName);
    expect(await probeObjects()).toEqual([]);
  });

  test('reports a missing bucket', async () => {
    const handler = createHandler({}, environment({ GCS_BUCKET_NAME: `missing-${bucketName}` }));
    await expect(handler({ mode: 'probe' })).rejects.toThrow(
      new RegExp(`^Bucket missing-${bucketName} was not found \\(.*404.*\\): it does not exist .*project test-project`),
    );
  });

  test('reports a denied write', async () => {
    await startProxy(403, (method, url) => method === 'POST' && url.startsWith('/upload/'));
    const handler = createHandler();

    const error = await handler({ mode: 'probe' }).catch((caught: Error) => caught);

    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`Permission denied: ${SERVICE_ACCOUNT} lacks storage.objects.create on bucket ${bucketName}`);
    expect(message).toContain('roles/storage.objectUser');
    expect(message).toContain('Injected status 403');
    expect(await probeObjects()).toEqual([]);
  });

  test('reports a denied delete', async () => {
    await startProxy(403, (method) => method === 'DELETE');
    const handler = createHandler();

    await expect(handler({ mode: 'probe' })).rejects.toThrow(
      new RegExp(`lacks storage.objects.delete on bucket ${bucketName}.*Object gs://${bucketName}/\\.cdk-postiz-probe/test-object remains`),
    );
    expect(await probeObjects()).toEqual([PROBE_OBJECT]);
  });

  test('reports a denied read and still deletes', async () => {
    await startProxy(403, (method) => method === 'GET');
    const handler = createHandler();

    await expect(handler({ mode: 'probe' })).rejects.toThrow(`Permission denied: ${SERVICE_ACCOUNT} lacks storage.objects.get on bucket ${bucketName}`);
    expect(await probeObjects()).toEqual([]);
  });

  test('reports rejected credentials', async () => {
    await startProxy(401, (method) => method === 'POST');
    const secrets = countingSecrets();
    const handler = createHandler({ secretsManager: secrets });

    await expect(handler({ mode: 'probe' })).rejects.toThrow(
      new RegExp(`^Google rejected the credentials \\(.*401.*\\)\\. Check the key in secret ${escape(secretArn)}: it must be a current key of ${escape(SERVICE_ACCOUNT)}`),
    );
    // A rejected key is read again on the next invocation, before the cache expires.
    await expect(handler({ mode: 'probe' })).rejects.toThrow(/Google rejected the credentials/);
    expect(secrets.calls).toEqual([secretArn, secretArn]);
  });

  test('reports a retryable error as unavailable', async () => {
    await startProxy(503, (method) => method === 'POST');
    await expect(createHandler()({ mode: 'probe' })).rejects.toThrow(
      new RegExp(`^Probe write of gs://${bucketName}/\\.cdk-postiz-probe/test-object failed \\(.*Injected status 503\\)\\. Retry the deployment`),
    );
  });
});

describe('probe custom resource', () => {
  test('create and update run the probe', async () => {
    proxy = await startGcsProxy(emulator.endpoint);
    const handler = createHandler();

    const created = await handler(customResourceEvent('Create')) as ProbeResourceResponse;
    const updated = await handler(customResourceEvent('Update', {}, `gcs-probe:${bucketName}`)) as ProbeResourceResponse;

    expect(created.PhysicalResourceId).toBe(`gcs-probe:${bucketName}`);
    expect(created.Data?.Status).toMatch(/^Probe succeeded/);
    expect(updated.PhysicalResourceId).toBe(`gcs-probe:${bucketName}`);
    expect(updated.Data?.Status).toMatch(/^Probe succeeded/);
    expect(proxy.requests.filter((request) => request.method === 'DELETE')).toHaveLength(2);
    expect(await probeObjects()).toEqual([]);
    expect(stdout.lines().join('\n')).not.toContain('X-Amz-Signature');
  });

  test('create fails with the probe error', async () => {
    await startProxy(403, (method, url) => method === 'POST' && url.startsWith('/upload/'));
    await expect(createHandler()(customResourceEvent('Create'))).rejects.toThrow(/lacks storage.objects.create/);
  });

  test('delete is a no-op', async () => {
    proxy = await startGcsProxy(emulator.endpoint);
    const secrets = countingSecrets();
    // Even a broken configuration must not block the stack's deletion.
    const handler = createHandler({ secretsManager: secrets }, {});

    const result = await handler(customResourceEvent('Delete', {}, 'gcs-probe:old-bucket')) as ProbeResourceResponse;

    expect(result).toEqual({ PhysicalResourceId: 'gcs-probe:old-bucket' });
    expect(proxy.requests).toEqual([]);
    expect(secrets.calls).toEqual([]);
  });

  test('rejects a different bucket', async () => {
    const event = customResourceEvent('Create', { Bucket: 'other-bucket' });
    await expect(createHandler()(event)).rejects.toThrow(
      `Custom resource property Bucket "other-bucket" differs from GCS_BUCKET_NAME "${bucketName}"`,
    );
  });

  test('rejects an invalid AllowUnfilledKey', async () => {
    await expect(createHandler()(customResourceEvent('Create', { AllowUnfilledKey: 'yes' })))
      .rejects.toThrow('Invalid custom resource property AllowUnfilledKey "yes": use the string "true" or "false".');
  });
});

describe('probe credentials secret', () => {
  test('unfilled secret fails the probe', async () => {
    const placeholderArn = await createSecret(secretsManager, `postiz/unfilled-${counter}`, PLACEHOLDER);
    const handler = createHandler({}, environment({ GCS_CREDENTIALS_SECRET_ARN: placeholderArn }));

    await expect(handler({ mode: 'probe' })).rejects.toThrow(`put the service-account key JSON into secret ${placeholderArn}`);
    await expect(handler(customResourceEvent('Create'))).rejects.toThrow(`put the service-account key JSON into secret ${placeholderArn}`);
    await expect(handler(customResourceEvent('Create', { AllowUnfilledKey: 'false' })))
      .rejects.toThrow(`put the service-account key JSON into secret ${placeholderArn}`);
    expect(stdout.lines().join('\n')).not.toContain('Z9placeholderRandomValue');
  });

  test('unfilled secret passes with AllowUnfilledKey', async () => {
    const placeholderArn = await createSecret(secretsManager, `postiz/unfilled-${counter}`, PLACEHOLDER);
    proxy = await startGcsProxy(emulator.endpoint);
    const handler = createHandler({}, environment({ GCS_CREDENTIALS_SECRET_ARN: placeholderArn }));

    const result = await handler(customResourceEvent('Create', { AllowUnfilledKey: 'true' })) as ProbeResourceResponse;

    expect(result.PhysicalResourceId).toBe(`gcs-probe:${bucketName}`);
    expect(result.Data?.Status).toMatch(new RegExp(`^Service-account key missing: secret ${escape(placeholderArn)} still contains the placeholder`));
    expect(proxy.requests).toEqual([]);
  });

  test('AllowUnfilledKey keeps other failures', async () => {
    const handler = createHandler({}, environment({ GCS_BUCKET_NAME: `missing-${bucketName}` }));
    await expect(handler(customResourceEvent('Create', { AllowUnfilledKey: 'true', Bucket: `missing-${bucketName}` })))
      .rejects.toThrow(/was not found/);
  });

  test.each([
    ['not JSON', 'not json SECRETVALUE', /is not valid JSON: store a Google service-account key JSON object/],
    ['an array', '["SECRETVALUE"]', /is not a JSON object/],
    ['another type', JSON.stringify({ type: 'authorized_user', refresh_token: 'SECRETVALUE' }), /has type "authorized_user"/],
    ['no private key', JSON.stringify({ type: 'service_account', client_email: SERVICE_ACCOUNT, private_key_id: 'SECRETVALUE' }), /has no non-empty string field "private_key"/],
    ['no client email', JSON.stringify({ type: 'service_account', private_key: 'SECRETVALUE' }), /has no non-empty string field "client_email"/],
    ['an invalid key', JSON.stringify({ type: 'service_account', client_email: SERVICE_ACCOUNT, private_key: 'SECRETVALUE' }), /"private_key" of secret .* is not a valid PEM private key/],
  ])('rejects a secret with %s', async (_case, value, message) => {
    const invalidArn = await createSecret(secretsManager, `postiz/invalid-${counter}`, value);
    const error = await createHandler({}, environment({ GCS_CREDENTIALS_SECRET_ARN: invalidArn }))({ mode: 'probe' })
      .catch((caught: Error) => caught);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(invalidArn);
    expect((error as Error).message).not.toContain('SECRETVALUE');
    expect(stdout.lines().join('\n')).not.toContain('SECRETVALUE');
  });

  test('reports an unreadable secret', async () => {
    const missingArn = `${secretArn.slice(0, secretArn.lastIndexOf(':'))}:postiz/missing-AbCdEf`;
    await expect(createHandler({}, environment({ GCS_CREDENTIALS_SECRET_ARN: missingArn }))({ mode: 'probe' }))
      .rejects.toThrow(new RegExp(`^Reading secret ${escape(missingArn)} failed: ResourceNotFoundException.*secretsmanager:GetSecretValue`));
  });

  test('caches the key for five minutes', async () => {
    let now = new Date('2026-03-10T12:00:00Z');
    const secrets = countingSecrets();
    const handler = createHandler({ secretsManager: secrets, now: () => now });

    await handler({ mode: 'probe' });
    now = new Date(now.getTime() + SECRET_CACHE_TTL_MS - 1000);
    await handler({ mode: 'probe' });

    expect(secrets.calls).toHaveLength(1);

    // The operator replaces the key with an invalid value: the cached key is used until the TTL ends.
    await secretsManager.putSecretValue({ SecretId: secretArn, SecretString: PLACEHOLDER });
    await handler({ mode: 'probe' });
    expect(secrets.calls).toHaveLength(1);

    now = new Date(now.getTime() + 1000);
    await expect(handler({ mode: 'probe' })).rejects.toThrow(/put the service-account key JSON into secret/);
    expect(secrets.calls).toHaveLength(2);

    // A placeholder is never cached, so the filled key is used on the next invocation.
    await secretsManager.putSecretValue({ SecretId: secretArn, SecretString: keyJson });
    await handler({ mode: 'probe' });
    expect(secrets.calls).toHaveLength(3);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
