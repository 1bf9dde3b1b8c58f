import type {
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
  PutSecretValueCommandInput,
  PutSecretValueCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { describeError } from './errors';

/** Subset of the SDK's aggregated `SecretsManager` client that the handlers call; tests pass moto or a stub. */
export interface SecretsManagerApi {
  getSecretValue(input: GetSecretValueCommandInput): Promise<GetSecretValueCommandOutput>;
  putSecretValue(input: PutSecretValueCommandInput): Promise<PutSecretValueCommandOutput>;
}

/** Username and password of a database role, read from a secret. */
export interface RoleCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Reads the current version of a secret and parses its `SecretString` as a JSON object.
 * Error messages name the secret but never include its value.
 */
export async function readSecretJson(client: SecretsManagerApi, secretArn: string): Promise<Record<string, unknown>> {
  let output: GetSecretValueCommandOutput;
  try {
    output = await client.getSecretValue({ SecretId: secretArn });
  } catch (error) {
    throw new Error(
      `Reading secret ${secretArn} failed: ${describeError(error)}. Check that the secret exists and that `
      + 'the handler role may call secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).',
    );
  }
  if (output.SecretString === undefined) {
    throw new Error(`Secret ${secretArn} has no SecretString; store the value as a JSON object string.`);
  }

  let value: unknown;
  try {
    value = JSON.parse(output.SecretString);
  } catch {
    throw new Error(`Secret ${secretArn} is not valid JSON; store the value as a JSON object string.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Secret ${secretArn} is not a JSON object; store the value as a JSON object string.`);
  }
  return value as Record<string, unknown>;
}

/**
 * Returns the string in `field` of a parsed secret, or throws a message that names the
 * secret and the field.
 */
export function requireSecretField(secret: Record<string, unknown>, field: string, secretArn: string): string {
  const value = secret[field];
  if (typeof value !== 'string' || value.length === 0) {
    const found = value === undefined ? 'is missing' : 'is not a non-empty string';
    throw new Error(
      `Field "${field}" of secret ${secretArn} ${found}. The secret must be a JSON object with a `
      + `non-empty string "${field}".`,
    );
  }
  return value;
}

/** Reads the `username` and `password` fields of a secret. */
export async function readRoleCredentials(client: SecretsManagerApi, secretArn: string): Promise<RoleCredentials> {
  const secret = await readSecretJson(client, secretArn);
  return {
    username: requireSecretField(secret, 'username', secretArn),
    password: requireSecretField(secret, 'password', secretArn),
  };
}

/** Stores a JSON object as a new current version of a secret. */
export async function writeSecretJson(
  client: SecretsManagerApi,
  secretArn: string,
  value: Record<string, unknown>,
): Promise<void> {
  try {
    await client.putSecretValue({ SecretId: secretArn, SecretString: JSON.stringify(value) });
  } catch (error) {
    throw new Error(
      `Writing secret ${secretArn} failed: ${describeError(error)}. Check that the handler role may call `
      + 'secretsmanager:PutSecretValue on it and may use its KMS key for encryption.',
    );
  }
}
