import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Bucket, Storage } from '@google-cloud/storage';
import {
  DEFAULT_CONTENT_TYPE,
  ReplicationBucket,
  ReplicationLogFields,
  ReplicationOptions,
  SOURCE_MODIFIED_METADATA_KEY,
  UPLOAD_CACHE_CONTROL,
  backfill,
  backoffDelayMs,
  contentTypeFor,
  describeReplicationError,
  isRetryableError,
  recentUploadDays,
  replicateRecent,
  uploadDaysBetween,
  uploadsPathFromEnvironment,
} from '../../src/gcs/replication';
import { FakeGcsServer, startFakeGcsServer } from '../support/fake-gcs';
import { isUploadOf, startGcsProxy } from '../support/gcs-proxy';

jest.setTimeout(60_000);

const NOW = new Date('2026-03-10T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const NAME_A = '0123456789abcdef0123456789abcdef.png';
const NAME_B = 'fedcba9876543210fedcba9876543210.mp4';
const NAME_C = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpeg';

let emulator: FakeGcsServer;
let storage: Storage;
let uploadsPath: string;
let bucket: Bucket;
let logLines: ReplicationLogFields[];
let bucketCounter = 0;

beforeAll(async () => {
  emulator = await startFakeGcsServer();
  storage = createStorage(emulator.endpoint);
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(async () => {
  uploadsPath = fs.mkdtempSync(path.join(os.tmpdir(), 'postiz-uploads-'));
  bucketCounter++;
  [bucket] = await storage.createBucket(`replication-${process.pid}-${bucketCounter}`);
  logLines = [];
});

afterEach(() => {
  fs.rmSync(uploadsPath, { recursive: true, force: true });
});

/** Creates a client without its own retries, so only the replication retry loop runs. */
function createStorage(apiEndpoint: string): Storage {
  return new Storage({ apiEndpoint, projectId: 'test', retryOptions: { autoRetry: false } });
}

/** Writes `uploads/<prefix>/<name>` and sets its modification time to `ageSeconds` before NOW. */
function writeUpload(prefix: string, name: string, content: string | Buffer, ageSeconds = 60): string {
  const folder = path.join(uploadsPath, ...prefix.split('/'));
  fs.mkdirSync(folder, { recursive: true });
  const filePath = path.join(folder, name);
  fs.writeFileSync(filePath, content);
  const modified = NOW_SECONDS - ageSeconds;
  fs.utimesSync(filePath, modified, modified);
  return filePath;
}

function options(overrides: Partial<ReplicationOptions> = {}): ReplicationOptions {
  return {
    bucket,
    uploadsPath,
    now: () => NOW,
    sleep: async () => undefined,
    logger: (fields) => logLines.push(fields),
    ...overrides,
  };
}

async function readObject(key: string, from: Bucket = bucket): Promise<string> {
  const [content] = await from.file(key).download();
  return content.toString();
}

async function objectGeneration(key: string): Promise<string> {
  const [metadata] = await bucket.file(key).getMetadata();
  return String(metadata.generation);
}

async function listKeys(): Promise<string[]> {
  const [files] = await bucket.getFiles();
  return files.map((file) => file.name).sort();
}

describe('replicateRecent', () => {
  test('copies files with metadata', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes', 60);
    writeUpload('2026/03/09', NAME_B, 'mp4 bytes', 3600);
    writeUpload('2026/03/09', NAME_C, 'jpeg bytes', 120);
    writeUpload('2026/03/08', NAME_A, 'outside the window', 90_000);
    writeUpload('2026/03/10', '.nfs000000001', 'placeholder of a deleted file');
    fs.mkdirSync(path.join(uploadsPath, '2026', '03', '10', 'subfolder'));

    const result = await replicateRecent(options());

    expect(result.days).toEqual(['2026-03-09', '2026-03-10']);
    expect(result.filesSeen).toBe(3);
    expect(result.filesCopied).toBe(3);
    expect(result.filesSkipped).toBe(0);
    expect(result.filesDeferred).toBe(0);
    expect(result.filesFailed).toBe(0);
    expect(result.bytesCopied).toBe('png bytes'.length + 'mp4 bytes'.length + 'jpeg bytes'.length);
    expect(result.replicationLagSeconds).toBe(3600);
    expect(result.failures).toEqual([]);
    expect(await listKeys()).toEqual([`2026/03/09/${NAME_C}`, `2026/03/09/${NAME_B}`, `2026/03/10/${NAME_A}`].sort());
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('png bytes');
    expect(await readObject(`2026/03/09/${NAME_B}`)).toBe('mp4 bytes');

    const [pngMetadata] = await bucket.file(`2026/03/10/${NAME_A}`).getMetadata();
    expect(pngMetadata.contentType).toBe('image/png');
    expect(pngMetadata.cacheControl).toBe(UPLOAD_CACHE_CONTROL);
    const [mp4Metadata] = await bucket.file(`2026/03/09/${NAME_B}`).getMetadata();
    expect(mp4Metadata.contentType).toBe('video/mp4');
    const [jpegMetadata] = await bucket.file(`2026/03/09/${NAME_C}`).getMetadata();
    expect(jpegMetadata.contentType).toBe('image/jpeg');
  });

  test('writes one JSON log line per file', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    writeUpload('2026/03/10', NAME_B, 'mp4 bytes');
    const written: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => { written.push(line); });
    try {
      await replicateRecent(options({ logger: undefined }));
    } finally {
      spy.mockRestore();
    }

    const entries = written.map((line) => JSON.parse(line));
    const fileEntries = entries.filter((entry) => entry.action === 'copied');
    expect(fileEntries.map((entry) => entry.key).sort()).toEqual([`2026/03/10/${NAME_A}`, `2026/03/10/${NAME_B}`]);
    expect(fileEntries[0].event).toBe('gcs_replication');
    expect(entries.filter((entry) => entry.action === 'run_finished')).toHaveLength(1);
    expect(written.join('\n')).not.toMatch(/token|secret|password|private_key/i);
  });

  test('skips unchanged files', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes', 600);
    await replicateRecent(options());
    const generation = await objectGeneration(`2026/03/10/${NAME_A}`);
    logLines = [];

    const result = await replicateRecent(options());

    expect(result.filesSeen).toBe(1);
    expect(result.filesCopied).toBe(0);
    expect(result.filesSkipped).toBe(1);
    expect(result.bytesCopied).toBe(0);
    expect(result.replicationLagSeconds).toBe(0);
    expect(await objectGeneration(`2026/03/10/${NAME_A}`)).toBe(generation);
    expect(logLines.filter((line) => line.action === 'skipped')).toHaveLength(1);
  });

  test('re-copies changed files', async () => {
    const samePath = writeUpload('2026/03/10', NAME_A, 'first version');
    const longerPath = writeUpload('2026/03/10', NAME_B, 'short');
    await replicateRecent(options());
    const sameGeneration = await objectGeneration(`2026/03/10/${NAME_A}`);
    const longerGeneration = await objectGeneration(`2026/03/10/${NAME_B}`);

    // Same length, other bytes: only the MD5 comparison can detect this change.
    fs.writeFileSync(samePath, 'other version');
    fs.writeFileSync(longerPath, 'a longer second version');
    for (const changedPath of [samePath, longerPath]) {
      fs.utimesSync(changedPath, NOW_SECONDS - 30, NOW_SECONDS - 30);
    }
    const result = await replicateRecent(options());

    expect(result.filesCopied).toBe(2);
    expect(result.filesSkipped).toBe(0);
    expect(result.failures).toEqual([]);
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('other version');
    expect(await readObject(`2026/03/10/${NAME_B}`)).toBe('a longer second version');
    expect(await objectGeneration(`2026/03/10/${NAME_A}`)).not.toBe(sameGeneration);
    expect(await objectGeneration(`2026/03/10/${NAME_B}`)).not.toBe(longerGeneration);
  });

  test('defers files still being written', async () => {
    writeUpload('2026/03/10', NAME_A, 'partial png', 2);
    writeUpload('2026/03/10', NAME_B, 'mp4 bytes', 60);

    const result = await replicateRecent(options());

    expect(result.filesSeen).toBe(2);
    expect(result.filesDeferred).toBe(1);
    expect(result.filesCopied).toBe(1);
    expect(result.replicationLagSeconds).toBe(60);
    expect(await listKeys()).toEqual([`2026/03/10/${NAME_B}`]);
    expect(logLines.find((line) => line.action === 'deferred')?.key).toBe(`2026/03/10/${NAME_A}`);

    const later = await replicateRecent(options({ minFileAgeSeconds: 0 }));

    expect(later.filesDeferred).toBe(0);
    expect(later.filesCopied).toBe(1);
    expect(later.filesSkipped).toBe(1);
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('partial png');
  });

  test('streams large files as resumable uploads', async () => {
    const content = Buffer.alloc(300 * 1024, 7);
    writeUpload('2026/03/10', NAME_B, content);

    const result = await replicateRecent(options({ resumableThresholdBytes: 64 * 1024 }));

    expect(result.filesCopied).toBe(1);
    expect(result.bytesCopied).toBe(content.length);
    expect(logLines.find((line) => line.action === 'copied')?.resumable).toBe(true);
    const [downloaded] = await bucket.file(`2026/03/10/${NAME_B}`).download();
    expect(downloaded.equals(content)).toBe(true);
  });

  test('skips after losing an upload race', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    // The first metadata read stores the same bytes and then reports the object as missing, like a
    // parallel run that wins between the read and the upload, so the upload with
    // ifGenerationMatch 0 fails with 412.
    let raced = false;
    const racingBucket: ReplicationBucket = {
      name: bucket.name,
      file: (key) => {
        const file = bucket.file(key);
        return {
          getMetadata: async () => {
            if (!raced) {
              raced = true;
              await file.save('png bytes', { resumable: false });
              throw Object.assign(new Error('No such object'), { code: 404 });
            }
            return file.getMetadata();
          },
          createWriteStream: (writeOptions) => file.createWriteStream(writeOptions),
        };
      },
    };

    const result = await replicateRecent(options({ bucket: racingBucket }));

    expect(raced).toBe(true);
    expect(result.failures).toEqual([]);
    expect(result.filesSkipped).toBe(1);
    expect(result.filesCopied).toBe(0);
    const preconditionLines = logLines.filter((line) => line.action === 'precondition_failed');
    expect(preconditionLines).toHaveLength(1);
    expect(preconditionLines[0].status).toBe(412);
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('png bytes');
  });
});

describe('replicateRecent with faults', () => {
  test('retries throttling and server errors', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    writeUpload('2026/03/10', NAME_B, 'mp4 bytes');
    writeUpload('2026/03/09', NAME_C, 'jpeg bytes');
    const faultStatuses = [429, 429, 503, 503];
    const proxy = await startGcsProxy(emulator.endpoint, (_request, index) => faultStatuses[index]);
    const delays: number[] = [];
    try {
      const proxiedBucket = createStorage(proxy.endpoint).bucket(bucket.name);
      const result = await replicateRecent(options({
        bucket: proxiedBucket,
        concurrency: 1,
        maxAttempts: 5,
        random: () => 0.5,
        sleep: async (milliseconds) => { delays.push(milliseconds); },
      }));

      expect(result.failures).toEqual([]);
      expect(result.filesCopied).toBe(3);
      expect(result.filesFailed).toBe(0);
    } finally {
      await proxy.close();
    }

    const retries = logLines.filter((line) => line.action === 'retry');
    expect(retries.map((line) => line.status)).toEqual([429, 429, 503, 503]);
    // Full jitter with random() = 0.5 and a 500 ms base: half of 500, 1000, 2000 and 4000 ms.
    expect(delays).toEqual([250, 500, 1000, 2000]);
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('png bytes');
    expect(await readObject(`2026/03/10/${NAME_B}`)).toBe('mp4 bytes');
    expect(await readObject(`2026/03/09/${NAME_C}`)).toBe('jpeg bytes');
  });

  test('reports a file that always fails', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes', 30);
    writeUpload('2026/03/10', NAME_B, 'poison', 7200);
    writeUpload('2026/03/10', NAME_C, 'jpeg bytes', 30);
    const proxy = await startGcsProxy(emulator.endpoint, (request) => (isUploadOf(request, NAME_B) ? 503 : undefined));
    let result;
    try {
      const proxiedBucket = createStorage(proxy.endpoint).bucket(bucket.name);
      result = await replicateRecent(options({ bucket: proxiedBucket, maxAttempts: 3 }));
    } finally {
      await proxy.close();
    }

    expect(result.filesCopied).toBe(2);
    expect(result.filesFailed).toBe(1);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0].key).toBe(`2026/03/10/${NAME_B}`);
    expect(result.failures[0].path).toBe(path.join(uploadsPath, '2026', '03', '10', NAME_B));
    expect(result.failures[0].attempts).toBe(3);
    expect(result.failures[0].reason).toContain('Injected status 503');
    expect(result.replicationLagSeconds).toBe(7200);
    expect(await listKeys()).toEqual([`2026/03/10/${NAME_A}`, `2026/03/10/${NAME_C}`].sort());
    expect(logLines.filter((line) => line.action === 'failed')).toHaveLength(1);
  });

  test('reports a file deleted during the run', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    const vanishingPath = writeUpload('2026/03/10', NAME_B, 'mp4 bytes');
    // Deleting the file after its stat and before its upload opens it gives a local ENOENT,
    // which no retry can fix.
    const vanishingBucket: ReplicationBucket = {
      name: bucket.name,
      file: (key) => {
        const file = bucket.file(key);
        return {
          getMetadata: async () => {
            if (key.endsWith(NAME_B)) {
              fs.rmSync(vanishingPath);
            }
            return file.getMetadata();
          },
          createWriteStream: (writeOptions) => file.createWriteStream(writeOptions),
        };
      },
    };

    const result = await replicateRecent(options({ bucket: vanishingBucket }));

    expect(result.filesCopied).toBe(1);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0].key).toBe(`2026/03/10/${NAME_B}`);
    expect(result.failures[0].attempts).toBe(1);
    expect(result.failures[0].reason).toContain('ENOENT');
    expect(await listKeys()).toEqual([`2026/03/10/${NAME_A}`]);
  });

  test('reports an unreadable day folder', async () => {
    writeUpload('2026/03/09', NAME_A, 'png bytes');
    // A regular file where the day folder belongs makes readdir fail with ENOTDIR, which works
    // even for root, unlike a folder without read permission.
    fs.mkdirSync(path.join(uploadsPath, '2026', '03'), { recursive: true });
    fs.writeFileSync(path.join(uploadsPath, '2026', '03', '10'), 'not a folder');

    const result = await replicateRecent(options());

    expect(result.filesCopied).toBe(1);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0].key).toBe('2026/03/10/');
    expect(result.failures[0].attempts).toBe(0);
    expect(result.failures[0].reason).toContain('ENOTDIR');
  });

  test.each([
    [{ maxAttempts: 0 }, /Invalid maxAttempts 0/],
    [{ baseDelayMs: -1 }, /Invalid baseDelayMs -1/],
    [{ concurrency: 0 }, /Invalid concurrency 0/],
    [{ resumableThresholdBytes: 1.5 }, /Invalid resumableThresholdBytes 1.5/],
    [{ minFileAgeSeconds: -1 }, /Invalid minFileAgeSeconds -1/],
  ])('rejects invalid option %o', async (invalid, message) => {
    await expect(replicateRecent(options(invalid))).rejects.toThrow(message);
  });

  test('rejects a missing uploads path', async () => {
    await expect(replicateRecent(options({ uploadsPath: path.join(uploadsPath, 'missing') })))
      .rejects.toThrow(/cannot be read \(ENOENT\).*mounted/);
  });
});

/** Wraps the test bucket and counts folder listings and single metadata reads. */
function countingBucket(listing: (prefix: string) => Promise<void> = async () => undefined): {
  bucket: ReplicationBucket; listings: string[]; metadataReads: string[];
} {
  const listings: string[] = [];
  const metadataReads: string[] = [];
  const counted: ReplicationBucket = {
    name: bucket.name,
    getFiles: async (query) => {
      listings.push(query.prefix);
      await listing(query.prefix);
      return bucket.getFiles(query);
    },
    file: (key) => {
      const file = bucket.file(key);
      return {
        getMetadata: async () => {
          metadataReads.push(key);
          return file.getMetadata();
        },
        createWriteStream: (writeOptions) => file.createWriteStream(writeOptions),
      };
    },
  };
  return { bucket: counted, listings, metadataReads };
}

describe('replicateRecent with folder listings', () => {
  test('lists each day folder once', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    writeUpload('2026/03/10', NAME_B, 'mp4 bytes');
    writeUpload('2026/03/09', NAME_C, 'jpeg bytes');
    const counting = countingBucket();

    const result = await replicateRecent(options({ bucket: counting.bucket }));

    expect(result.filesCopied).toBe(3);
    expect(counting.listings.sort()).toEqual(['2026/03/09/', '2026/03/10/']);
    expect(counting.metadataReads).toEqual([]);
  });

  test('stores the modification time', async () => {
    const filePath = writeUpload('2026/03/10', NAME_A, 'png bytes');
    await replicateRecent(options());
    const [metadata] = await bucket.file(`2026/03/10/${NAME_A}`).getMetadata();
    expect(metadata.metadata?.[SOURCE_MODIFIED_METADATA_KEY]).toBe(String(Math.trunc(fs.statSync(filePath).mtimeMs)));
  });

  test('skips unchanged files without reading them', async () => {
    const filePath = writeUpload('2026/03/10', NAME_A, 'png bytes');
    await replicateRecent(options());
    // Same size and time but other bytes: only a run that reads the file could notice.
    const { mtime } = fs.statSync(filePath);
    fs.writeFileSync(filePath, 'PNG BYTES');
    fs.utimesSync(filePath, mtime, mtime);
    logLines = [];

    const result = await replicateRecent(options());

    expect(result.filesSkipped).toBe(1);
    expect(logLines.find((line) => line.action === 'skipped')?.reason).toBe('same size and modification time');
    expect(await readObject(`2026/03/10/${NAME_A}`)).toBe('png bytes');
  });

  test('compares MD5 after a time change', async () => {
    const filePath = writeUpload('2026/03/10', NAME_A, 'png bytes', 120);
    await replicateRecent(options());
    const touched = NOW_SECONDS - 60;
    fs.utimesSync(filePath, touched, touched);
    logLines = [];

    const result = await replicateRecent(options());

    expect(result.filesSkipped).toBe(1);
    expect(result.filesCopied).toBe(0);
    expect(logLines.find((line) => line.action === 'skipped')?.reason).toBe('same size and MD5');
  });

  test('retries a throttled listing', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    let calls = 0;
    const counting = countingBucket(async () => {
      calls++;
      if (calls === 1) {
        throw Object.assign(new Error('Too many requests'), { code: 429 });
      }
    });

    const result = await replicateRecent(options({ bucket: counting.bucket }));

    expect(result.filesCopied).toBe(1);
    expect(counting.listings).toEqual(['2026/03/10/', '2026/03/10/']);
    expect(counting.metadataReads).toEqual([]);
    expect(logLines.filter((line) => line.action === 'retry')).toHaveLength(1);
  });

  test('reads metadata per file when listing is denied', async () => {
    writeUpload('2026/03/10', NAME_A, 'png bytes');
    const counting = countingBucket(async () => {
      throw Object.assign(new Error('storage.objects.list denied'), { code: 403 });
    });

    const result = await replicateRecent(options({ bucket: counting.bucket }));

    expect(result.filesCopied).toBe(1);
    expect(counting.listings).toEqual(['2026/03/10/']);
    expect(counting.metadataReads).toEqual([`2026/03/10/${NAME_A}`]);
    const warning = logLines.find((line) => line.action === 'list_failed');
    expect(warning?.status).toBe(403);
    expect(warning?.prefix).toBe('2026/03/10/');
  });
});

describe('backfill', () => {
  test('copies an inclusive date range', async () => {
    writeUpload('2025/12/31', NAME_A, 'before the range');
    writeUpload('2026/01/01', NAME_A, 'first day');
    writeUpload('2026/01/02', NAME_B, 'second day');
    writeUpload('2026/01/03', NAME_C, 'after the range');

    const result = await backfill(options(), '2026-01-01', '2026-01-02');

    expect(result.days).toEqual(['2026-01-01', '2026-01-02']);
    expect(result.filesSeen).toBe(2);
    expect(result.filesCopied).toBe(2);
    expect(await listKeys()).toEqual([`2026/01/01/${NAME_A}`, `2026/01/02/${NAME_B}`]);
    expect(await readObject(`2026/01/01/${NAME_A}`)).toBe('first day');
  });

  test.each([
    ['2026-1-01', '2026-01-02', /Invalid fromDate "2026-1-01": use the format YYYY-MM-DD/],
    ['2026-01-01', '2026-02-30', /Invalid toDate "2026-02-30": the day does not exist/],
    ['2026-01-03', '2026-01-02', /fromDate 2026-01-03 is after toDate 2026-01-02/],
    ['2024-01-01', '2026-01-01', /covers 732 days, more than the maximum of 366/],
  ])('rejects range %s to %s', async (fromDate, toDate, message) => {
    const unusedBucket: ReplicationBucket = {
      name: 'unused',
      file: () => { throw new Error('backfill touched the bucket before validating the range'); },
    };
    await expect(backfill(options({ bucket: unusedBucket }), fromDate, toDate)).rejects.toThrow(message);
  });
});

describe('replication helpers', () => {
  test.each([
    ['a.jpg', 'image/jpeg'],
    ['a.JPEG', 'image/jpeg'],
    ['a.png', 'image/png'],
    ['a.gif', 'image/gif'],
    ['a.webp', 'image/webp'],
    ['a.avif', 'image/avif'],
    ['a.bmp', 'image/bmp'],
    ['a.tif', 'image/tiff'],
    ['a.tiff', 'image/tiff'],
    ['a.mp4', 'video/mp4'],
    ['a.pdf', DEFAULT_CONTENT_TYPE],
    ['noextension', DEFAULT_CONTENT_TYPE],
  ])('content type of %s', (name, expected) => {
    expect(contentTypeFor(name)).toBe(expected);
  });

  test('backoff grows and stays capped', () => {
    const ceiling = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 };
    expect(backoffDelayMs(1, ceiling)).toBe(99);
    expect(backoffDelayMs(3, ceiling)).toBe(399);
    expect(backoffDelayMs(10, ceiling)).toBe(999);
    expect(backoffDelayMs(3, { ...ceiling, random: () => 0 })).toBe(0);
  });

  test('retryable error classes', () => {
    expect(isRetryableError({ code: 429 })).toBe(true);
    expect(isRetryableError({ code: 503 })).toBe(true);
    expect(isRetryableError({ response: { status: 500 } })).toBe(true);
    expect(isRetryableError({ code: 'ECONNRESET' })).toBe(true);
    expect(isRetryableError({ code: 403 })).toBe(false);
    expect(isRetryableError({ code: 412 })).toBe(false);
    expect(isRetryableError({ code: 'ENOENT' })).toBe(false);
  });

  test('error text drops URL query strings', () => {
    const error = new Error('Upload failed at https://storage.example/upload?upload_id=SECRET123&x=1 with 503.');
    expect(describeReplicationError(error)).toBe('Upload failed at https://storage.example/upload with 503');
  });

  test('recent days end today', () => {
    expect(recentUploadDays(new Date('2026-03-01T00:30:00Z'), 3).map((day) => day.prefix))
      .toEqual(['2026/02/27', '2026/02/28', '2026/03/01']);
    expect(() => recentUploadDays(NOW, 0)).toThrow(/Invalid days 0/);
    expect(uploadDaysBetween('2026-01-05', '2026-01-05').map((day) => day.date)).toEqual(['2026-01-05']);
  });

  test('uploads path from environment', () => {
    expect(uploadsPathFromEnvironment({ UPLOADS_PATH: '/mnt/uploads' })).toBe('/mnt/uploads');
    expect(() => uploadsPathFromEnvironment({})).toThrow(/UPLOADS_PATH null/);
    expect(() => uploadsPathFromEnvironment({ UPLOADS_PATH: 'uploads' })).toThrow(/absolute path/);
  });
});
