import type { StorageOptions } from '@google-cloud/storage';
import { CredentialsRejectedError } from './authentication';
import { BRIDGE_VARIABLES, BridgeConfiguration, BridgeEnvironment, parseBridgeConfiguration } from './configuration';
import { ResolvedCredentials, SecretValueApi, ServiceAccountKeyCache, UnfilledSecretError, resolveCredentials } from './credentials';
import { DeadLetterQueueApi } from './dead-letter';
import { BridgeRequest, ProbeResourceRequest, parseBridgeEvent } from './events';
import { logBridgeAction } from './log';
import { ProbeResult, runProbe } from './probe';
import { ReplicationRunResult, runReplication } from './replication-run';
import { StorageClientCache, StorageFactory } from './storage-client';
import { describeReplicationError } from '../replication/log';
import { RetryOptions } from '../replication/retry';

/** Clients, configuration source and test settings of `createGcsBridgeHandler`. */
export interface GcsBridgeDependencies {
  readonly secretsManager: SecretValueApi;
  /**
   * SQS client for the dead-letter queue, or a function that creates it. The function runs only
   * when a run has failures.
   */
  readonly deadLetterQueue: DeadLetterQueueApi | (() => DeadLetterQueueApi);
  /** Creates the `Storage` client, `(options) => new Storage(options)` in the Lambda entry point. */
  readonly createStorage: StorageFactory;
  /**
   * Environment variables, read again on each invocation.
   *
   * @default process.env
   */
  readonly environment?: BridgeEnvironment;
  /**
   * Extra `Storage` options for tests, such as `useAuthWithCustomEndpoint: true` or `clientOptions`
   * with a transporter. The bridge's own options take precedence.
   */
  readonly storageOptions?: StorageOptions;
  /**
   * Returns the current time, for the replication days and lag, the secret cache and the metrics.
   *
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /** Retry settings of file copies and dead-letter sends, for tests that must not wait. */
  readonly retry?: RetryOptions;
  /** Returns the probe object's name, for tests. */
  readonly probeObjectName?: () => string;
}

/** Result of a `{ "mode": "probe" }` invocation. */
export interface ProbeRunResult extends ProbeResult {
  readonly mode: 'probe';
}

/** Response to the CDK custom resource provider framework. */
export interface ProbeResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly Status: string };
}

/** Result of one invocation. */
export type GcsBridgeResult = ReplicationRunResult | ProbeRunResult | ProbeResourceResponse;

/** The function's handler. */
export type GcsBridgeHandler = (event: unknown) => Promise<GcsBridgeResult>;

/**
 * Creates the handler of the GCS media bridge. It accepts `{ "mode": "recent" }`,
 * `{ "mode": "backfill", "from", "to" }`, `{ "mode": "probe" }` and the probe's custom resource
 * events, and throws for any other event. The returned function keeps the service-account key
 * cache and the `Storage` client between invocations.
 */
export function createGcsBridgeHandler(dependencies: GcsBridgeDependencies): GcsBridgeHandler {
  const now = dependencies.now ?? (() => new Date());
  const keyCache = new ServiceAccountKeyCache(dependencies.secretsManager, now);
  const storageCache = new StorageClientCache(dependencies.createStorage);
  let deadLetterQueue: DeadLetterQueueApi | undefined;
  const getDeadLetterQueue = (): DeadLetterQueueApi => {
    const provided = dependencies.deadLetterQueue;
    deadLetterQueue ??= typeof provided === 'function' ? provided() : provided;
    return deadLetterQueue;
  };

  return async (event: unknown): Promise<GcsBridgeResult> => {
    let request: BridgeRequest | undefined;
    try {
      request = parseBridgeEvent(event);
      logBridgeAction('INFO', 'invocation_started', describeRequest(request));
      if (request.kind === 'custom-resource' && request.requestType === 'Delete') {
        // The probe leaves nothing to delete, and Delete must succeed even with a broken configuration.
        return { PhysicalResourceId: request.physicalResourceId ?? probeResourceId(request.bucket) };
      }

      const environment = dependencies.environment ?? process.env;
      const configuration = parseBridgeConfiguration(environment);
      const resolve = (): Promise<ResolvedCredentials> => resolveCredentials(configuration.credentialSource, keyCache, environment);
      const storageFor = (credentials: ResolvedCredentials) => storageCache.clientFor({
        projectId: configuration.projectId,
        apiEndpoint: configuration.apiEndpoint,
        overrides: dependencies.storageOptions,
      }, credentials);
      const probe = async (): Promise<ProbeResult> => {
        const credentials = await resolve();
        return runProbe(storageFor(credentials), {
          bucketName: configuration.bucketName,
          projectId: configuration.projectId,
          credentials,
          objectName: dependencies.probeObjectName,
        });
      };

      let result: GcsBridgeResult;
      if (request.kind === 'custom-resource') {
        result = await handleProbeResource(request, configuration, probe);
      } else if (request.kind === 'probe') {
        result = { mode: 'probe', ...await probe() };
      } else {
        const settings = configuration.replication;
        if (settings === undefined) {
          throw new Error(
            `This function does not replicate, because ${BRIDGE_VARIABLES.uploadsPath} is not set: it accepts only probe events. `
            + 'Enable replication in the construct to mount the uploads file system.',
          );
        }
        const credentials = await resolve();
        result = await runReplication(request, {
          storage: storageFor(credentials),
          credentials,
          bucketName: configuration.bucketName,
          settings,
          metricsNamespace: configuration.metricsNamespace,
          deadLetterQueue: getDeadLetterQueue,
          now,
          retry: dependencies.retry,
        });
      }
      logBridgeAction('INFO', 'invocation_finished', { ...describeRequest(request), ...describeResult(result) });
      return result;
    } catch (error) {
      if (error instanceof CredentialsRejectedError) {
        // A rejected key or token is read again on the next invocation instead of after the cache TTL.
        keyCache.clear();
        storageCache.clear();
      }
      logBridgeAction('ERROR', 'invocation_failed', {
        ...(request !== undefined ? describeRequest(request) : {}),
        errorName: error instanceof Error ? error.name : typeof error,
        reason: describeReplicationError(error),
      });
      throw error;
    }
  };
}

/** Physical id of the probe custom resource. */
export function probeResourceId(bucket: string): string {
  return `gcs-probe:${bucket}`;
}

/**
 * Runs the probe for a Create or Update request. An unfilled placeholder secret succeeds with a
 * `Status` stating that the key is missing when `AllowUnfilledKey` is `true`, and fails otherwise.
 */
async function handleProbeResource(
  request: ProbeResourceRequest,
  configuration: BridgeConfiguration,
  probe: () => Promise<ProbeResult>,
): Promise<ProbeResourceResponse> {
  if (request.bucket !== configuration.bucketName) {
    throw new Error(
      `Custom resource property Bucket ${JSON.stringify(request.bucket)} differs from ${BRIDGE_VARIABLES.bucketName} `
      + `${JSON.stringify(configuration.bucketName)} of the function: the construct must pass the same bucket to both.`,
    );
  }
  const PhysicalResourceId = probeResourceId(request.bucket);
  try {
    const result = await probe();
    return { PhysicalResourceId, Data: { Status: result.message } };
  } catch (error) {
    if (!(error instanceof UnfilledSecretError) || !request.allowUnfilledKey) {
      throw error;
    }
    const Status = `Service-account key missing: secret ${error.secretArn} still contains the placeholder, so the probe `
      + 'was skipped. Put the service-account key JSON into that secret; replication runs fail until then.';
    logBridgeAction('WARN', 'probe_skipped', { bucket: request.bucket, secretArn: error.secretArn, reason: 'unfilled secret' });
    return { PhysicalResourceId, Data: { Status } };
  }
}

function describeRequest(request: BridgeRequest): Record<string, string> {
  switch (request.kind) {
    case 'backfill':
      return { mode: 'backfill', from: request.from, to: request.to };
    case 'custom-resource':
      return {
        mode: 'custom-resource',
        requestType: request.requestType,
        bucket: request.bucket,
        ...(request.logicalResourceId !== undefined ? { logicalResourceId: request.logicalResourceId } : {}),
      };
    default:
      return { mode: request.kind };
  }
}

function describeResult(result: GcsBridgeResult): Record<string, string | number> {
  if ('PhysicalResourceId' in result) {
    return { physicalResourceId: result.PhysicalResourceId, status: result.Data?.Status ?? '' };
  }
  if (result.mode === 'probe') {
    return { status: result.status, bucket: result.bucket };
  }
  return { bucket: result.bucket, filesCopied: result.filesCopied, filesFailed: result.filesFailed, deadLetterMessages: result.deadLetterMessages };
}
