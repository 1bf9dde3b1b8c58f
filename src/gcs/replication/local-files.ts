import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { UploadDay } from './dates';

/** One file of the uploads tree and the object key it is copied to. */
export interface UploadFile {
  /** Absolute path on the mounted file system. */
  readonly path: string;
  /** Object key, `YYYY/MM/DD/<name>`. */
  readonly key: string;
}

/** A day folder that exists but could not be listed. */
export interface UnreadableFolder {
  readonly path: string;
  readonly error: unknown;
}

/** Files found under the day folders, and the folders that could not be read. */
export interface UploadListing {
  readonly files: UploadFile[];
  readonly unreadableFolders: UnreadableFolder[];
}

/** Environment variable that contains the mount path of the uploads directory. */
export const UPLOADS_PATH_VARIABLE = 'UPLOADS_PATH';

/** Returns the absolute uploads path from `UPLOADS_PATH`, or throws when it is missing or relative. */
export function uploadsPathFromEnvironment(environment: Readonly<Record<string, string | undefined>> = process.env): string {
  const value = environment[UPLOADS_PATH_VARIABLE];
  if (!value || !path.isAbsolute(value)) {
    throw new Error(
      `Invalid environment variable ${UPLOADS_PATH_VARIABLE} ${JSON.stringify(value ?? null)}: set it to the absolute `
      + 'path where the uploads file system is mounted, such as /mnt/uploads.',
    );
  }
  return value;
}

/**
 * Lists the regular files directly inside each existing day folder, sorted by key.
 * Missing day folders are normal (no uploads that day) and are left out. Throws when
 * `uploadsPath` itself is not a readable directory, because then nothing can be replicated.
 */
export async function listUploadFiles(uploadsPath: string, days: readonly UploadDay[]): Promise<UploadListing> {
  const rootStats = await fs.promises.stat(uploadsPath).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      `Uploads path ${uploadsPath} cannot be read (${error.code ?? error.message}): check that the file system is `
      + `mounted there and that ${UPLOADS_PATH_VARIABLE} names the mount path.`,
    );
  });
  if (!rootStats.isDirectory()) {
    throw new Error(`Uploads path ${uploadsPath} is not a directory: set ${UPLOADS_PATH_VARIABLE} to the mount path.`);
  }

  const files: UploadFile[] = [];
  const unreadableFolders: UnreadableFolder[] = [];
  for (const day of days) {
    const folder = path.join(uploadsPath, ...day.prefix.split('/'));
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        unreadableFolders.push({ path: folder, error });
      }
      continue;
    }
    // Hidden names are not uploads: Postiz names files with hex digits, and NFS clients such as
    // the EFS mount create `.nfs*` placeholders for files deleted while open.
    const names = entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
    for (const name of names) {
      files.push({ path: path.join(folder, name), key: `${day.prefix}/${name}` });
    }
  }
  return { files, unreadableFolders };
}

/** Computes the base64 MD5 of a file, the encoding of `md5Hash` in Cloud Storage metadata, by streaming it. */
export async function md5OfFile(filePath: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of fs.createReadStream(filePath)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('base64');
}
