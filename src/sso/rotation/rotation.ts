import type {
  DescribeSecretCommandInput,
  DescribeSecretCommandOutput,
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  PutSecretValueCommandInput,
  PutSecretValueCommandOutput,
  UpdateSecretVersionStageCommandInput,
  UpdateSecretVersionStageCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { describeInvalidRandomValue, generateRandomValue } from './random-value';
import { describeError } from '../../data/provisioner/errors';
import { logEvent } from '../../data/provisioner/log';

/** Subset of the SDK's aggregated `SecretsManager` client that the rotation calls. Tests pass moto or a stub. */
export interface SecretsManagerRotationApi {
  describeSecret(input: DescribeSecretCommandInput): Promise<DescribeSecretCommandOutput>;
  getSecretValue(input: GetSecretValueCommandInput): Promise<GetSecretValueCommandOutput>;
  putSecretValue(input: PutSecretValueCommandInput): Promise<PutSecretValueCommandOutput>;
  updateSecretVersionStage(input: UpdateSecretVersionStageCommandInput): Promise<UpdateSecretVersionStageCommandOutput>;
}

/** Steps of the Secrets Manager rotation protocol, in the order that Secrets Manager invokes them. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

export type RotationStep = typeof ROTATION_STEPS[number];

/** Event that Secrets Manager sends to a rotation function, once per step. */
export interface RotationEvent {
  /** ARN of the secret. */
  readonly SecretId: string;
  /** ID of the new version, which Secrets Manager has already staged as `AWSPENDING`. */
  readonly ClientRequestToken: string;
  readonly Step: string;
}

/** Configuration and client of `handleRotationEvent`. */
export interface RotationDependencies {
  readonly secretsManager: SecretsManagerRotationApi;
  /** JSON field of the secret that contains the random value. Other fields are copied unchanged. */
  readonly secretField: string;
  /** Generator of the new value, `generateRandomValue` unless a test replaces it. */
  readonly generateValue?: () => string;
}

/** Validated rotation event. */
export interface RotationRequest {
  readonly secretId: string;
  readonly token: string;
  readonly step: RotationStep;
}

const CURRENT_STAGE = 'AWSCURRENT';
const PENDING_STAGE = 'AWSPENDING';

/**
 * Checks that the event has a non-empty `SecretId` and `ClientRequestToken` and a known `Step`.
 * Throws an error that names the invalid field and the expected value.
 */
export function parseRotationEvent(event: unknown): RotationRequest {
  const fields = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const secretId = fields.SecretId;
  const token = fields.ClientRequestToken;
  const step = fields.Step;
  const expected = 'Secrets Manager sends SecretId, ClientRequestToken and Step as non-empty strings, so check what invoked this function.';
  if (typeof secretId !== 'string' || secretId === '') {
    throw new Error(`Rotation event field SecretId is ${JSON.stringify(secretId)}. ${expected}`);
  }
  if (typeof token !== 'string' || token === '') {
    throw new Error(`Rotation event field ClientRequestToken is ${JSON.stringify(token)}. ${expected}`);
  }
  if (typeof step !== 'string' || !(ROTATION_STEPS as readonly string[]).includes(step)) {
    throw new Error(`Rotation event field Step is ${JSON.stringify(step)}, but it must be one of ${ROTATION_STEPS.join(', ')}.`);
  }
  return { secretId, token, step: step as RotationStep };
}

/**
 * Runs one step of the rotation protocol for a secret whose field `secretField` contains a random
 * value that no other system needs to learn about. Like the rotation templates that AWS
 * publishes, it first checks that rotation is enabled and that the token's version is staged
 * `AWSPENDING`, and returns without changes when that version is already `AWSCURRENT`,
 * so a repeated invocation after a finished rotation does nothing.
 */
export async function handleRotationEvent(event: unknown, dependencies: RotationDependencies): Promise<void> {
  const request = parseRotationEvent(event);
  const versions = await readVersionStages(dependencies.secretsManager, request);

  if (versions[request.token].includes(CURRENT_STAGE)) {
    logEvent('INFO', 'rotation.already_current', { secretId: request.secretId, versionId: request.token, step: request.step });
    return;
  }
  if (!versions[request.token].includes(PENDING_STAGE)) {
    throw new Error(
      `Version ${request.token} of secret ${request.secretId} is not staged ${PENDING_STAGE} `
      + `(stages: ${versions[request.token].join(', ') || 'none'}), so it is not the version being rotated. `
      + 'Start a new rotation with `aws secretsmanager rotate-secret`.',
    );
  }

  switch (request.step) {
    case 'createSecret':
      return createSecret(request, dependencies);
    case 'setSecret':
      return setSecret(request, dependencies);
    case 'testSecret':
      return testSecret(request, dependencies);
    case 'finishSecret':
      return finishSecret(request, dependencies, versions);
  }
}

/**
 * Stores a new random value in `secretField` as the `AWSPENDING` version with the request's token,
 * keeping every other field of the current version. Does nothing when that version already has
 * a value, because Secrets Manager retries a step that failed or timed out.
 */
export async function createSecret(request: RotationRequest, dependencies: RotationDependencies): Promise<void> {
  const client = dependencies.secretsManager;
  const current = await readVersionJson(client, request.secretId, { VersionStage: CURRENT_STAGE });

  if (await pendingValueExists(client, request)) {
    logEvent('INFO', 'rotation.pending_exists', { secretId: request.secretId, versionId: request.token, step: request.step });
    return;
  }

  const generate = dependencies.generateValue ?? generateRandomValue;
  const pending = { ...current, [dependencies.secretField]: generate() };
  try {
    await client.putSecretValue({
      SecretId: request.secretId,
      ClientRequestToken: request.token,
      SecretString: JSON.stringify(pending),
      VersionStages: [PENDING_STAGE],
    });
  } catch (error) {
    throw new Error(
      `Writing version ${request.token} of secret ${request.secretId} failed: ${describeError(error)}. Check that `
      + 'the rotation function role may call secretsmanager:PutSecretValue on it and may use its KMS key for encryption.',
    );
  }
  logEvent('INFO', 'rotation.pending_created', {
    secretId: request.secretId,
    versionId: request.token,
    step: request.step,
    field: dependencies.secretField,
  });
}

/**
 * Does nothing but log, because the value is shared only through Secrets Manager: the services
 * that sign or verify with it read the new value after `finishSecret` makes it current.
 */
export async function setSecret(request: RotationRequest, dependencies: RotationDependencies): Promise<void> {
  logEvent('INFO', 'rotation.set_skipped', {
    secretId: request.secretId,
    versionId: request.token,
    step: request.step,
    field: dependencies.secretField,
    reason: 'no external system stores this value',
  });
}

/** Checks that `secretField` of the `AWSPENDING` version is a base64url string of the generated length. */
export async function testSecret(request: RotationRequest, dependencies: RotationDependencies): Promise<void> {
  const pending = await readVersionJson(dependencies.secretsManager, request.secretId, {
    VersionId: request.token,
    VersionStage: PENDING_STAGE,
  });
  const field = dependencies.secretField;
  const problem = describeInvalidRandomValue(pending[field]);
  if (problem !== undefined) {
    throw new Error(
      `Field "${field}" of version ${request.token} of secret ${request.secretId} ${problem}. `
      + `Remove the ${PENDING_STAGE} stage from that version and rotate again so createSecret writes a new value.`,
    );
  }
  logEvent('INFO', 'rotation.pending_tested', { secretId: request.secretId, versionId: request.token, step: request.step, field });
}

/**
 * Moves `AWSCURRENT` to the request's version and removes it from the version that had it,
 * which then becomes `AWSPREVIOUS`. Does nothing when the request's version is already current.
 */
export async function finishSecret(
  request: RotationRequest,
  dependencies: RotationDependencies,
  versions: Record<string, string[]>,
): Promise<void> {
  const currentVersion = Object.keys(versions).find((versionId) => versions[versionId].includes(CURRENT_STAGE));
  if (currentVersion === request.token) {
    logEvent('INFO', 'rotation.already_current', { secretId: request.secretId, versionId: request.token, step: request.step });
    return;
  }

  try {
    await dependencies.secretsManager.updateSecretVersionStage({
      SecretId: request.secretId,
      VersionStage: CURRENT_STAGE,
      MoveToVersionId: request.token,
      RemoveFromVersionId: currentVersion,
    });
  } catch (error) {
    throw new Error(
      `Moving ${CURRENT_STAGE} of secret ${request.secretId} from version ${currentVersion ?? 'none'} to `
      + `${request.token} failed: ${describeError(error)}. Check that the rotation function role may call `
      + 'secretsmanager:UpdateSecretVersionStage on it.',
    );
  }
  logEvent('INFO', 'rotation.current_moved', {
    secretId: request.secretId,
    versionId: request.token,
    previousVersionId: currentVersion,
    step: request.step,
  });
}

/**
 * Reads `DescribeSecret` and returns its version-to-stages map after checking that rotation is
 * enabled and that the request's version has a stage.
 */
async function readVersionStages(client: SecretsManagerRotationApi, request: RotationRequest): Promise<Record<string, string[]>> {
  let description: DescribeSecretCommandOutput;
  try {
    description = await client.describeSecret({ SecretId: request.secretId });
  } catch (error) {
    throw new Error(
      `Describing secret ${request.secretId} failed: ${describeError(error)}. Check that the secret exists and that `
      + 'the rotation function role may call secretsmanager:DescribeSecret on it.',
    );
  }
  if (description.RotationEnabled !== true) {
    throw new Error(
      `Secret ${request.secretId} does not have rotation enabled. Configure rotation on the secret `
      + '(for example with `aws secretsmanager rotate-secret --rotation-lambda-arn`) before invoking this function.',
    );
  }
  const versions = description.VersionIdsToStages ?? {};
  if (versions[request.token] === undefined) {
    throw new Error(
      `Secret ${request.secretId} has no version ${request.token}. Secrets Manager stages that version `
      + `${PENDING_STAGE} when it starts a rotation, so start one with \`aws secretsmanager rotate-secret\`.`,
    );
  }
  return versions;
}

/**
 * Returns whether the request's version has a value. Secrets Manager reports a version that it
 * staged without a value as ResourceNotFoundException.
 */
async function pendingValueExists(client: SecretsManagerRotationApi, request: RotationRequest): Promise<boolean> {
  try {
    await client.getSecretValue({ SecretId: request.secretId, VersionId: request.token, VersionStage: PENDING_STAGE });
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      return false;
    }
    throw new Error(
      `Reading version ${request.token} of secret ${request.secretId} failed: ${describeError(error)}. Check that `
      + 'the rotation function role may call secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).',
    );
  }
}

/** Reads one version of a secret and parses it as a JSON object. Errors never contain the value. */
async function readVersionJson(
  client: SecretsManagerRotationApi,
  secretId: string,
  version: { VersionId?: string; VersionStage: string },
): Promise<Record<string, unknown>> {
  const label = version.VersionId ? `version ${version.VersionId}` : `the ${version.VersionStage} version`;
  let output: GetSecretValueCommandOutput;
  try {
    output = await client.getSecretValue({ SecretId: secretId, ...version });
  } catch (error) {
    throw new Error(
      `Reading ${label} of secret ${secretId} failed: ${describeError(error)}. Check that the version exists and that `
      + 'the rotation function role may call secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).',
    );
  }
  if (output.SecretString === undefined) {
    throw new Error(`${capitalize(label)} of secret ${secretId} has no SecretString. Store the value as a JSON object string.`);
  }

  let value: unknown;
  try {
    value = JSON.parse(output.SecretString);
  } catch {
    throw new Error(`${capitalize(label)} of secret ${secretId} is not valid JSON. Store the value as a JSON object string.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${capitalize(label)} of secret ${secretId} is not a JSON object. Store the value as a JSON object string.`);
  }
  return value as Record<string, unknown>;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
