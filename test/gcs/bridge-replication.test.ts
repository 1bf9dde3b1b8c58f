import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SQS } from '@aws-sdk/client-sqs';
import { Bucket, Storage } from '@google-cloud/storage';
import {
  DeadLetterQueueApi,
  GcsBridgeDependencies,
  GcsBridgeHandler,
  ReplicationRunResult,
  createGcsBridgeHandler,
} from '../../src/gcs/bridge';
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
import { GcsProxy, isUploadOf, startGcsProxy } from '../support/gcs-proxy';
import { MotoServer, startMotoServer } from '../support/moto-server';

jest.setTimeout(60_000);
useOfflineAwsEnvironment();

const NOW = new Date('2026-03-10T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const NAME_A = '0123456789abcdef0123456789abcdef.png';
const NAME_B = 'fedcba9876543210fedcba9876543210.mp4';
const NAME_C = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpeg';
const SERVICE_ACCOUNT = 'postiz-media@test-project.iam.gserviceaccount.com';
const METRIC_NAMES = ['FilesCopied', 'FilesSkipped', 'FilesDeferred', 'FilesFailed', 'BytesCopied', 'ReplicationLagSeconds'];

let emulator: FakeGcsServer;
let moto: MotoServer;
let storage: Storage;
let sqs: SQS;
let secretArn: string;
let privateKey: string;
let uploadsPath: string;
let bucket: Bucket;
let queueUrl: string;
let stdout: StdoutCapture;
let counter = 0;

beforeAll(async () => {
  [emulator, moto] = await Promise.all([startFakeGcsServer(), startMotoServer()]);
  storage = new Storage({ apiEndpoint: emulator.endpoint, projectId: 'test', retryOptions: { autoRetry: false } });
  const clients = createMotoClients(moto.endpoint);
  sqs = clients.sqs;
  const { key } = generateServiceAccountKey(SERVICE_ACCOUNT);
  privateKey = key.private_key;
  secretArn = await createSecret(clients.secretsManager, 'postiz/gcs-key', JSON.stringify(key));
});

afterAll(async () => {
  await Promise.all([emulator?.stop(), moto?.stop()]);
});

beforeEach(async () => {
  counter++;
  uploadsPath = fs.mkdtempSync(path.join(os.tmpdir(), 'postiz-bridge-uploads-'));
  [bucket] = await storage.createBucket(`bridge-${process.pid}-${counter}`);
  queueUrl = await createQueue(sqs, `bridge-dlq-${counter}`);
  stdout = captureStdout();
});

afterEach(() => {
  stdout.restore();
  fs.rmSync(uploadsPath, { recursive: true, force: true });
});

/** Writes `uploads/<prefix>/<name>` and sets its modification time to `ageSeconds` before NOW. */
function writeUpload(prefix: string, name: string, content: string, ageSeconds = 60): string {
  const folder = path.join(uploadsPath, ...prefix.split('/'));
  fs.mkdirSync(folder, { recursive: true });
  const filePath = path.join(folder, name);
  fs.writeFileSync(filePath, content);
  fs.utimesSync(filePath, NOW_SECONDS - ageSeconds, NOW_SECONDS - ageSeconds);
  return filePath;
}

function environment(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GCS_BUCKET_NAME: bucket.name,
    GCS_PROJECT_ID: 'test-project',
    GCS_CREDENTIALS_SECRET_ARN: secretArn,
    GCS_API_ENDPOINT: emulator.endpoint,
    UPLOADS_PATH: uploadsPath,
    DEAD_LETTER_QUEUE_URL: queueUrl,
    ...overrides,
  };
}

function createHandler(overrides: Partial<GcsBridgeDependencies> = {}, env: Record<string, string | undefined> = environment()): GcsBridgeHandler {
  const clients = createMotoClients(moto.endpoint);
  return createGcsBridgeHandler({
    secretsManager: clients.secretsManager,
    deadLetterQueue: clients.sqs,
    createStorage: (options) => new Storage(options),
    environment: env,
    now: () => NOW,
    retry: { sleep: async () => undefined },
    ...overrides,
  });
}

async function runRecent(handler: GcsBridgeHandler): Promise<ReplicationRunResult> {
  return await handler({ mode: 'recent' }) as ReplicationRunResult;
}

async function readObject(key: string): Promise<string> {
  const [content] = await bucket.file(key).download();
  return content.toString();
}

async function listKeys(): Promise<string[]> {
  const [files] = await bucket.getFiles();
  return files.map((file) => file.name).sort();
}

/** Returns the EMF lines written so far: the JSON lines with an `_aws` member. */
function metricLines(): Record<string, any>[] {
  return stdout.jsonLines().filter((line) => '_aws' in line);
}

describe('bridge replication runs', () => {
  test('copies, skips and re-copies files', async () => {
    const changedPath = writeUpload('2026/03/10', NAME_A, 'first version');
    writeUpload('2026/03/09', NAME_B, 'mp4 bytes', 3600);
    const handler = createHandler();

    const first = await runRecent(handler);

    expect(first.mode).toBe('recent');
    expect(first.bucket).toBe(bucket.name);
    expect(first.days).toEqual(['2026-03-09', '2026-03-10']);
    expect(first.filesCopied).toBe(2);
    expect(first.filesSkipped).toBe(0);
    expect(first.filesFailed).toBe(0);
    expect(first.bytesCopied).toBe('first version'.length + 'mp4 bytes'.length);
    expect(first.replicationLagSeconds).toBe(3600);
    expect(first.deadLetterMessages).toBe(0);
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('first version');
    expect(await readObject(`2026/03/09/${NAME_B}`)).toBe('mp4 bytes');

    const second = await runRecent(handler);

    expect(second.filesCopied).toBe(0);
    expect(second.filesSkipped).toBe(2);
    expect(second.bytesCopied).toBe(0);

    // Same length, other bytes and a newer time: the object must be replaced.
    fs.writeFileSync(changedPath, 'other version');
    fs.utimesSync(changedPath, NOW_SECONDS - 30, NOW_SECONDS - 30);
    const third = await runRecent(handler);

    expect(third.filesCopied).toBe(1);
    expect(third.filesSkipped).toBe(1);
    expect(third.replicationLagSeconds).toBe(30);
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('other version');
    expect(metricLines()).toHaveLength(3);
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
  });

  test('backfill copies an inclusive range', async () => {
    writeUpload('2025/12/31', NAME_A, 'before the range');
    writeUpload('2026/01/01', NAME_A, 'first day');
    writeUpload('2026/01/02', NAME_B, 'second day');
    writeUpload('2026/01/03', NAME_C, 'after the range');
    const handler = createHandler();

    const result = await handler({ mode: 'backfill', from: '2026-01-01', to: '2026-01-02' }) as ReplicationRunResult;

    expect(result.mode).toBe('backfill');
    expect(result.days).toEqual(['2026-01-01', '2026-01-02']);
    expect(result.filesCopied).toBe(2);
    expect(await listKeys()).toEqual([`2026/01/01/${NAME_A}`, `2026/01/02/${NAME_B}`]);

    const again = await handler({ mode: 'backfill', from: '2026-01-01', to: '2026-01-02' }) as ReplicationRunResult;

    expect(again.filesCopied).toBe(0);
    expect(again.filesSkipped).toBe(2);
    expect(metricLines().map((line) => line.Mode)).toEqual(['backfill', 'backfill']);
  });

  test('backfill rejects an invalid range', async () => {
    const handler = createHandler();
    await expect(handler({ mode: 'backfill', from: '2026-01-03', to: '2026-01-02' }))
      .rejects.toThrow(/fromDate 2026-01-03 is after toDate 2026-01-02/);
    expect(metricLines()).toEqual([]);
  });

  test('writes one EMF line per run', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes', 120);
    writeUpload('2026/03/10', NAME_B, 'too new', 2);
    const handler = createHandler({}, environment({ METRICS_NAMESPACE: 'Test/Bridge' }));

    await runRecent(handler);

    const lines = metricLines();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line._aws.Timestamp).toBe(NOW.getTime());
    expect(line._aws.CloudWatchMetrics).toHaveLength(1);
    const directive = line._aws.CloudWatchMetrics[0];
    expect(directive.Namespace).toBe('Test/Bridge');
    expect(directive.Dimensions).toEqual([['Bucket']]);
    expect(directive.Metrics).toEqual([
      { Name: 'FilesCopied', Unit: 'Count' },
      { Name: 'FilesSkipped', Unit: 'Count' },
      { Name: 'FilesDeferred', Unit: 'Count' },
      { Name: 'FilesFailed', Unit: 'Count' },
      { Name: 'BytesCopied', Unit: 'Bytes' },
      { Name: 'ReplicationLagSeconds', Unit: 'Seconds' },
    ]);
    expect(line.Bucket).toBe(bucket.name);
    expect(line.FilesCopied).toBe(1);
    expect(line.FilesSkipped).toBe(0);
    expect(line.FilesDeferred).toBe(1);
    expect(line.FilesFailed).toBe(0);
    expect(line.BytesCopied).toBe('png bytes'.length);
    expect(line.ReplicationLagSeconds).toBe(120);
    for (const name of METRIC_NAMES) {
      expect(typeof line[name]).toBe('number');
    }
  });

  test('writes only JSON lines without secrets', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    await runRecent(createHandler());

    const lines = stdout.jsonLines();
    expect(lines.filter((line) => line.event === 'gcs_bridge').map((line) => line.action))
      .toEqual(['invocation_started', 'invocation_finished']);
    expect(lines.filter((line) => line.event === 'gcs_replication' && line.action === 'copied')).toHaveLength(1);
    const text = stdout.lines().join('\n');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(privateKey.split('\n')[1]);
  });

  test('uses the default namespace', async () => {
    await runRecent(createHandler());
    expect(metricLines()[0]._aws.CloudWatchMetrics[0].Namespace).toBe('CdkPostiz/GcsBridge');
  });
});

describe('bridge replication with faults', () => {
  let proxy: GcsProxy | undefined;

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  test('retries 429 and 503 without loss', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    writeUpload('2026/03/10', NAME_B, 'mp4 bytes');
    writeUpload('2026/03/09', NAME_C, 'jpeg bytes');
    const uploadStatuses = [429, 503, 429, 503];
    let uploads = 0;
    proxy = await startGcsProxy(emulator.endpoint, (request) => {
      if (request.method === 'POST' && (request.url ?? '').startsWith('/upload/')) {
        return uploadStatuses[uploads++];
      }
      return undefined;
    });
    const handler = createHandler({}, environment({ GCS_API_ENDPOINT: proxy.endpoint, CONCURRENCY: '1' }));

    const result = await runRecent(handler);

    expect(proxy.requests.filter((request) => request.injectedStatus !== undefined).map((request) => request.injectedStatus))
      .toEqual([429, 503, 429, 503]);
    expect(result.filesCopied).toBe(3);
    expect(result.filesFailed).toBe(0);
    expect(result.deadLetterMessages).toBe(0);
    const retries = stdout.jsonLines().filter((line) => line.action === 'retry');
    expect(retries.map((line) => line.status)).toEqual([429, 503, 429, 503]);
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('png bytes');
    expect(await readObject(`2026/03/10/${NAME_B}`)).toBe('mp4 bytes');
    expect(await readObject(`2026/03/09/${NAME_C}`)).toBe('jpeg bytes');
    expect(metricLines()[0].FilesFailed).toBe(0);
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
  });

  test('sends a rejected file to the dead-letter queue', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    const poisonPath = writeUpload('2026/03/10', NAME_B, 'rejected bytes', 7200);
    writeUpload('2026/03/10', NAME_C, 'jpeg bytes');
    proxy = await startGcsProxy(emulator.endpoint, (request) => (isUploadOf(request, NAME_B) ? 400 : undefined));
    const handler = createHandler({}, environment({ GCS_API_ENDPOINT: proxy.endpoint }));

    const result = await runRecent(handler);

    expect(result.filesCopied).toBe(2);
    expect(result.filesFailed).toBe(1);
    expect(result.deadLetterMessages).toBe(1);
    expect(await listKeys()).toEqual([`2026/03/10/${NAME_A}`, `2026/03/10/${NAME_C}`].sort());

    const messages = await drainQueue(sqs, queueUrl);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message.bucket).toBe(bucket.name);
    expect(message.key).toBe(`2026/03/10/${NAME_B}`);
    expect(message.path).toBe(poisonPath);
    expect(message.reason).toContain('Injected status 400');
    expect(message.attempts).toBe(1);
    expect(message.mode).toBe('recent');
    expect(message.failedAt).toBe(NOW.toISOString());

    const [metrics] = metricLines();
    expect(metrics.FilesFailed).toBe(1);
    expect(metrics.FilesCopied).toBe(2);
    expect(metrics.ReplicationLagSeconds).toBe(7200);
    const sent = stdout.jsonLines().find((line) => line.action === 'dead_letter_sent');
    expect(sent?.messages).toBe(1);
  });

  test('sends failures in batches of ten', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `${index.toString(16).padStart(32, '0')}.png`);
    for (const name of names) {
      writeUpload('2026/03/10', name, `bytes of ${name}`);
    }
    proxy = await startGcsProxy(emulator.endpoint, (request) => (request.method === 'POST' && (request.url ?? '').startsWith('/upload/') ? 400 : undefined));
    const batches: number[] = [];
    // The first batch reports one entry as failed without a sender fault, as SQS does when throttled.
    let failedOnce = false;
    const flakyQueue: DeadLetterQueueApi = {
      sendMessageBatch: async (input) => {
        batches.push(input.Entries.length);
        if (!failedOnce) {
          failedOnce = true;
          const [first, ...rest] = input.Entries;
          const output = await sqs.sendMessageBatch({ ...input, Entries: rest });
          return { ...output, Failed: [{ Id: first.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' }] };
        }
        return sqs.sendMessageBatch(input);
      },
    };
    const handler = createHandler({ deadLetterQueue: flakyQueue }, environment({ GCS_API_ENDPOINT: proxy.endpoint }));

    const result = await runRecent(handler);

    expect(result.filesFailed).toBe(12);
    expect(result.deadLetterMessages).toBe(12);
    expect(batches).toEqual([10, 1, 2]);
    const messages = await drainQueue(sqs, queueUrl);
    expect(messages.map((message) => message.key).sort()).toEqual(names.map((name) => `2026/03/10/${name}`).sort());
  });

  test('throws when the queue rejects a message', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    proxy = await startGcsProxy(emulator.endpoint, (request) => (isUploadOf(request, NAME_A) ? 400 : undefined));
    const rejectingQueue: DeadLetterQueueApi = {
      sendMessageBatch: async (input) => ({
        Failed: input.Entries.map((entry) => ({ Id: entry.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'rejected' })),
      }),
    };
    const handler = createHandler({ deadLetterQueue: rejectingQueue }, environment({ GCS_API_ENDPOINT: proxy.endpoint }));

    await expect(runRecent(handler)).rejects.toThrow(
      new RegExp(`Sending 1 of 1 replication failures to dead-letter queue .*2026/03/10/${NAME_A} \\(InvalidParameterValue: rejected\\)`),
    );
    // The metrics line comes first, so the failed run is still counted.
    expect(metricLines()).toHaveLength(1);
    expect(metricLines()[0].FilesFailed).toBe(1);
    expect(stdout.jsonLines().find((line) => line.action === 'invocation_failed')?.reason).toContain('dead-letter queue');
  });

  test('throws when the queue does not exist', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    proxy = await startGcsProxy(emulator.endpoint, (request) => (isUploadOf(request, NAME_A) ? 400 : undefined));
    const missingQueue = queueUrl.replace(/[^/]+$/, 'missing-queue');
    const handler = createHandler({}, environment({ GCS_API_ENDPOINT: proxy.endpoint, DEAD_LETTER_QUEUE_URL: missingQueue }));

    await expect(runRecent(handler)).rejects.toThrow(/Sending 1 of 1 replication failures to dead-letter queue .*missing-queue failed/);
  });

  test('throws for an unreadable uploads path', async () => {
    const handler = createHandler({}, environment({ UPLOADS_PATH: path.join(uploadsPath, 'missing') }));
    await expect(runRecent(handler)).rejects.toThrow(/Uploads path .*missing cannot be read \(ENOENT\)/);
    expect(metricLines()).toEqual([]);
  });

  test('rejects runs without UPLOADS_PATH', async () => {
    const handler = createHandler({}, environment({ UPLOADS_PATH: undefined, DEAD_LETTER_QUEUE_URL: undefined }));
    await expect(runRecent(handler)).rejects.toThrow(/does not replicate, because UPLOADS_PATH is not set/);
  });
});
