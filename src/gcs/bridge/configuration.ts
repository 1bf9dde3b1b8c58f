import { MAX_BACKFILL_DAYS } from '../replication/dates';
import { UPLOADS_PATH_VARIABLE, uploadsPathFromEnvironment } from '../replication/local-files';

/** Environment of the function, such as `process.env`. */
export type BridgeEnvironment = Readonly<Record<string, string | undefined>>;

/** Names of the environment variables that the construct sets on the function. */
export const BRIDGE_VARIABLES = {
  bucketName: 'GCS_BUCKET_NAME',
  projectId: 'GCS_PROJECT_ID',
  credentialsSecretArn: 'GCS_CREDENTIALS_SECRET_ARN',
  credentialConfig: 'GCS_CREDENTIAL_CONFIG',
  apiEndpoint: 'GCS_API_ENDPOINT',
  uploadsPath: UPLOADS_PATH_VARIABLE,
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  recentDays: 'RECENT_DAYS',
  minFileAgeSeconds: 'MIN_FILE_AGE_SECONDS',
  concurrency: 'CONCURRENCY',
  metricsNamespace: 'METRICS_NAMESPACE',
} as const;

/** Default CloudWatch namespace of the replication metrics. */
export const DEFAULT_METRICS_NAMESPACE = 'CdkPostiz/GcsBridge';

/**
 * Maximum value of `CONCURRENCY`. Each concurrent copy keeps one file open and one HTTP request
 * in flight. NOTE: 64 is a chosen bound, not a measured limit.
 */
export const MAX_CONCURRENCY = 64;

/**
 * Source of the function's Google credentials: a Secrets Manager secret that contains a
 * service-account key, or an `external_account` configuration for Workload Identity Federation.
 */
export type CredentialSource =
  | { readonly kind: 'service-account-secret'; readonly secretArn: string }
  | { readonly kind: 'workload-identity'; readonly configuration: Record<string, unknown> };

/** Settings of the replication runs, present only when the function replicates. */
export interface ReplicationSettings {
  /** Absolute mount path of the uploads file system. */
  readonly uploadsPath: string;
  /** URL of the SQS queue that receives one message per file that failed to copy. */
  readonly deadLetterQueueUrl: string;
  /** Number of UTC days, today included, that a `recent` run scans. */
  readonly recentDays: number;
  readonly minFileAgeSeconds: number;
  readonly concurrency: number;
}

/** Configuration of the function, read from its environment variables. */
export interface BridgeConfiguration {
  readonly bucketName: string;
  readonly projectId: string;
  readonly credentialSource: CredentialSource;
  /** Cloud Storage endpoint of an emulator, or undefined for the Google endpoint. */
  readonly apiEndpoint?: string;
  /** Undefined when `UPLOADS_PATH` is not set, so the function only probes. */
  readonly replication?: ReplicationSettings;
  readonly metricsNamespace: string;
}

/**
 * Reads and validates the function's configuration. Throws an error that names the variable, its
 * value and the expected form when a variable is missing or invalid. The value of
 * `GCS_CREDENTIAL_CONFIG` is never repeated in a message.
 */
export function parseBridgeConfiguration(environment: BridgeEnvironment): BridgeConfiguration {
  const bucketName = requireVariable(environment, BRIDGE_VARIABLES.bucketName, 'the name of the Cloud Storage bucket');
  const projectId = requireVariable(environment, BRIDGE_VARIABLES.projectId, 'the id of the Google Cloud project that owns the bucket');
  const credentialSource = parseCredentialSource(environment);
  const apiEndpoint = parseApiEndpoint(optionalVariable(environment, BRIDGE_VARIABLES.apiEndpoint));
  const metricsNamespace = optionalVariable(environment, BRIDGE_VARIABLES.metricsNamespace) ?? DEFAULT_METRICS_NAMESPACE;

  return {
    bucketName,
    projectId,
    credentialSource,
    apiEndpoint,
    replication: parseReplicationSettings(environment),
    metricsNamespace,
  };
}

function parseCredentialSource(environment: BridgeEnvironment): CredentialSource {
  const secretArn = optionalVariable(environment, BRIDGE_VARIABLES.credentialsSecretArn);
  const configText = optionalVariable(environment, BRIDGE_VARIABLES.credentialConfig);
  if (secretArn !== undefined && configText !== undefined) {
    throw new Error(
      `Both ${BRIDGE_VARIABLES.credentialsSecretArn} and ${BRIDGE_VARIABLES.credentialConfig} are set, but the function `
      + 'uses exactly one credential source: set only the secret ARN for a service-account key, or only the '
      + 'external_account configuration for Workload Identity Federation.',
    );
  }
  if (secretArn !== undefined) {
    return { kind: 'service-account-secret', secretArn };
  }
  if (configText !== undefined) {
    return { kind: 'workload-identity', configuration: parseWorkloadIdentityConfiguration(configText) };
  }
  throw new Error(
    `Missing credential source: set ${BRIDGE_VARIABLES.credentialsSecretArn} to the ARN of a secret that contains a `
    + `service-account key, or ${BRIDGE_VARIABLES.credentialConfig} to an external_account configuration for `
    + 'Workload Identity Federation.',
  );
}

/**
 * Parses an `external_account` credential configuration. Throws when it is not a JSON object of
 * that type. The configuration contains no secret, but messages still name only its fields.
 */
export function parseWorkloadIdentityConfiguration(text: string): Record<string, unknown> {
  const name = BRIDGE_VARIABLES.credentialConfig;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`Environment variable ${name} is not valid JSON (${(error as Error).message}): set it to an external_account credential configuration.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Environment variable ${name} is not a JSON object: set it to an external_account credential configuration.`);
  }
  const configuration = parsed as Record<string, unknown>;
  if (configuration.type !== 'external_account') {
    throw new Error(
      `Environment variable ${name} has type ${JSON.stringify(configuration.type ?? null)}, but the function expects `
      + '"external_account", a Workload Identity Federation configuration. A service-account key belongs in the secret '
      + `named by ${BRIDGE_VARIABLES.credentialsSecretArn} instead.`,
    );
  }
  for (const field of ['audience', 'subject_token_type', 'credential_source']) {
    if (configuration[field] === undefined || configuration[field] === null || configuration[field] === '') {
      throw new Error(`Environment variable ${name} has no "${field}" field: regenerate the configuration with the construct.`);
    }
  }
  return configuration;
}

function parseApiEndpoint(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(
      `Invalid environment variable ${BRIDGE_VARIABLES.apiEndpoint} ${JSON.stringify(value)}: set it to the http or https `
      + 'URL of a Cloud Storage emulator, such as http://127.0.0.1:4443, or leave it unset for Google Cloud Storage.',
    );
  }
  return value.replace(/\/+$/, '');
}

function parseReplicationSettings(environment: BridgeEnvironment): ReplicationSettings | undefined {
  if (optionalVariable(environment, BRIDGE_VARIABLES.uploadsPath) === undefined) {
    return undefined;
  }
  const uploadsPath = uploadsPathFromEnvironment(environment);
  const deadLetterQueueUrl = optionalVariable(environment, BRIDGE_VARIABLES.deadLetterQueueUrl);
  if (deadLetterQueueUrl === undefined) {
    throw new Error(
      `Missing environment variable ${BRIDGE_VARIABLES.deadLetterQueueUrl}: it is required when ${BRIDGE_VARIABLES.uploadsPath} `
      + 'is set, because files that fail to copy are sent to that SQS queue.',
    );
  }
  return {
    uploadsPath,
    deadLetterQueueUrl,
    recentDays: parseWholeNumber(environment, BRIDGE_VARIABLES.recentDays, 2, 1, MAX_BACKFILL_DAYS),
    minFileAgeSeconds: parseWholeNumber(environment, BRIDGE_VARIABLES.minFileAgeSeconds, 10, 0, Number.MAX_SAFE_INTEGER),
    concurrency: parseWholeNumber(environment, BRIDGE_VARIABLES.concurrency, 4, 1, MAX_CONCURRENCY),
  };
}

/** Parses an optional whole-number variable in [minimum, maximum], or returns `fallback` when it is unset. */
function parseWholeNumber(environment: BridgeEnvironment, name: string, fallback: number, minimum: number, maximum: number): number {
  const value = optionalVariable(environment, name);
  if (value === undefined) {
    return fallback;
  }
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < minimum || parsed > maximum) {
    const range = maximum === Number.MAX_SAFE_INTEGER ? `${minimum} or more` : `from ${minimum} to ${maximum}`;
    throw new Error(`Invalid environment variable ${name} ${JSON.stringify(value)}: use a whole number ${range}, or leave it unset for ${fallback}.`);
  }
  return parsed;
}

/** Returns the variable's value, or undefined when it is unset or empty. */
function optionalVariable(environment: BridgeEnvironment, name: string): string | undefined {
  const value = environment[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function requireVariable(environment: BridgeEnvironment, name: string, description: string): string {
  const value = optionalVariable(environment, name);
  if (value === undefined) {
    throw new Error(`Missing environment variable ${name}: set it to ${description}.`);
  }
  return value;
}
