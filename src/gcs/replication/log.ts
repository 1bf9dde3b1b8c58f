/** Fields of one replication log line. Callers pass keys, sizes, counts and error text, never credentials. */
export type ReplicationLogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

/** Receives one log line as an object. The default writes it as one JSON line to stdout. */
export type ReplicationLogger = (fields: ReplicationLogFields) => void;

/** Writes one JSON object per line to stdout, which Lambda forwards to CloudWatch Logs. */
export function logJsonLine(fields: ReplicationLogFields): void {
  console.log(JSON.stringify(fields));
}

const MAX_REASON_LENGTH = 500;

/**
 * Formats an error as `Name: message` for logs and failure reports. Query strings are cut from
 * URLs because resumable upload URLs carry an `upload_id` that grants write access to the upload.
 */
export function describeReplicationError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    text = `${name}${error.message}`;
  } else {
    text = String(error);
  }
  text = text.replace(/(https?:\/\/[^\s?"'#]+)[?#][^\s"']*/g, '$1').trim().replace(/\.+$/, '');
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}
