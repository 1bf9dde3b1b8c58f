import { ReplicationLogFields } from '../replication/log';

/** Value of the `event` field of every log line that the bridge itself writes. */
export const BRIDGE_LOG_EVENT = 'gcs_bridge';

/** Severity written into the `level` field of a log line. */
export type BridgeLogLevel = 'INFO' | 'WARN' | 'ERROR';

/**
 * Writes one JSON object as one line to stdout with `process.stdout.write`. In the text log
 * format, Lambda's Node.js runtime prefixes `console.log` output with a timestamp, request id and
 * level, but not this output, so CloudWatch receives a pure JSON line, which the embedded metric
 * format requires. Callers pass keys, counts and error text, never a secret, a private key or an
 * access token.
 */
export function writeJsonLine(fields: ReplicationLogFields | Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(fields)}\n`);
}

/** Writes one bridge log line with the given level and action. */
export function logBridgeAction(level: BridgeLogLevel, action: string, fields: ReplicationLogFields = {}): void {
  writeJsonLine({ level, event: BRIDGE_LOG_EVENT, action, ...fields });
}

