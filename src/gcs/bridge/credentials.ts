import { createPrivateKey } from 'crypto';
import type { GetSecretValueCommandInput, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { BridgeEnvironment, CredentialSource } from './configuration';
import { describeReplicationError } from '../replication/log';

/** The part of the SDK's aggregated `SecretsManager` client that the bridge calls. Tests pass one aimed at moto. */
export interface SecretValueApi {
  getSecretValue(input: GetSecretValueCommandInput): Promise<GetSecretValueCommandOutput>;
}

/** Fields of a Google service-account key file that the bridge checks. Other fields pass through unchanged. */
export interface ServiceAccountKey {
  readonly type: 'service_account';
  readonly client_email: string;
  readonly private_key: string;
  readonly [field: string]: unknown;
}

/** Credentials to pass as the `credentials` option of `Storage`, and where they came from. */
export interface ResolvedCredentials {
  /** A service-account key or an `external_account` configuration. */
  readonly credentials: Record<string, unknown>;
  readonly source: CredentialSource;
  /** Email of the service account that accesses the bucket, when the configuration names it. */
  readonly serviceAccountEmail?: string;
}

/**
 * Property of the placeholder value that the construct stores in a secret it creates, through
 * `generateSecretString` with `secretStringTemplate` `{"cdkPostizPlaceholder":"..."}`.
 */
export const PLACEHOLDER_PROPERTY = 'cdkPostizPlaceholder';

/** How long a service-account key read from Secrets Manager is reused, in milliseconds. */
export const SECRET_CACHE_TTL_MS = 5 * 60 * 1000;

/** Raised when the credentials secret still contains the placeholder that the construct created. */
export class UnfilledSecretError extends Error {
  constructor(readonly secretArn: string) {
    super(
      `Secret ${secretArn} still contains the placeholder that the construct created: put the service-account key `
      + `JSON into secret ${secretArn}, for example with aws secretsmanager put-secret-value --secret-id ${secretArn} `
      + '--secret-string file://key.json.',
    );
    this.name = 'UnfilledSecretError';
  }
}

/** Raised when the credentials cannot be read or are invalid, before any request to Google. */
export class CredentialConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialConfigurationError';
  }
}

/**
 * Parses and validates the `SecretString` of a credentials secret. Throws `UnfilledSecretError`
 * for the construct's placeholder and `CredentialConfigurationError` for any other invalid value.
 * Messages name the secret ARN and the expected form, never the secret's content.
 */
export function parseServiceAccountKey(secretString: string | undefined, secretArn: string): ServiceAccountKey {
  const expected = 'a Google service-account key JSON object with "type": "service_account", "client_email" and "private_key"';
  if (secretString === undefined) {
    throw new CredentialConfigurationError(`Secret ${secretArn} has no SecretString: store ${expected}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new CredentialConfigurationError(`Secret ${secretArn} is not valid JSON: store ${expected}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CredentialConfigurationError(`Secret ${secretArn} is not a JSON object: store ${expected}.`);
  }
  const value = parsed as Record<string, unknown>;
  if (PLACEHOLDER_PROPERTY in value) {
    throw new UnfilledSecretError(secretArn);
  }
  if (value.type !== 'service_account') {
    const found = typeof value.type === 'string' ? `has type ${JSON.stringify(value.type)}` : 'has no "type" field';
    throw new CredentialConfigurationError(`Secret ${secretArn} ${found}: store ${expected}.`);
  }
  for (const field of ['client_email', 'private_key']) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      throw new CredentialConfigurationError(`Secret ${secretArn} has no non-empty string field "${field}": store ${expected}.`);
    }
  }
  try {
    createPrivateKey(value.private_key as string);
  } catch {
    throw new CredentialConfigurationError(
      `Field "private_key" of secret ${secretArn} is not a valid PEM private key: store the service-account key JSON `
      + 'exactly as Google Cloud generated it, with the line breaks of the key written as \\n.',
    );
  }
  return value as ServiceAccountKey;
}

interface CachedKey {
  readonly secretArn: string;
  readonly key: ServiceAccountKey;
  readonly readAtMs: number;
}

/**
 * Reads service-account keys from Secrets Manager and reuses a valid key for `SECRET_CACHE_TTL_MS`,
 * so warm invocations skip the read and a replaced key is used within five minutes. Invalid and
 * placeholder values are never cached, so a fix takes effect on the next invocation.
 */
export class ServiceAccountKeyCache {
  private cached: CachedKey | undefined;

  constructor(
    private readonly secretsManager: SecretValueApi,
    private readonly now: () => Date = () => new Date(),
    private readonly ttlMs: number = SECRET_CACHE_TTL_MS,
  ) {}

  /** Returns the key in the secret, from the cache when it was read less than the TTL ago. */
  async read(secretArn: string): Promise<ServiceAccountKey> {
    const nowMs = this.now().getTime();
    const cached = this.cached;
    if (cached !== undefined && cached.secretArn === secretArn && nowMs - cached.readAtMs < this.ttlMs) {
      return cached.key;
    }
    this.cached = undefined;
    let output: GetSecretValueCommandOutput;
    try {
      output = await this.secretsManager.getSecretValue({ SecretId: secretArn });
    } catch (error) {
      throw new CredentialConfigurationError(
        `Reading secret ${secretArn} failed: ${describeReplicationError(error)}. Check that the secret exists and that the `
        + "function's role may call secretsmanager:GetSecretValue on it and kms:Decrypt on its key.",
      );
    }
    const key = parseServiceAccountKey(output.SecretString, secretArn);
    this.cached = { secretArn, key, readAtMs: nowMs };
    return key;
  }

  /** Drops the cached key, so the next `read` fetches the secret again. */
  clear(): void {
    this.cached = undefined;
  }
}

/**
 * Returns the credentials for the configured source: the key from the secret, or the
 * `external_account` configuration after checking that the AWS variables it reads are set.
 */
export async function resolveCredentials(
  source: CredentialSource,
  keyCache: ServiceAccountKeyCache,
  environment: BridgeEnvironment,
): Promise<ResolvedCredentials> {
  if (source.kind === 'service-account-secret') {
    const key = await keyCache.read(source.secretArn);
    return { credentials: key, source, serviceAccountEmail: key.client_email };
  }
  checkWorkloadIdentityEnvironment(source.configuration, environment);
  return {
    credentials: source.configuration,
    source,
    serviceAccountEmail: impersonatedServiceAccountEmail(source.configuration),
  };
}

/**
 * Throws when the AWS variables that an `external_account` configuration reads are not set.
 * Without `credential_source.url` and `region_url`, google-auth-library 9.15 reads the AWS
 * credentials and region only from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN` and `AWS_REGION` or `AWS_DEFAULT_REGION`, which Lambda sets. Without them
 * the library raises a less specific error.
 */
export function checkWorkloadIdentityEnvironment(configuration: Record<string, unknown>, environment: BridgeEnvironment): void {
  const credentialSource = (configuration.credential_source ?? {}) as Record<string, unknown>;
  const missing: string[] = [];
  if (credentialSource.region_url === undefined && !environment.AWS_REGION && !environment.AWS_DEFAULT_REGION) {
    missing.push('AWS_REGION');
  }
  if (credentialSource.url === undefined && (!environment.AWS_ACCESS_KEY_ID || !environment.AWS_SECRET_ACCESS_KEY)) {
    missing.push('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY');
  }
  if (missing.length > 0) {
    throw new CredentialConfigurationError(
      "Workload Identity Federation needs the AWS credentials of the function's role in the environment, but "
      + `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. Lambda sets them for every function; `
      + 'elsewhere set them before calling the bridge. The configuration names no metadata endpoint on purpose.',
    );
  }
}

/** Returns the service account email in `service_account_impersonation_url`, or undefined. */
export function impersonatedServiceAccountEmail(configuration: Record<string, unknown>): string | undefined {
  const url = configuration.service_account_impersonation_url;
  if (typeof url !== 'string') {
    return undefined;
  }
  return /serviceAccounts\/([^/:]+):generateAccessToken$/.exec(url)?.[1];
}
