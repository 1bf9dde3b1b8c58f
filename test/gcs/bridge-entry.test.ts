import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Storage } from '@google-cloud/storage';
import type { ProbeRunResult, ReplicationRunResult } from '../../src/gcs/bridge';
import { handler } from '../../src/gcs/gcs-bridge.lambda';
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

const GOOD_NAME = '0123456789abcdef0123456789abcdef.png';
const REJECTED_NAME = 'fedcba9876543210fedcba9876543210.mp4';

let emulator: FakeGcsServer;
let moto: MotoServer;
let proxy: GcsProxy;
let uploadsPath: string;
let stdout: StdoutCapture;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  [emulator, moto] = await Promise.all([startFakeGcsServer(), startMotoServer()]);
  proxy = await startGcsProxy(emulator.endpoint, (request) => (isUploadOf(request, REJECTED_NAME) ? 400 : undefined));
  uploadsPath = fs.mkdtempSync(path.join(os.tmpdir(), 'postiz-bridge-entry-'));
});

afterAll(async () => {
  process.env = savedEnvironment;
  fs.rmSync(uploadsPath, { recursive: true, force: true });
  await proxy?.close();
  await Promise.all([emulator?.stop(), moto?.stop()]);
});

beforeEach(() => {
  stdout = captureStdout();
});

afterEach(() => {
  stdout.restore();
});

test('entry point runs with its own clients', async () => {
  const bucketName = `entry-${process.pid}`;
  await new Storage({ apiEndpoint: emulator.endpoint, projectId: 'test' }).createBucket(bucketName);
  const { secretsManager, sqs } = createMotoClients(moto.endpoint);
  const secretArn = await createSecret(secretsManager, 'postiz/entry-key', JSON.stringify(generateServiceAccountKey('sa@test-project.iam.gserviceaccount.com').key));
  const queueUrl = await createQueue(sqs, 'entry-dlq');

  // The entry point reads the current day from the clock, so the files go into today's folder.
  const today = new Date().toISOString().slice(0, 10).split('-');
  const folder = path.join(uploadsPath, ...today);
  fs.mkdirSync(folder, { recursive: true });
  const oneMinuteAgo = Date.now() / 1000 - 60;
  for (const name of [GOOD_NAME, REJECTED_NAME]) {
    fs.writeFileSync(path.join(folder, name), `bytes of ${name}`);
    fs.utimesSync(path.join(folder, name), oneMinuteAgo, oneMinuteAgo);
  }

  // AWS_ENDPOINT_URL points the SDK clients of the entry point at moto. The clients read it at
  // their first request, and the handler reads the other variables on each call.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    GCS_BUCKET_NAME: bucketName,
    GCS_PROJECT_ID: 'test-project',
    GCS_CREDENTIALS_SECRET_ARN: secretArn,
    GCS_API_ENDPOINT: proxy.endpoint,
    UPLOADS_PATH: uploadsPath,
    DEAD_LETTER_QUEUE_URL: queueUrl,
  });

  const probe = await handler({ mode: 'probe' }) as ProbeRunResult;
  const run = await handler({ mode: 'recent' }) as ReplicationRunResult;

  expect(probe.status).toBe('ok');
  expect(run.filesCopied).toBe(1);
  expect(run.filesFailed).toBe(1);
  expect(run.deadLetterMessages).toBe(1);
  const messages = await drainQueue(sqs, queueUrl);
  expect(messages.map((message) => message.key)).toEqual([`${today.join('/')}/${REJECTED_NAME}`]);
  const metrics = stdout.jsonLines().filter((line) => '_aws' in line);
  expect(metrics).toHaveLength(1);
  expect(metrics[0].FilesFailed).toBe(1);
});
