import { Writable } from 'stream';

/**
 * The part of a `@google-cloud/storage` `Bucket` that replication uses. A real `Bucket` fits it,
 * and tests can wrap one to inject faults.
 */
export interface ReplicationBucket {
  readonly name: string;
  file(name: string): ReplicationObject;
  /**
   * Lists the objects whose names start with `query.prefix`, all pages. When present, replication
   * lists each day folder once instead of fetching the metadata of every file on its own.
   */
  getFiles?(query: ObjectListQuery): Promise<[ListedObject[], ...unknown[]]>;
}

/** Query of `ReplicationBucket.getFiles`. */
export interface ObjectListQuery {
  readonly prefix: string;
  readonly autoPaginate: boolean;
}

/** An object returned by `ReplicationBucket.getFiles`. */
export interface ListedObject {
  readonly name: string;
  readonly metadata: RemoteObjectMetadata;
}

/** The part of a `@google-cloud/storage` `File` that replication uses. */
export interface ReplicationObject {
  /** Fetches the object's metadata. Rejects with an error whose `code` is 404 when the object does not exist. */
  getMetadata(): Promise<[RemoteObjectMetadata, ...unknown[]]>;
  /** Opens an upload of the object. In `@google-cloud/storage` 7 the stream emits `finish` only after the upload completed. */
  createWriteStream(options: ObjectWriteOptions): Writable;
}

/** Object metadata fields that replication compares. Cloud Storage sends numbers as strings. */
export interface RemoteObjectMetadata {
  readonly size?: string | number;
  /** Base64 MD5 of the content. Composite objects have none. */
  readonly md5Hash?: string;
  readonly generation?: string | number;
  /** Custom metadata. Replication stores the source file's modification time in it. */
  readonly metadata?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

/** Upload options that replication passes to `createWriteStream`. */
export interface ObjectWriteOptions {
  readonly resumable: boolean;
  readonly metadata: {
    readonly contentType: string;
    readonly cacheControl: string;
    /** Custom metadata, `x-goog-meta-*` in the XML API. */
    readonly metadata: Readonly<Record<string, string>>;
  };
  readonly preconditionOpts: {
    /** 0 creates the object only when it does not exist yet. */
    readonly ifGenerationMatch: string | number;
  };
}
