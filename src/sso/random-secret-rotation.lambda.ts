import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import { parseSecretField } from './rotation/random-value';
import { handleRotationEvent } from './rotation/rotation';

// Created once per Lambda execution environment and reused by warm invocations.
const secretsManager = new SecretsManager({});

/**
 * Secrets Manager rotation function for a secret whose JSON field `SECRET_FIELD` (default
 * `secret`) contains a random shared value, such as the key of HS256 SSO tokens. See `handleRotationEvent`.
 */
export async function handler(event: { SecretId: string; ClientRequestToken: string; Step: string }): Promise<void> {
  return handleRotationEvent(event, {
    secretsManager,
    secretField: parseSecretField(process.env.SECRET_FIELD),
  });
}
