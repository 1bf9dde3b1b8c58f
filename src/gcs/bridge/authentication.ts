import type { Storage } from '@google-cloud/storage';
import { ResolvedCredentials } from './credentials';
import { storageAuthenticates } from './storage-client';
import { describeReplicationError } from '../replication/log';
import { httpStatusOf } from '../replication/retry';

/** Raised when Google does not issue or accept an access token for the configured credentials. */
export class CredentialsRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsRejectedError';
  }
}

/**
 * Fetches an access token before any bucket request, so invalid credentials fail once with a
 * message that names the credential source, instead of once per file. Does nothing when the
 * client sends no credentials, which is the case for an emulator endpoint by default.
 * Throws `CredentialsRejectedError`, whose message contains no token or key.
 */
export async function fetchAccessToken(storage: Storage, credentials: ResolvedCredentials): Promise<void> {
  if (!storageAuthenticates(storage)) {
    return;
  }
  try {
    await storage.authClient.getAccessToken();
  } catch (error) {
    throw new CredentialsRejectedError(describeRejectedCredentials(credentials, error));
  }
}

/**
 * Describes a failed token request or a 401 from Cloud Storage, and what to check for the
 * credential source in use.
 */
export function describeRejectedCredentials(credentials: ResolvedCredentials, error: unknown): string {
  const cause = describeCause(error);
  const source = credentials.source;
  if (source.kind === 'service-account-secret') {
    const account = credentials.serviceAccountEmail ?? 'the service account';
    return `Google rejected the credentials (${cause}). Check the key in secret ${source.secretArn}: it must be a `
      + `current key of ${account}, not deleted or disabled, and the service account must exist and be enabled.`;
  }
  const account = credentials.serviceAccountEmail ?? 'the service account';
  return `Google rejected the credentials: the token exchange through Workload Identity Federation failed (${cause}). `
    + `Check the workload identity provider ${String(source.configuration.audience)}: it must trust this AWS account `
    + `and accept the function's role, and that role's principal needs roles/iam.workloadIdentityUser on ${account}.`;
}

/** Formats an error with its HTTP status, when it has one, for a message. */
export function describeCause(error: unknown): string {
  const status = httpStatusOf(error);
  const text = describeReplicationError(error);
  return status === undefined || text.includes(String(status)) ? text : `HTTP ${status}: ${text}`;
}
