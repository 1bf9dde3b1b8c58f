import { createHash } from 'crypto';
import type { Storage, StorageOptions } from '@google-cloud/storage';
import { ResolvedCredentials } from './credentials';

/**
 * Creates a `Storage` client. The Lambda entry point passes `(options) => new Storage(options)`;
 * the bridge modules import `@google-cloud/storage` only for its types, because the package is
 * bundled into the function and is not a dependency of the construct library.
 */
export type StorageFactory = (options: StorageOptions) => Storage;

/** Settings of the `Storage` client that the bridge builds for each credential value. */
export interface StorageClientSettings {
  readonly projectId: string;
  /** Emulator endpoint, or undefined for Google Cloud Storage. */
  readonly apiEndpoint?: string;
  /**
   * Options merged under the bridge's own, for tests: for example `useAuthWithCustomEndpoint: true`
   * to authenticate against an emulator, or `clientOptions` with a transporter. `projectId`,
   * `credentials`, `retryOptions` and `apiEndpoint` always come from the bridge.
   */
  readonly overrides?: StorageOptions;
}

/**
 * Builds the options of the bridge's `Storage` client. Automatic retries are off because the
 * replication library retries whole file copies, and client retries would multiply its attempts.
 */
export function storageOptionsFor(settings: StorageClientSettings, credentials: ResolvedCredentials): StorageOptions {
  return {
    ...settings.overrides,
    projectId: settings.projectId,
    credentials: credentials.credentials as StorageOptions['credentials'],
    retryOptions: { autoRetry: false },
    ...(settings.apiEndpoint !== undefined ? { apiEndpoint: settings.apiEndpoint } : {}),
  };
}

/**
 * Keeps one `Storage` client per project, endpoint and credential value, so warm invocations reuse
 * its cached access token, and a new key or configuration gets a new client.
 */
export class StorageClientCache {
  private cached: { readonly fingerprint: string; readonly storage: Storage } | undefined;

  constructor(private readonly createStorage: StorageFactory) {}

  /** Returns the client for these settings and credentials, creating it when they changed. */
  clientFor(settings: StorageClientSettings, credentials: ResolvedCredentials): Storage {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([settings.projectId, settings.apiEndpoint ?? null, credentials.credentials]))
      .digest('hex');
    if (this.cached?.fingerprint !== fingerprint) {
      this.cached = { fingerprint, storage: this.createStorage(storageOptionsFor(settings, credentials)) };
    }
    return this.cached.storage;
  }

  /** Drops the cached client, so the next call creates a new one that fetches a new token. */
  clear(): void {
    this.cached = undefined;
  }
}

/**
 * Returns whether the client sends credentials with its requests. `@google-cloud/storage` 7 sends
 * none to a custom endpoint unless `useAuthWithCustomEndpoint` is true.
 * NOTE: in 7.22, streaming resumable uploads to a custom endpoint send none even then, because
 * `File.startResumableUpload_` does not pass that option on.
 */
export function storageAuthenticates(storage: Storage): boolean {
  return !storage.customEndpoint || storage.useAuthWithCustomEndpoint === true;
}
