import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { SecretsManager } from '@aws-sdk/client-secrets-manager';
import { Storage, StorageOptions } from '@google-cloud/storage';
import {
  GcsBridgeDependencies,
  GcsBridgeHandler,
  ProbeRunResult,
  ReplicationRunResult,
  createGcsBridgeHandler,
  parseWorkloadIdentityConfiguration,
  storageOptionsFor,
} from '../../src/gcs/bridge';
import { AWS_SUBJECT_TOKEN_TYPE, workloadIdentityCredentialConfiguration } from '../../src/gcs/workload-identity';
import {
  StdoutCapture,
  captureStdout,
  createMotoClients,
  createQueue,
  createSecret,
  drainQueue,
  generateServiceAccountKey,
  useOfflineAwsEnvironment,
} from '../support/bridge-fixtures';
import { FakeGcsServer, startFakeGcsServer } from '../support/fake-gcs';
import { GcsProxy, startGcsProxy } from '../support/gcs-proxy';
import {
  GOOGLE_OAUTH_TOKEN_URL,
  HttpStub,
  RedirectingTransport,
  headerOf,
  parseAwsSubjectToken,
  redirectingTransport,
  startHttpStub,
  startOAuthTokenStub,
  verifyAwsSignatureV4,
} from '../support/google-auth-stubs';
import { MotoServer, startMotoServer } from '../support/moto-server';

jest.setTimeout(60_000);
useOfflineAwsEnvironment();

const NOW = new Date('2026-03-10T12:00:00Z');
const SERVICE_ACCOUNT = 'postiz-media@test-project.iam.gserviceaccount.com';
const SA_ACCESS_TOKEN = 'ya29.service-account-token-from-stub';
const STS_ACCESS_TOKEN = 'sts-federated-token-from-stub';
const IMPERSONATED_TOKEN = 'ya29.impersonated-token-from-stub';
const AWS_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION'];
const FUNCTION_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIAFUNCTIONROLE0001',
  AWS_SECRET_ACCESS_KEY: 'function-role-secret-access-key',
  AWS_SESSION_TOKEN: 'function-role-session-token',
  AWS_REGION: 'eu-west-1',
};

let emulator: FakeGcsServer;
let moto: MotoServer;
let storage: Storage;
let secretsManager: SecretsManager;
let bucketName: string;
let proxy: GcsProxy;
let stdout: StdoutCapture;
let counter = 0;
const stubs: HttpStub[] = [];

beforeAll(async () => {
  [emulator, moto] = await Promise.all([startFakeGcsServer(), startMotoServer()]);
  storage = new Storage({ apiEndpoint: emulator.endpoint, projectId: 'test', retryOptions: { autoRetry: false } });
  secretsManager = createMotoClients(moto.endpoint).secretsManager;
});

afterAll(async () => {
  await Promise.all([emulator?.stop(), moto?.stop()]);
});

beforeEach(async () => {
  counter++;
  bucketName = `credentials-${process.pid}-${counter}`;
  await storage.createBucket(bucketName);
  proxy = await startGcsProxy(emulator.endpoint);
  stdout = captureStdout();
});

afterEach(async () => {
  stdout.restore();
  await proxy.close();
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
  useOfflineAwsEnvironment();
});

async function track(stub: Promise<HttpStub>): Promise<HttpStub> {
  const started = await stub;
  stubs.push(started);
  return started;
}

function createHandler(
  environment: Record<string, string | undefined>,
  transport: RedirectingTransport,
  overrides: Partial<GcsBridgeDependencies> = {},
): GcsBridgeHandler {
  return createGcsBridgeHandler({
    secretsManager,
    deadLetterQueue: createMotoClients(moto.endpoint).sqs,
    createStorage: (options) => new Storage(options),
    environment,
    // Authenticate against the emulator like against Google, and keep the auth client's own
    // requests on 127.0.0.1.
    storageOptions: {
      useAuthWithCustomEndpoint: true,
      clientOptions: { transporterOptions: transport.transporterOptions } as StorageOptions['clientOptions'],
    },
    now: () => NOW,
    retry: { sleep: async () => undefined },
    ...overrides,
  });
}

/** Returns the Authorization header of each request that reached the proxy. */
function authorizationHeaders(): Array<string | undefined> {
  return proxy.requests.map((request) => request.authorization);
}

/** Records the host and port of every TCP connection that this process opens while `action` runs. */
async function recordConnections(action: () => Promise<unknown>): Promise<{ targets: string[]; error: unknown }> {
  const targets: string[] = [];
  const original = net.Socket.prototype.connect;
  const spy = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: any[]) {
    const [first] = args;
    const options = Array.isArray(first) ? first[0] : first;
    targets.push(typeof options === 'object' && options !== null ? `${options.host ?? options.path}:${options.port}` : `${String(args[1])}:${String(first)}`);
    return (original as (...connectArgs: any[]) => net.Socket).apply(this, args);
  });
  let error: unknown;
  try {
    await action();
  } catch (caught) {
    error = caught;
  } finally {
    spy.mockRestore();
  }
  return { targets, error };
}

describe('service-account key credentials', () => {
  test('sign in through the token endpoint', async () => {
    const oauthUrl = 'http://127.0.0.1:1/token';
    const { key, publicKeyPem } = generateServiceAccountKey(SERVICE_ACCOUNT, oauthUrl);
    const oauth = await track(startOAuthTokenStub(publicKeyPem, SERVICE_ACCOUNT, SA_ACCESS_TOKEN));
    const secretArn = await createSecret(secretsManager, `postiz/sa-key-${counter}`, JSON.stringify({ ...key, token_uri: `${oauth.url}/token` }));
    // NOTE: gtoken 7.1 ignores token_uri and posts to GOOGLE_OAUTH_TOKEN_URL, so the transport
    // redirects exactly that URL to the stub.
    const transport = redirectingTransport(GOOGLE_OAUTH_TOKEN_URL, `${oauth.url}/token`);
    const uploadsPath = fs.mkdtempSync(path.join(os.tmpdir(), 'postiz-bridge-credentials-'));
    try {
      const dayFolder = path.join(uploadsPath, '2026', '03', '10');
      fs.mkdirSync(dayFolder, { recursive: true });
      const uploadPath = path.join(dayFolder, '0123456789abcdef0123456789abcdef.png');
      fs.writeFileSync(uploadPath, 'png bytes');
      fs.utimesSync(uploadPath, NOW.getTime() / 1000 - 60, NOW.getTime() / 1000 - 60);
      const handler = createHandler({
        GCS_BUCKET_NAME: bucketName,
        GCS_PROJECT_ID: 'test-project',
        GCS_CREDENTIALS_SECRET_ARN: secretArn,
        GCS_API_ENDPOINT: proxy.endpoint,
        UPLOADS_PATH: uploadsPath,
        DEAD_LETTER_QUEUE_URL: await createQueue(createMotoClients(moto.endpoint).sqs, `credentials-dlq-${counter}`),
      }, transport);

      const probe = await handler({ mode: 'probe' }) as ProbeRunResult;
      const run = await handler({ mode: 'recent' }) as ReplicationRunResult;

      expect(probe.status).toBe('ok');
      expect(run.filesCopied).toBe(1);
    } finally {
      fs.rmSync(uploadsPath, { recursive: true, force: true });
    }

    expect(oauth.requests).toHaveLength(1);
    expect(transport.requestedUrls).toEqual([GOOGLE_OAUTH_TOKEN_URL]);
    // Probe write, read and delete, then the folder listing and the upload of the run.
    expect(proxy.requests.length).toBeGreaterThanOrEqual(5);
    for (const header of authorizationHeaders()) {
      expect(header).toBe(`Bearer ${SA_ACCESS_TOKEN}`);
    }
    const text = stdout.lines().join('\n');
    expect(text).not.toContain(SA_ACCESS_TOKEN);
    expect(text).not.toContain('PRIVATE KEY');
  });

  test('rejected key fails before storage', async () => {
    const { key } = generateServiceAccountKey(SERVICE_ACCOUNT);
    // The stub verifies with the public key of another key pair, as Google does after a key was deleted.
    const otherKey = generateServiceAccountKey(SERVICE_ACCOUNT);
    const oauth = await track(startOAuthTokenStub(otherKey.publicKeyPem, SERVICE_ACCOUNT, SA_ACCESS_TOKEN));
    const secretArn = await createSecret(secretsManager, `postiz/sa-key-${counter}`, JSON.stringify(key));
    const transport = redirectingTransport(GOOGLE_OAUTH_TOKEN_URL, `${oauth.url}/token`);
    const sqs = createMotoClients(moto.endpoint).sqs;
    const queueUrl = await createQueue(sqs, `credentials-dlq-${counter}`);
    const uploadsPath = fs.mkdtempSync(path.join(os.tmpdir(), 'postiz-bridge-credentials-'));
    try {
      fs.mkdirSync(path.join(uploadsPath, '2026', '03', '10'), { recursive: true });
      fs.writeFileSync(path.join(uploadsPath, '2026', '03', '10', '0123456789abcdef0123456789abcdef.png'), 'png bytes');
      const handler = createHandler({
        GCS_BUCKET_NAME: bucketName,
        GCS_PROJECT_ID: 'test-project',
        GCS_CREDENTIALS_SECRET_ARN: secretArn,
        GCS_API_ENDPOINT: proxy.endpoint,
        UPLOADS_PATH: uploadsPath,
        DEAD_LETTER_QUEUE_URL: queueUrl,
      }, transport);

      const error = await handler({ mode: 'probe' }).catch((caught: Error) => caught);

      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toMatch(/^Google rejected the credentials \(.*invalid_grant.*signature does not match/);
      expect(message).toContain(`Check the key in secret ${secretArn}`);
      expect(message).toContain(SERVICE_ACCOUNT);
      expect(message).not.toContain('eyJ');

      // A replication run stops before the first file instead of failing every file.
      await expect(handler({ mode: 'recent' })).rejects.toThrow(/^Google rejected the credentials/);
    } finally {
      fs.rmSync(uploadsPath, { recursive: true, force: true });
    }
    expect(oauth.requests).toHaveLength(2);
    expect(proxy.requests).toEqual([]);
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
    expect(stdout.jsonLines().filter((line) => '_aws' in line)).toEqual([]);
  });
});

describe('workload identity federation credentials', () => {
  const PROPS = {
    projectNumber: '123456789012',
    poolId: 'aws-postiz',
    providerId: 'aws-account',
    serviceAccountEmail: SERVICE_ACCOUNT,
  };
  const AUDIENCE = '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/aws-postiz/providers/aws-account';
  const IMPERSONATION_PATH = `/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`;

  function setFunctionCredentials(): void {
    for (const name of AWS_VARIABLES) {
      delete process.env[name];
    }
    Object.assign(process.env, FUNCTION_CREDENTIALS);
  }

  /** Starts the STS and IAM Credentials stubs and returns the configuration aimed at them. */
  async function startFederationStubs(): Promise<{ sts: HttpStub; iam: HttpStub; configuration: Record<string, unknown> }> {
    const stsChecks: string[] = [];
    const sts = await track(startHttpStub((request) => {
      const form = new URLSearchParams(request.body);
      const subject = parseAwsSubjectToken(form.get('subject_token') ?? '');
      const accessKeyId = verifyAwsSignatureV4(subject, FUNCTION_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
      const failures = [
        form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:token-exchange' ? '' : `grant_type ${form.get('grant_type')}`,
        form.get('audience') === AUDIENCE ? '' : `audience ${form.get('audience')}`,
        form.get('subject_token_type') === AWS_SUBJECT_TOKEN_TYPE ? '' : `subject_token_type ${form.get('subject_token_type')}`,
        subject.method === 'POST' ? '' : `method ${subject.method}`,
        subject.url === 'https://sts.eu-west-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15' ? '' : `url ${subject.url}`,
        accessKeyId === FUNCTION_CREDENTIALS.AWS_ACCESS_KEY_ID ? '' : `access key id ${accessKeyId}`,
        headerOf(subject, 'x-amz-security-token') === FUNCTION_CREDENTIALS.AWS_SESSION_TOKEN ? '' : 'session token',
        headerOf(subject, 'x-goog-cloud-target-resource') === AUDIENCE ? '' : 'x-goog-cloud-target-resource',
      ].filter((failure) => failure !== '');
      stsChecks.push(...failures);
      if (failures.length > 0) {
        return { status: 400, body: { error: 'invalid_grant', error_description: failures.join('; ') } };
      }
      return {
        status: 200,
        body: {
          access_token: STS_ACCESS_TOKEN,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: 3600,
        },
      };
    }));
    const iam = await track(startHttpStub((request) => {
      const body = JSON.parse(request.body || '{}') as { scope?: string[] };
      if (request.method !== 'POST' || request.url !== IMPERSONATION_PATH) {
        return { status: 404, body: { error: { code: 404, message: `No route ${request.method} ${request.url}` } } };
      }
      if (request.headers.authorization !== `Bearer ${STS_ACCESS_TOKEN}`) {
        return { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.' } } };
      }
      if (!Array.isArray(body.scope) || body.scope.length === 0) {
        return { status: 400, body: { error: { code: 400, message: 'scope is required' } } };
      }
      return { status: 200, body: { accessToken: IMPERSONATED_TOKEN, expireTime: new Date(Date.now() + 3600_000).toISOString() } };
    }));
    const configuration = {
      ...workloadIdentityCredentialConfiguration(PROPS),
      token_url: `${sts.url}/v1/token`,
      service_account_impersonation_url: `${iam.url}${IMPERSONATION_PATH}`,
    };
    return { sts, iam, configuration };
  }

  function federationEnvironment(configuration: Record<string, unknown>, aws: Record<string, string> = FUNCTION_CREDENTIALS) {
    return {
      ...aws,
      GCS_BUCKET_NAME: bucketName,
      GCS_PROJECT_ID: 'test-project',
      GCS_CREDENTIAL_CONFIG: JSON.stringify(configuration),
      GCS_API_ENDPOINT: proxy.endpoint,
    };
  }

  test('exchanges the role credentials', async () => {
    setFunctionCredentials();
    const { sts, iam, configuration } = await startFederationStubs();
    const transport = redirectingTransport('', '');
    const handler = createHandler(federationEnvironment(configuration), transport);

    const probe = await handler({ mode: 'probe' }) as ProbeRunResult;
    await handler({ mode: 'probe' });

    expect(probe.status).toBe('ok');
    expect(sts.requests).toHaveLength(1);
    expect(iam.requests).toHaveLength(1);
    expect(iam.requests[0].headers.authorization).toBe(`Bearer ${STS_ACCESS_TOKEN}`);
    expect(proxy.requests).toHaveLength(6);
    for (const header of authorizationHeaders()) {
      expect(header).toBe(`Bearer ${IMPERSONATED_TOKEN}`);
    }
    expect(transport.requestedUrls.every((url) => url.startsWith('http://127.0.0.1:'))).toBe(true);
    const text = stdout.lines().join('\n');
    expect(text).not.toContain(IMPERSONATED_TOKEN);
    expect(text).not.toContain(FUNCTION_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
  });

  test('reports a rejected exchange', async () => {
    setFunctionCredentials();
    const { sts, configuration } = await startFederationStubs();
    // Signing with another secret key makes the STS stub reject the subject token.
    process.env.AWS_SECRET_ACCESS_KEY = 'another-secret-access-key';
    const handler = createHandler(federationEnvironment(configuration, { ...FUNCTION_CREDENTIALS, AWS_SECRET_ACCESS_KEY: 'another-secret-access-key' }), redirectingTransport('', ''));

    await expect(handler({ mode: 'probe' })).rejects.toThrow(
      new RegExp(`^Google rejected the credentials: the token exchange through Workload Identity Federation failed \\(.*signature does not match.*\\)\\. Check the workload identity provider ${AUDIENCE}`),
    );
    expect(sts.requests).toHaveLength(1);
    expect(proxy.requests).toEqual([]);
  });

  test('the configuration names no metadata address', () => {
    const configuration = workloadIdentityCredentialConfiguration(PROPS);
    const credentialSource = configuration.credential_source as Record<string, unknown>;
    expect(Object.keys(credentialSource).sort()).toEqual(['environment_id', 'regional_cred_verification_url']);
    expect(JSON.stringify(configuration)).not.toMatch(/169\.254\.|fd00:ec2/);
    expect(parseWorkloadIdentityConfiguration(JSON.stringify(configuration))).toEqual(configuration);
  });

  test('connection recorder sees requests', async () => {
    // The proxy's port is new in each test, so no pooled connection to it exists yet.
    const client = new Storage({ apiEndpoint: proxy.endpoint, projectId: 'test', retryOptions: { autoRetry: false } });
    const { targets, error } = await recordConnections(() => client.bucket(bucketName).exists());
    const port = new URL(proxy.endpoint).port;

    expect(error).toBeUndefined();
    expect(targets).toContain(`127.0.0.1:${port}`);
  });

  test('bridge fails fast without AWS variables', async () => {
    for (const name of AWS_VARIABLES) {
      delete process.env[name];
    }
    const { sts, iam, configuration } = await startFederationStubs();
    const handler = createHandler(federationEnvironment(configuration, {}), redirectingTransport('', ''));

    const { targets, error } = await recordConnections(() => handler({ mode: 'probe' }));

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Workload Identity Federation needs the AWS credentials .* AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY are not set/);
    expect(targets).toEqual([]);
    expect(sts.requests).toEqual([]);
    expect(iam.requests).toEqual([]);
    expect(proxy.requests).toEqual([]);
  });

  test.each([
    ['without AWS variables', {}, /Unable to determine AWS region due to missing "options\.credential_source\.region_url"/],
    ['with only a region', { AWS_REGION: 'eu-west-1' }, /Unable to determine AWS role name due to missing "options\.credential_source\.url"/],
  ])('client fails fast %s', async (_case, aws, message) => {
    for (const name of AWS_VARIABLES) {
      delete process.env[name];
    }
    Object.assign(process.env, aws);
    const { sts, iam, configuration } = await startFederationStubs();
    const client = new Storage(storageOptionsFor(
      { projectId: 'test-project', apiEndpoint: proxy.endpoint, overrides: { useAuthWithCustomEndpoint: true } },
      { credentials: configuration, source: { kind: 'workload-identity', configuration } },
    ));

    const { targets, error } = await recordConnections(() => client.authClient.getAccessToken());

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect(targets).toEqual([]);
    expect(sts.requests).toEqual([]);
    expect(iam.requests).toEqual([]);
  });
});
