import type { UpdateServiceCommandInput, UpdateServiceCommandOutput } from '@aws-sdk/client-ecs';
import type { EventBridgeEvent } from 'aws-lambda';
import { ServiceReference, SecretReference, findConfiguredSecret } from './configuration';
import { describeError } from '../../data/provisioner/errors';
import { logEvent } from '../../data/provisioner/log';

/** Subset of the SDK's aggregated `ECS` client that the handler calls. Tests pass a stub. */
export interface EcsUpdateServiceApi {
  updateService(input: UpdateServiceCommandInput): Promise<UpdateServiceCommandOutput>;
}

/** `detail` of the `Secret Label Updated` event that Secrets Manager sends to the default event bus. */
export interface SecretLabelUpdatedDetail {
  /** Friendly name of the secret. */
  readonly name?: string;
  /** Staging label that moved to the new version, such as `AWSCURRENT`. */
  readonly labelUpdated?: string;
  /** ID of the version that the label moved to. */
  readonly versionId?: string;
}

/** Event that the EventBridge rule delivers; `resources` contains the secret ARN. */
export type SecretLabelUpdatedEvent = EventBridgeEvent<'Secret Label Updated', SecretLabelUpdatedDetail>;

/** Backoff of UpdateService calls that ECS throttled. */
export interface ThrottlingRetryOptions {
  /**
   * Attempts per service, including the first.
   *
   * @default 5
   */
  readonly maxAttempts?: number;

  /**
   * Wait before the first retry, in milliseconds; each further wait doubles.
   *
   * @default 1000
   */
  readonly initialDelayMs?: number;

  /** Waits `ms` milliseconds; tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Configuration and clients of `handleSecretChange`. */
export interface SecretRedeployDependencies {
  readonly ecs: EcsUpdateServiceApi;
  readonly services: readonly ServiceReference[];
  readonly secrets: readonly SecretReference[];
  readonly retry?: ThrottlingRetryOptions;
}

/** Outcome of one UpdateService call that succeeded. */
export interface RedeployResult {
  readonly cluster: string;
  readonly service: string;
  /** ID of the deployment that ECS started, when ECS returned one. */
  readonly deploymentId?: string;
  readonly attempts: number;
}

/** Staging label of the version that ECS reads when it starts a task. */
const CURRENT_LABEL = 'AWSCURRENT';

const THROTTLING_ERROR_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded']);

/** Returns whether a failed call was throttled, by error name or by the SDK's `$retryable.throttling` flag. */
export function isThrottlingError(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  if (THROTTLING_ERROR_NAMES.has(error.name)) {
    return true;
  }
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return retryable?.throttling === true;
}

/**
 * Forces a new deployment of every configured service when the event reports that `AWSCURRENT`
 * moved to a new version of a configured secret, so new tasks read the new value. Ignores other
 * events with one log line. Tries every service even after one fails, then throws an error that
 * names each failed service, so Lambda retries the event and finally sends it to the dead-letter queue.
 */
export async function handleSecretChange(event: SecretLabelUpdatedEvent, dependencies: SecretRedeployDependencies): Promise<RedeployResult[]> {
  const label = event.detail?.labelUpdated;
  const secretArn = findConfiguredSecret(event.resources ?? [], dependencies.secrets);
  if (label !== CURRENT_LABEL || !secretArn) {
    logEvent('INFO', 'event.ignored', {
      eventId: event.id,
      detailType: event['detail-type'],
      labelUpdated: label,
      resources: event.resources ?? [],
      reason: label !== CURRENT_LABEL ? `label is not ${CURRENT_LABEL}` : 'no configured secret in resources',
    });
    return [];
  }
  logEvent('INFO', 'secret.changed', {
    eventId: event.id,
    secretArn,
    versionId: event.detail.versionId,
    serviceCount: dependencies.services.length,
  });

  const results: RedeployResult[] = [];
  const failures: string[] = [];
  for (const reference of dependencies.services) {
    try {
      const result = await forceNewDeployment(dependencies.ecs, reference, dependencies.retry ?? {});
      results.push(result);
      logEvent('INFO', 'service.redeploy_started', {
        cluster: reference.cluster,
        service: reference.service,
        deploymentId: result.deploymentId,
        attempts: result.attempts,
        secretArn,
      });
    } catch (error) {
      const description = describeError(error);
      failures.push(`${reference.service} in ${reference.cluster} (${description})`);
      logEvent('ERROR', 'service.redeploy_failed', {
        cluster: reference.cluster,
        service: reference.service,
        secretArn,
        error: description,
      });
    }
  }

  if (failures.length > 0) {
    throw new Error(
      `Forcing a new deployment after secret ${secretArn} changed failed for ${failures.length} of `
      + `${dependencies.services.length} services: ${failures.join('; ')}. Check that each service exists, uses the ECS `
      + 'deployment controller and that the handler role may call ecs:UpdateService on it, then run '
      + '`aws ecs update-service --force-new-deployment` for the services named here.',
    );
  }
  return results;
}

/**
 * Calls UpdateService with `forceNewDeployment` for one service and retries throttled calls
 * with exponential backoff. Other errors and the last throttling error propagate.
 */
export async function forceNewDeployment(
  ecs: EcsUpdateServiceApi,
  reference: ServiceReference,
  retry: ThrottlingRetryOptions = {},
): Promise<RedeployResult> {
  const maxAttempts = retry.maxAttempts ?? 5;
  const initialDelayMs = retry.initialDelayMs ?? 1000;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  for (let attempt = 1; ; attempt++) {
    try {
      const output = await ecs.updateService({
        cluster: reference.cluster,
        service: reference.service,
        forceNewDeployment: true,
      });
      const primary = output.service?.deployments?.find((deployment) => deployment.status === 'PRIMARY');
      return { cluster: reference.cluster, service: reference.service, deploymentId: primary?.id, attempts: attempt };
    } catch (error) {
      if (!isThrottlingError(error) || attempt >= maxAttempts) {
        throw error;
      }
      const delayMs = initialDelayMs * 2 ** (attempt - 1);
      logEvent('WARN', 'service.redeploy_throttled', {
        cluster: reference.cluster,
        service: reference.service,
        attempt,
        delayMs,
        errorName: (error as Error).name,
      });
      await sleep(delayMs);
    }
  }
}
