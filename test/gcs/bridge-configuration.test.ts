import { generateKeyPairSync } from 'crypto';
import {
  ACCEPTED_EVENTS,
  CredentialConfigurationError,
  DEFAULT_METRICS_NAMESPACE,
  GcsBridgeHandler,
  UnfilledSecretError,
  checkWorkloadIdentityEnvironment,
  createGcsBridgeHandler,
  impersonatedServiceAccountEmail,
  parseBridgeConfiguration,
  parseBridgeEvent,
  parseServiceAccountKey,
  replicationMetricsRecord,
  storageOptionsFor,
} from '../../src/gcs/bridge';
import { workloadIdentityCredentialConfiguration } from '../../src/gcs/workload-identity';
import { StdoutCapture, captureStdout } from '../support/bridge-fixtures';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:postiz/gcs-key-AbC123';
const WIF_CONFIG = workloadIdentityCredentialConfiguration({
  projectNumber: '123456789012',
  poolId: 'aws-postiz',
  providerId: 'aws-account',
  serviceAccountEmail: 'postiz-media@test-project.iam.gserviceaccount.com',
});

const BASE_ENVIRONMENT = {
  GCS_BUCKET_NAME: 'postiz-media',
  GCS_PROJECT_ID: 'test-project',
  GCS_CREDENTIALS_SECRET_ARN: SECRET_ARN,
};

const REPLICATING_ENVIRONMENT = {
  ...BASE_ENVIRONMENT,
  UPLOADS_PATH: '/mnt/uploads',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/postiz-gcs-dlq',
};

describe('bridge configuration', () => {
  test('reads a probe-only function', () => {
    const configuration = parseBridgeConfiguration(BASE_ENVIRONMENT);

    expect(configuration.bucketName).toBe('postiz-media');
    expect(configuration.projectId).toBe('test-project');
    expect(configuration.credentialSource).toEqual({ kind: 'service-account-secret', secretArn: SECRET_ARN });
    expect(configuration.apiEndpoint).toBeUndefined();
    expect(configuration.replication).toBeUndefined();
    expect(configuration.metricsNamespace).toBe(DEFAULT_METRICS_NAMESPACE);
    expect(DEFAULT_METRICS_NAMESPACE).toBe('CdkPostiz/GcsBridge');
  });

  test('applies replication defaults', () => {
    const configuration = parseBridgeConfiguration(REPLICATING_ENVIRONMENT);

    expect(configuration.replication).toEqual({
      uploadsPath: '/mnt/uploads',
      deadLetterQueueUrl: REPLICATING_ENVIRONMENT.DEAD_LETTER_QUEUE_URL,
      recentDays: 2,
      minFileAgeSeconds: 10,
      concurrency: 4,
    });
  });

  test('reads every optional variable', () => {
    const configuration = parseBridgeConfiguration({
      ...REPLICATING_ENVIRONMENT,
      GCS_API_ENDPOINT: 'http://127.0.0.1:4443/',
      RECENT_DAYS: '3',
      MIN_FILE_AGE_SECONDS: '0',
      CONCURRENCY: '8',
      METRICS_NAMESPACE: 'Custom/Namespace',
    });

    expect(configuration.apiEndpoint).toBe('http://127.0.0.1:4443');
    expect(configuration.replication?.recentDays).toBe(3);
    expect(configuration.replication?.minFileAgeSeconds).toBe(0);
    expect(configuration.replication?.concurrency).toBe(8);
    expect(configuration.metricsNamespace).toBe('Custom/Namespace');
  });

  test('reads a federation configuration', () => {
    const configuration = parseBridgeConfiguration({
      ...BASE_ENVIRONMENT,
      GCS_CREDENTIALS_SECRET_ARN: undefined,
      GCS_CREDENTIAL_CONFIG: JSON.stringify(WIF_CONFIG),
    });

    expect(configuration.credentialSource).toEqual({ kind: 'workload-identity', configuration: WIF_CONFIG });
  });

  test.each([
    ['missing bucket', { GCS_BUCKET_NAME: undefined }, 'Missing environment variable GCS_BUCKET_NAME: set it to the name of the Cloud Storage bucket.'],
    ['empty project', { GCS_PROJECT_ID: ' ' }, 'Missing environment variable GCS_PROJECT_ID'],
    ['no credential source', { GCS_CREDENTIALS_SECRET_ARN: undefined }, 'Missing credential source: set GCS_CREDENTIALS_SECRET_ARN'],
    ['two credential sources', { GCS_CREDENTIAL_CONFIG: JSON.stringify(WIF_CONFIG) }, 'Both GCS_CREDENTIALS_SECRET_ARN and GCS_CREDENTIAL_CONFIG are set'],
    ['endpoint without scheme', { GCS_API_ENDPOINT: '127.0.0.1:4443' }, 'Invalid environment variable GCS_API_ENDPOINT "127.0.0.1:4443"'],
    ['relative uploads path', { UPLOADS_PATH: 'uploads', DEAD_LETTER_QUEUE_URL: 'https://queue' }, 'Invalid environment variable UPLOADS_PATH "uploads"'],
    ['uploads without queue', { UPLOADS_PATH: '/mnt/uploads' }, 'Missing environment variable DEAD_LETTER_QUEUE_URL: it is required when UPLOADS_PATH is set'],
  ])('rejects %s', (_case, overrides, message) => {
    expect(() => parseBridgeConfiguration({ ...BASE_ENVIRONMENT, ...overrides })).toThrow(message);
  });

  test.each([
    ['RECENT_DAYS', 'two', 'Invalid environment variable RECENT_DAYS "two": use a whole number from 1 to 366, or leave it unset for 2.'],
    ['RECENT_DAYS', '0', 'Invalid environment variable RECENT_DAYS "0": use a whole number from 1 to 366'],
    ['RECENT_DAYS', '367', 'Invalid environment variable RECENT_DAYS "367"'],
    ['MIN_FILE_AGE_SECONDS', '-5', 'Invalid environment variable MIN_FILE_AGE_SECONDS "-5": use a whole number 0 or more, or leave it unset for 10.'],
    ['MIN_FILE_AGE_SECONDS', '1.5', 'Invalid environment variable MIN_FILE_AGE_SECONDS "1.5"'],
    ['CONCURRENCY', '0', 'Invalid environment variable CONCURRENCY "0": use a whole number from 1 to 64, or leave it unset for 4.'],
    ['CONCURRENCY', '4x', 'Invalid environment variable CONCURRENCY "4x"'],
    ['CONCURRENCY', '1e2', 'Invalid environment variable CONCURRENCY "1e2"'],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => parseBridgeConfiguration({ ...REPLICATING_ENVIRONMENT, [name]: value })).toThrow(message);
  });

  test.each([
    ['not JSON', '{type', 'Environment variable GCS_CREDENTIAL_CONFIG is not valid JSON'],
    ['an array', '[]', 'Environment variable GCS_CREDENTIAL_CONFIG is not a JSON object'],
    ['a service-account key', JSON.stringify({ type: 'service_account', private_key: 'KEYTEXT' }), 'has type "service_account", but the function expects "external_account"'],
    ['no audience', JSON.stringify({ ...WIF_CONFIG, audience: undefined }), 'Environment variable GCS_CREDENTIAL_CONFIG has no "audience" field'],
    ['no credential source', JSON.stringify({ ...WIF_CONFIG, credential_source: undefined }), 'has no "credential_source" field'],
  ])('rejects a federation configuration with %s', (_case, value, message) => {
    const parse = () => parseBridgeConfiguration({ ...BASE_ENVIRONMENT, GCS_CREDENTIALS_SECRET_ARN: undefined, GCS_CREDENTIAL_CONFIG: value });
    expect(parse).toThrow(message);
    expect(parse).not.toThrow(/KEYTEXT/);
  });
});

describe('bridge events', () => {
  test('parses the accepted events', () => {
    expect(parseBridgeEvent({ mode: 'recent' })).toEqual({ kind: 'recent' });
    expect(parseBridgeEvent({ mode: 'probe' })).toEqual({ kind: 'probe' });
    expect(parseBridgeEvent({ mode: 'backfill', from: '2026-01-01', to: '2026-01-31' }))
      .toEqual({ kind: 'backfill', from: '2026-01-01', to: '2026-01-31' });
    expect(parseBridgeEvent({
      RequestType: 'Update',
      PhysicalResourceId: 'gcs-probe:postiz-media',
      LogicalResourceId: 'Probe',
      ResourceProperties: { ServiceToken: 'arn', Bucket: 'postiz-media', AllowUnfilledKey: 'true' },
    })).toEqual({
      kind: 'custom-resource',
      requestType: 'Update',
      bucket: 'postiz-media',
      allowUnfilledKey: true,
      physicalResourceId: 'gcs-probe:postiz-media',
      logicalResourceId: 'Probe',
    });
  });

  test.each([
    ['null', null, 'received an event of type null'],
    ['a string', 'recent', 'received an event of type string'],
    ['an array', [{ mode: 'recent' }], 'received an event of type array'],
    ['an unknown mode', { mode: 'everything' }, 'received an event with mode "everything"'],
    ['no mode', { source: 'aws.events', detail: {} }, 'received an event with the fields [source, detail]'],
    ['backfill without range', { mode: 'backfill', from: '2026-01-01' }, 'received a backfill event without string fields "from" and "to"'],
    ['an unknown request type', { RequestType: 'Replace', ResourceProperties: { Bucket: 'b' } }, 'whose RequestType is not Create, Update or Delete'],
    ['no properties', { RequestType: 'Create' }, 'a custom resource event without ResourceProperties'],
  ])('rejects %s', (_case, event, message) => {
    expect(() => parseBridgeEvent(event)).toThrow(message);
    expect(() => parseBridgeEvent(event)).toThrow(`It accepts ${ACCEPTED_EVENTS.join('; ')}.`);
  });

  test('error lists every accepted shape', () => {
    expect(() => parseBridgeEvent({})).toThrow(
      'It accepts {"mode":"recent"}; {"mode":"backfill","from":"YYYY-MM-DD","to":"YYYY-MM-DD"}; {"mode":"probe"}; '
      + 'a CloudFormation custom resource event with RequestType Create, Update or Delete and ResourceProperties.Bucket.',
    );
  });

  test('rejects a custom resource without bucket', () => {
    expect(() => parseBridgeEvent({ RequestType: 'Create', ResourceProperties: { ServiceToken: 'arn' } }))
      .toThrow('Custom resource property Bucket is missing or empty: the construct must set it to the bucket name.');
  });
});

describe('bridge handler errors', () => {
  let stdout: StdoutCapture;

  beforeEach(() => {
    stdout = captureStdout();
  });

  afterEach(() => {
    stdout.restore();
  });

  /** Creates a handler whose clients fail the test when called. */
  function unusedClientsHandler(environment: Record<string, string | undefined>): GcsBridgeHandler {
    return createGcsBridgeHandler({
      secretsManager: { getSecretValue: async () => { throw new Error('Secrets Manager must not be called'); } },
      deadLetterQueue: () => { throw new Error('SQS must not be called'); },
      createStorage: () => { throw new Error('Storage must not be created'); },
      environment,
    });
  }

  test('invalid event fails and logs', async () => {
    await expect(unusedClientsHandler(REPLICATING_ENVIRONMENT)({ mode: 'sync' })).rejects.toThrow(/Unsupported event: .*mode "sync"/);

    const failed = stdout.jsonLines().find((line) => line.action === 'invocation_failed');
    expect(failed?.level).toBe('ERROR');
    expect(failed?.event).toBe('gcs_bridge');
    expect(failed?.reason).toMatch(/^Unsupported event/);
  });

  test('invalid environment fails before any client', async () => {
    await expect(unusedClientsHandler({ ...REPLICATING_ENVIRONMENT, CONCURRENCY: 'many' })({ mode: 'recent' }))
      .rejects.toThrow('Invalid environment variable CONCURRENCY "many"');
    await expect(unusedClientsHandler({})({ mode: 'probe' }))
      .rejects.toThrow('Missing environment variable GCS_BUCKET_NAME');
  });

  test('delete needs no configuration', async () => {
    const result = await unusedClientsHandler({})({
      RequestType: 'Delete',
      ResourceProperties: { ServiceToken: 'arn', Bucket: 'postiz-media' },
    });
    expect(result).toEqual({ PhysicalResourceId: 'gcs-probe:postiz-media' });
  });

  test('reads the environment on each call', async () => {
    const environment: Record<string, string | undefined> = {};
    const handler = unusedClientsHandler(environment);
    await expect(handler({ mode: 'probe' })).rejects.toThrow('Missing environment variable GCS_BUCKET_NAME');
    Object.assign(environment, BASE_ENVIRONMENT);
    await expect(handler({ mode: 'probe' })).rejects.toThrow('Secrets Manager must not be called');
  });
});

describe('service-account key parsing', () => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = { type: 'service_account', client_email: 'sa@test-project.iam.gserviceaccount.com', private_key: privateKey, private_key_id: 'abc' };

  test('accepts a key', () => {
    expect(parseServiceAccountKey(JSON.stringify(key), SECRET_ARN)).toEqual(key);
  });

  test('detects the placeholder', () => {
    const parse = () => parseServiceAccountKey(JSON.stringify({ cdkPostizPlaceholder: 'x', password: 'RANDOMVALUE' }), SECRET_ARN);
    expect(parse).toThrow(UnfilledSecretError);
    expect(parse).toThrow(`put the service-account key JSON into secret ${SECRET_ARN}`);
    expect(parse).not.toThrow(/RANDOMVALUE/);
  });

  test.each([
    ['no secret string', undefined, `Secret ${SECRET_ARN} has no SecretString`],
    ['a JSON string', '"text"', `Secret ${SECRET_ARN} is not a JSON object`],
    ['no type', JSON.stringify({ client_email: 'a', private_key: 'b' }), `Secret ${SECRET_ARN} has no "type" field`],
    ['an empty email', JSON.stringify({ ...key, client_email: '' }), 'has no non-empty string field "client_email"'],
  ])('rejects %s', (_case, value, message) => {
    const parse = () => parseServiceAccountKey(value, SECRET_ARN);
    expect(parse).toThrow(CredentialConfigurationError);
    expect(parse).toThrow(message);
  });

});

describe('federation environment check', () => {
  test.each([
    ['all variables set', { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, undefined],
    ['the default region', { AWS_DEFAULT_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, undefined],
    ['no region', { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, 'AWS_REGION is not set'],
    ['no secret key', { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a' }, 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY are not set'],
  ])('with %s', (_case, environment, message) => {
    const check = () => checkWorkloadIdentityEnvironment(WIF_CONFIG, environment);
    if (message === undefined) {
      expect(check).not.toThrow();
    } else {
      expect(check).toThrow(message);
    }
  });

  test('names the impersonated account', () => {
    expect(impersonatedServiceAccountEmail(WIF_CONFIG)).toBe('postiz-media@test-project.iam.gserviceaccount.com');
    expect(impersonatedServiceAccountEmail({})).toBeUndefined();
  });
});

describe('storage options', () => {
  test('bridge settings override test options', () => {
    const options = storageOptionsFor(
      {
        projectId: 'test-project',
        apiEndpoint: 'http://127.0.0.1:4443',
        overrides: { useAuthWithCustomEndpoint: true, projectId: 'other', retryOptions: { autoRetry: true } },
      },
      { credentials: WIF_CONFIG, source: { kind: 'workload-identity', configuration: WIF_CONFIG } },
    );

    expect(options.projectId).toBe('test-project');
    expect(options.credentials).toBe(WIF_CONFIG);
    expect(options.retryOptions).toEqual({ autoRetry: false });
    expect(options.apiEndpoint).toBe('http://127.0.0.1:4443');
    expect(options.useAuthWithCustomEndpoint).toBe(true);
  });

  test('no endpoint without emulator', () => {
    const options = storageOptionsFor({ projectId: 'p' }, { credentials: WIF_CONFIG, source: { kind: 'workload-identity', configuration: WIF_CONFIG } });
    expect('apiEndpoint' in options).toBe(false);
  });
});

describe('replication metrics record', () => {
  test('has the EMF structure', () => {
    const record = replicationMetricsRecord({
      days: ['2026-03-10'],
      filesSeen: 7,
      filesCopied: 3,
      filesSkipped: 2,
      filesDeferred: 1,
      filesFailed: 1,
      bytesCopied: 4096,
      replicationLagSeconds: 90,
      failures: [],
    }, { namespace: 'Ns', bucket: 'postiz-media', mode: 'recent', timestamp: new Date('2026-03-10T12:00:00Z') });

    expect(record).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-03-10T12:00:00Z'),
        CloudWatchMetrics: [{
          Namespace: 'Ns',
          Dimensions: [['Bucket']],
          Metrics: [
            { Name: 'FilesCopied', Unit: 'Count' },
            { Name: 'FilesSkipped', Unit: 'Count' },
            { Name: 'FilesDeferred', Unit: 'Count' },
            { Name: 'FilesFailed', Unit: 'Count' },
            { Name: 'BytesCopied', Unit: 'Bytes' },
            { Name: 'ReplicationLagSeconds', Unit: 'Seconds' },
          ],
        }],
      },
      Bucket: 'postiz-media',
      Mode: 'recent',
      FilesCopied: 3,
      FilesSkipped: 2,
      FilesDeferred: 1,
      FilesFailed: 1,
      BytesCopied: 4096,
      ReplicationLagSeconds: 90,
    });
  });

  test('backfill leaves out the lag', () => {
    const record = replicationMetricsRecord({
      days: ['2025-01-01'],
      filesSeen: 1,
      filesCopied: 1,
      filesSkipped: 0,
      filesDeferred: 0,
      filesFailed: 0,
      bytesCopied: 10,
      replicationLagSeconds: 40_000_000,
      failures: [],
    }, { namespace: 'Ns', bucket: 'postiz-media', mode: 'backfill', timestamp: new Date('2026-03-10T12:00:00Z') });

    const directive = (record._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0];
    expect(directive.Metrics.map((metric) => metric.Name)).not.toContain('ReplicationLagSeconds');
    expect(record.ReplicationLagSeconds).toBeUndefined();
    expect(record.FilesCopied).toBe(1);
  });
});
