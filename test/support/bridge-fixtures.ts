import { generateKeyPairSync } from 'crypto';
import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import { SQS } from '@aws-sdk/client-sqs';
import { MOTO_CREDENTIALS } from './moto-server';

/** Region of the AWS clients aimed at moto. */
export const TEST_REGION = 'us-east-1';

/**
 * Sets placeholder AWS credentials and region in `process.env` and disables the instance metadata
 * service, so no AWS SDK client looks for credentials outside the process.
 */
export function useOfflineAwsEnvironment(): void {
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) {
    delete process.env[name];
  }
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  process.env.AWS_REGION = TEST_REGION;
}

/** AWS SDK clients aimed at a moto server. */
export interface MotoClients {
  readonly secretsManager: SecretsManager;
  readonly sqs: SQS;
}

/** Creates Secrets Manager and SQS clients for the moto server at `endpoint`. */
export function createMotoClients(endpoint: string): MotoClients {
  const config = { endpoint, region: TEST_REGION, credentials: MOTO_CREDENTIALS };
  return { secretsManager: new SecretsManager(config), sqs: new SQS(config) };
}

/** A throwaway service-account key and the public key that verifies its signatures. */
export interface TestServiceAccountKey {
  /** Key file content, as Google Cloud generates it. */
  readonly key: Record<string, string>;
  readonly publicKeyPem: string;
}

/** Generates a 2048-bit RSA service-account key for `clientEmail`. */
export function generateServiceAccountKey(clientEmail: string, tokenUri = 'https://oauth2.googleapis.com/token'): TestServiceAccountKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    key: {
      type: 'service_account',
      project_id: 'test-project',
      private_key_id: 'test-key-id',
      private_key: privateKey,
      client_email: clientEmail,
      client_id: '100000000000000000000',
      token_uri: tokenUri,
    },
    publicKeyPem: publicKey,
  };
}

/** Creates a secret in moto and returns its ARN. */
export async function createSecret(secretsManager: SecretsManager, name: string, value: string): Promise<string> {
  const output = await secretsManager.createSecret({ Name: name, SecretString: value });
  if (!output.ARN) {
    throw new Error(`moto returned no ARN for secret ${name}`);
  }
  return output.ARN;
}

/** Creates a queue in moto and returns its URL. */
export async function createQueue(sqs: SQS, name: string): Promise<string> {
  const output = await sqs.createQueue({ QueueName: name });
  if (!output.QueueUrl) {
    throw new Error(`moto returned no URL for queue ${name}`);
  }
  return output.QueueUrl;
}

/** Receives and deletes every message of a queue and returns the bodies parsed as JSON. */
export async function drainQueue(sqs: SQS, queueUrl: string): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  for (;;) {
    const output = await sqs.receiveMessage({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
    const messages = output.Messages ?? [];
    if (messages.length === 0) {
      return bodies;
    }
    for (const message of messages) {
      bodies.push(JSON.parse(message.Body ?? 'null') as Record<string, unknown>);
      await sqs.deleteMessage({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle });
    }
  }
}

/** Lines written to `process.stdout` while the capture was active. */
export interface StdoutCapture {
  /** Every line written so far, without the line break. */
  lines(): string[];
  /** Every line parsed as JSON; fails with the line when one is not JSON. */
  jsonLines(): Record<string, unknown>[];
  clear(): void;
  restore(): void;
}

/** Captures `process.stdout.write`, where the bridge writes its log and metric lines, and keeps it off the terminal. */
export function captureStdout(): StdoutCapture {
  let written = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const lines = () => written.split('\n').filter((line) => line !== '');
  return {
    lines,
    jsonLines: () => lines().map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
      }
    }),
    clear: () => { written = ''; },
    restore: () => spy.mockRestore(),
  };
}
