import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import { SQS } from '@aws-sdk/client-sqs';
import { Storage } from '@google-cloud/storage';
import { GcsBridgeResult, createGcsBridgeHandler } from './bridge';

// Created once per Lambda execution environment, so warm invocations reuse the cached
// service-account key, the Storage client and its access token.
const bridge = createGcsBridgeHandler({
  secretsManager: new SecretsManager({}),
  deadLetterQueue: () => new SQS({}),
  createStorage: (options) => new Storage(options),
});

/**
 * Entry point of the GCS media bridge: replicates uploads to Cloud Storage on schedule or for a
 * backfill, and probes the bucket at deploy time. See `createGcsBridgeHandler` for the events
 * and `parseBridgeConfiguration` for the environment variables.
 */
export async function handler(event: unknown): Promise<GcsBridgeResult> {
  return bridge(event);
}
