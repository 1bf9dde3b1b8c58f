import { randomBytes, randomUUID } from 'crypto';
import type { Storage } from '@google-cloud/storage';
import { CredentialsRejectedError, describeCause, describeRejectedCredentials, fetchAccessToken } from './authentication';
import { ResolvedCredentials } from './credentials';
import { httpStatusOf } from '../replication/retry';

/** Folder of the objects that the probe writes and deletes again. */
export const PROBE_PREFIX = '.cdk-postiz-probe/';

/** Role that grants the object permissions the function needs, and no bucket administration. */
export const RECOMMENDED_ROLE = 'roles/storage.objectUser';

/** Outcome of a probe. */
export interface ProbeResult {
  /** Always `ok`, because a failed probe throws. */
  readonly status: 'ok';
  readonly bucket: string;
  /** Name of the probe object, absent when no object was written. */
  readonly objectName?: string;
  /** One sentence for people, also used as the custom resource's `Status` attribute. */
  readonly message: string;
}

/** Bucket, project and credentials that a probe checks. */
export interface ProbeTarget {
  readonly bucketName: string;
  readonly projectId: string;
  readonly credentials: ResolvedCredentials;
  /**
   * Returns the name of the probe object.
   *
   * @default `.cdk-postiz-probe/` followed by a random UUID
   */
  readonly objectName?: () => string;
}

type ProbeStep = 'write' | 'read' | 'delete';

/** Object permission that each probe step needs. */
const STEP_PERMISSIONS: Readonly<Record<ProbeStep, string>> = {
  write: 'storage.objects.create',
  read: 'storage.objects.get',
  delete: 'storage.objects.delete',
};

/**
 * Checks that the function can use the bucket: fetches an access token, writes a small object
 * with `ifGenerationMatch: 0`, reads it back, compares the bytes and deletes it. Throws an error
 * whose message names the part that is wrong: the credentials, a missing permission or the bucket.
 * When the delete fails, the message names the object that remains.
 */
export async function runProbe(storage: Storage, target: ProbeTarget): Promise<ProbeResult> {
  await fetchAccessToken(storage, target.credentials);

  const objectName = (target.objectName ?? (() => `${PROBE_PREFIX}${randomUUID()}`))();
  const file = storage.bucket(target.bucketName).file(objectName);
  const content = Buffer.concat([Buffer.from('cdk-postiz probe '), randomBytes(16)]);

  try {
    await file.save(content, {
      resumable: false,
      metadata: { contentType: 'application/octet-stream', cacheControl: 'no-store' },
      preconditionOpts: { ifGenerationMatch: 0 },
    });
  } catch (error) {
    throw probeError('write', error, target, objectName);
  }

  let readError: Error | undefined;
  try {
    const [downloaded] = await file.download();
    if (!downloaded.equals(content)) {
      readError = new Error(
        `Probe object gs://${target.bucketName}/${objectName} was read back with ${downloaded.length} bytes that differ from `
        + `the ${content.length} bytes written. Check for a bucket feature or proxy that changes object content.`,
      );
    }
  } catch (error) {
    readError = probeError('read', error, target, objectName);
  }

  // The delete runs even after a failed read, so a failed probe leaves no object behind when it can.
  try {
    await file.delete();
  } catch (error) {
    const deleteError = probeError('delete', error, target, objectName);
    const remains = `Object gs://${target.bucketName}/${objectName} remains; delete it by hand.`;
    throw new Error(`${readError ? `${readError.message} Then ` : ''}${deleteError.message} ${remains}`);
  }
  if (readError) {
    throw readError;
  }

  return {
    status: 'ok',
    bucket: target.bucketName,
    objectName,
    message: `Probe succeeded: the function wrote, read back and deleted an object in bucket ${target.bucketName}.`,
  };
}

/** Builds the error of a failed probe step, naming the cause that the HTTP status points to. */
function probeError(step: ProbeStep, error: unknown, target: ProbeTarget, objectName: string): Error {
  const status = httpStatusOf(error);
  const cause = describeCause(error);
  const bucket = target.bucketName;
  const principal = target.credentials.serviceAccountEmail ?? 'The service account';
  if (status === 401) {
    return new CredentialsRejectedError(describeRejectedCredentials(target.credentials, error));
  }
  if (status === 403) {
    return new Error(
      `Permission denied: ${principal} lacks ${STEP_PERMISSIONS[step]} on bucket ${bucket} (${cause}). `
      + `Grant it ${RECOMMENDED_ROLE} on the bucket, which includes storage.objects.create, get and delete.`,
    );
  }
  if (status === 404 && step === 'write') {
    return new Error(
      `Bucket ${bucket} was not found (${cause}): it does not exist or the name is wrong. Create it in project `
      + `${target.projectId} or correct the bucket name.`,
    );
  }
  return new Error(`Probe ${step} of gs://${bucket}/${objectName} failed (${cause}). Retry the deployment if Cloud Storage was unavailable.`);
}
