/**
 * Value of one log field. Callers pass names, ARNs, counts and error names,
 * never a password, a connection URL or a SCRAM verifier.
 */
export type LogValue = string | number | boolean | null | undefined | readonly string[];

/** Severity written into the `level` field of a log line. */
export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

/**
 * Writes one JSON object per line to stdout, which Lambda forwards to CloudWatch Logs.
 */
export function logEvent(level: LogLevel, event: string, fields: Record<string, LogValue> = {}): void {
  console.log(JSON.stringify({ level, event, ...fields }));
}
