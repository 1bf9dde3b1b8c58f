import { EXAMPLE_SETTINGS, ExampleSettings } from './example';

/**
 * Settings that differ per deployer, read from `POSTIZ_INTEG_*` environment variables at
 * synth. Unset or empty variables take the defaults below, which are the values the
 * committed snapshots contain, so the offline snapshot check needs none of them.
 * integ/README.md lists the variables.
 */

/** Returns the trimmed value of an environment variable, or the default when it is unset or empty. */
export function readSetting(name: string, defaultValue: string): string {
  const value = process.env[name]?.trim();
  return value ? value : defaultValue;
}

/** The Route 53 public hosted zone that every test creates its records in. */
export interface ZoneSettings {
  readonly hostedZoneId: string;
  readonly zoneName: string;
}

/** Reads `POSTIZ_INTEG_HOSTED_ZONE_ID` and `POSTIZ_INTEG_HOSTED_ZONE_NAME`. */
export function readZoneSettings(): ZoneSettings {
  return {
    hostedZoneId: readSetting('POSTIZ_INTEG_HOSTED_ZONE_ID', EXAMPLE_SETTINGS.hostedZoneId),
    zoneName: readSetting('POSTIZ_INTEG_HOSTED_ZONE_NAME', EXAMPLE_SETTINGS.zoneName).replace(/\.$/, ''),
  };
}

/**
 * Reads the host name of one test from `variable`, by default `<label>.<zone name>`. Each
 * test has its own label, so that all tests can run at the same time in one zone.
 */
export function readDomainName(variable: string, label: string, zone: ZoneSettings): string {
  return readSetting(variable, `${label}.${zone.zoneName}`);
}

/** Reads the settings of the example platform, which the production test deploys. */
export function readExampleSettings(): ExampleSettings {
  const zone = readZoneSettings();
  const gcs = EXAMPLE_SETTINGS.gcs;
  return {
    ...zone,
    domainName: readDomainName('POSTIZ_INTEG_PLATFORM_DOMAIN', 'social', zone),
    gcs: {
      bucketName: readSetting('POSTIZ_INTEG_GCS_BUCKET', gcs.bucketName),
      projectId: readSetting('POSTIZ_INTEG_GCS_PROJECT_ID', gcs.projectId),
      projectNumber: readSetting('POSTIZ_INTEG_GCS_PROJECT_NUMBER', gcs.projectNumber),
      poolId: readSetting('POSTIZ_INTEG_GCS_POOL_ID', gcs.poolId),
      providerId: readSetting('POSTIZ_INTEG_GCS_PROVIDER_ID', gcs.providerId),
      serviceAccountEmail: readSetting('POSTIZ_INTEG_GCS_SERVICE_ACCOUNT', gcs.serviceAccountEmail),
      functionRoleName: readSetting('POSTIZ_INTEG_GCS_ROLE_NAME', 'postiz-integ-gcs-bridge'),
    },
  };
}

/** Temporal Cloud settings of the regional test. */
export interface TemporalCloudSettings {
  /** gRPC endpoint, such as `eu-west-1.aws.api.temporal.io:7233`. */
  readonly address: string;
  /** Namespace with its account suffix, such as `postiz-integ.a1b2c`. */
  readonly namespace: string;
  /**
   * Name of the Secrets Manager secret, in the regional test's region, whose whole value is
   * the namespace's API key. The operator creates it before the deployment.
   */
  readonly apiKeySecretName: string;
}

/** Reads `POSTIZ_INTEG_TEMPORAL_ADDRESS`, `_NAMESPACE` and `_API_KEY_SECRET`. */
export function readTemporalCloudSettings(): TemporalCloudSettings {
  return {
    address: readSetting('POSTIZ_INTEG_TEMPORAL_ADDRESS', 'eu-west-1.aws.api.temporal.io:7233'),
    namespace: readSetting('POSTIZ_INTEG_TEMPORAL_NAMESPACE', 'postiz-integ.a1b2c'),
    apiKeySecretName: readSetting('POSTIZ_INTEG_TEMPORAL_API_KEY_SECRET', 'postiz-integ/temporal-cloud-api-key'),
  };
}
