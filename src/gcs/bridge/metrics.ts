import { writeJsonLine } from './log';
import { ReplicationResult } from '../replication/replicate';

/** Name and CloudWatch unit of each replication metric, in the order of the EMF line. */
export const REPLICATION_METRICS = [
  { name: 'FilesCopied', unit: 'Count', value: (result: ReplicationResult) => result.filesCopied },
  { name: 'FilesSkipped', unit: 'Count', value: (result: ReplicationResult) => result.filesSkipped },
  { name: 'FilesDeferred', unit: 'Count', value: (result: ReplicationResult) => result.filesDeferred },
  { name: 'FilesFailed', unit: 'Count', value: (result: ReplicationResult) => result.filesFailed },
  { name: 'BytesCopied', unit: 'Bytes', value: (result: ReplicationResult) => result.bytesCopied },
  { name: 'ReplicationLagSeconds', unit: 'Seconds', value: (result: ReplicationResult) => result.replicationLagSeconds },
] as const;

/**
 * Builds the CloudWatch embedded metric format (EMF) object of one replication run: the metrics
 * of `REPLICATION_METRICS` with the dimension `Bucket`, and `Mode` as a property that is not a
 * dimension. CloudWatch Logs turns the line into metrics without a PutMetricData call. Backfill
 * runs leave out `ReplicationLagSeconds`, because the age of old files they copy is not a delay of
 * the schedule and would fire the lag alarm.
 */
export function replicationMetricsRecord(
  result: ReplicationResult,
  context: { readonly namespace: string; readonly bucket: string; readonly mode: string; readonly timestamp: Date },
): Record<string, unknown> {
  const metrics = REPLICATION_METRICS.filter((metric) => context.mode !== 'backfill' || metric.name !== 'ReplicationLagSeconds');
  const record: Record<string, unknown> = {
    _aws: {
      Timestamp: context.timestamp.getTime(),
      CloudWatchMetrics: [{
        Namespace: context.namespace,
        Dimensions: [['Bucket']],
        Metrics: metrics.map((metric) => ({ Name: metric.name, Unit: metric.unit })),
      }],
    },
    Bucket: context.bucket,
    Mode: context.mode,
  };
  for (const metric of metrics) {
    record[metric.name] = metric.value(result);
  }
  return record;
}

/** Writes the EMF line of one replication run to stdout as a pure JSON line. */
export function writeReplicationMetrics(...args: Parameters<typeof replicationMetricsRecord>): void {
  writeJsonLine(replicationMetricsRecord(...args));
}
