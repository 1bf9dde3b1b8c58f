import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { PostizDatabaseProps } from './postiz-database';
import { profileDefaults } from '../profile';

/** Aurora PostgreSQL minor versions that added a feature, by major version. */
const DATA_API_MINIMUM: Record<number, number> = { 14: 8, 15: 3, 16: 1, 17: 0 };
const AUTO_PAUSE_MINIMUM: Record<number, number> = { 14: 12, 15: 7, 16: 3, 17: 0 };

export interface ResolvedSettings {
  readonly engineVersion: rds.AuroraPostgresEngineVersion;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly autoPause?: Duration;
  readonly readers: number;
  readonly backupRetention: Duration;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Applies the profile defaults to the props and rejects contradictory or unsupported
 * settings with the prop, the value and the fix.
 */
export function resolveSettings(props: PostizDatabaseProps, productionProtection: boolean): ResolvedSettings {
  const defaults = profileDefaults(props.profile);
  const engineVersion = props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_16_9;
  const minCapacity = props.minCapacity ?? defaults.databaseMinCapacity;
  const maxCapacity = props.maxCapacity ?? defaults.databaseMaxCapacity;
  const readers = props.readers ?? defaults.databaseReaders;
  const backupRetention = props.backupRetention ?? defaults.databaseBackupRetention;
  const deletionProtection = props.deletionProtection ?? productionProtection;
  const removalPolicy = props.removalPolicy ?? defaults.dataRemovalPolicy;

  const [major, minor] = parseVersion(engineVersion.auroraPostgresFullVersion);
  if (major < 14) {
    throw new Error(
      `engineVersion ${engineVersion.auroraPostgresFullVersion} is not supported: Postiz needs PostgreSQL 14 or newer. ` +
      'Pass AuroraPostgresEngineVersion.VER_16_9 or another 14.x to 17.x version.',
    );
  }
  const dataApiMinimum = DATA_API_MINIMUM[major];
  if (dataApiMinimum !== undefined && minor < dataApiMinimum) {
    throw new Error(
      `engineVersion ${engineVersion.auroraPostgresFullVersion} does not support the RDS Data API, which creates the ` +
      `databases at deploy time. Pass ${major}.${dataApiMinimum} or newer.`,
    );
  }

  if (!(minCapacity >= 0 && minCapacity <= 256 && minCapacity * 2 === Math.round(minCapacity * 2))) {
    throw new Error(`minCapacity ${minCapacity} is invalid. Pass 0 to 256 ACU in steps of 0.5.`);
  }
  if (!(maxCapacity >= 1 && maxCapacity <= 256 && maxCapacity * 2 === Math.round(maxCapacity * 2))) {
    throw new Error(`maxCapacity ${maxCapacity} is invalid. Pass 1 to 256 ACU in steps of 0.5.`);
  }
  if (minCapacity > maxCapacity) {
    throw new Error(
      `minCapacity ${minCapacity} is above maxCapacity ${maxCapacity}. Lower minCapacity or raise maxCapacity.`,
    );
  }

  let autoPause = props.autoPause;
  if (minCapacity === 0) {
    const autoPauseMinimum = AUTO_PAUSE_MINIMUM[major];
    if (autoPauseMinimum !== undefined && minor < autoPauseMinimum) {
      throw new Error(
        `minCapacity 0 (auto-pause) needs Aurora PostgreSQL ${major}.${autoPauseMinimum} or newer, but engineVersion is ` +
        `${engineVersion.auroraPostgresFullVersion}. Raise engineVersion or set minCapacity to 0.5 or more.`,
      );
    }
    autoPause = autoPause ?? defaults.databaseAutoPause ?? Duration.minutes(15);
    const seconds = autoPause.toSeconds();
    if (seconds < 300 || seconds > 86400) {
      throw new Error(`autoPause ${autoPause.toHumanString()} is invalid. Pass 5 minutes to 1 day.`);
    }
  } else if (autoPause !== undefined) {
    throw new Error(
      `autoPause ${autoPause.toHumanString()} has no effect because minCapacity is ${minCapacity}. ` +
      'Set minCapacity to 0 to let the database pause, or remove autoPause.',
    );
  }

  if (!Number.isInteger(readers) || readers < 0 || readers > 15) {
    throw new Error(`readers ${readers} is invalid. Pass a whole number from 0 to 15.`);
  }
  const retentionDays = backupRetention.toDays();
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 35) {
    throw new Error(`backupRetention ${backupRetention.toHumanString()} is invalid. Pass 1 to 35 whole days.`);
  }
  if (removalPolicy === RemovalPolicy.DESTROY && deletionProtection) {
    throw new Error(
      'removalPolicy DESTROY contradicts deletionProtection true: the stack could never delete the cluster. ' +
      'Set deletionProtection to false to allow deletion, or use RemovalPolicy.SNAPSHOT or RETAIN to keep the data.',
    );
  }
  if (removalPolicy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE) {
    throw new Error(
      'removalPolicy RETAIN_ON_UPDATE_OR_DELETE is not supported for the database. Use SNAPSHOT, RETAIN or DESTROY.',
    );
  }
  return { engineVersion, minCapacity, maxCapacity, autoPause, readers, backupRetention, deletionProtection, removalPolicy };
}

function parseVersion(fullVersion: string): [number, number] {
  const match = /^(\d+)(?:\.(\d+))?/.exec(fullVersion);
  if (!match) {
    throw new Error(`engineVersion ${fullVersion} is not a PostgreSQL version. Pass a version such as 16.9.`);
  }
  return [Number(match[1]), Number(match[2] ?? 0)];
}
