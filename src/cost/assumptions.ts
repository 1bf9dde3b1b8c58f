/** Deployment profile whose usage defaults the estimate starts from. */
export type CostProfile = 'production' | 'development';

export const COST_PROFILES: readonly CostProfile[] = ['production', 'development'];

/**
 * Usage that a template does not show. Each value is for the whole cloud assembly, which the
 * estimate treats as one platform, and for one month.
 */
export interface UsageAssumptions {
  /** Hours in the month that hourly prices are multiplied by. */
  readonly hoursPerMonth: number;
  /** Average Aurora capacity units of each Serverless v2 instance while it runs. */
  readonly auroraAverageAcu: number;
  /**
   * Hours a month that a database with auto-pause (MinCapacity 0) runs; a database with
   * MinCapacity above 0 runs every hour.
   *
   * @default - every hour: Postiz and Temporal keep connections open, which stops auto-pause
   */
  readonly auroraActiveHours?: number;
  /** Viewer requests to CloudFront, in millions. */
  readonly requestsMillions: number;
  /** Data transfer from CloudFront to viewers, in GB. */
  readonly transferGb: number;
  /**
   * Traffic through the NAT gateways, in GB: container image pulls from public registries,
   * social network APIs and the copy of media to Google Cloud Storage. Log traffic is added
   * when the VPC has no CloudWatch Logs interface endpoint.
   */
  readonly natGb: number;
  /**
   * GB stored in each data store: the Aurora volume, each EFS file system and each S3 bucket.
   * The backup vault contains one copy of each store that the backup plan protects.
   */
  readonly storageGb: number;
  /** Log data ingested into CloudWatch Logs, in GB, flow logs and WAF logs included. */
  readonly logGb: number;
  /** Average run time of one invocation of a scheduled Lambda function, in seconds. */
  readonly lambdaSecondsPerInvocation: number;
  /** Share of CloudFront traffic to viewers outside North America and Europe. */
  readonly cloudFrontOtherRegionsShare: number;
  /** Share of EFS data in Infrequent Access when the file system has a lifecycle policy. */
  readonly efsInfrequentAccessShare: number;
  /** Size of stored logs relative to ingested logs, because CloudWatch Logs stores them gzip-compressed. */
  readonly logCompressedShare: number;
}

/**
 * Usage defaults of each profile. Production is a small company's scheduler with a few
 * thousand posts and a few hundred GB of media views a month. Development is one team
 * trying out the platform.
 */
export const PROFILE_ASSUMPTIONS: Readonly<Record<CostProfile, UsageAssumptions>> = {
  production: {
    hoursPerMonth: 730,
    auroraAverageAcu: 1.5,
    requestsMillions: 5,
    transferGb: 200,
    natGb: 50,
    storageGb: 50,
    logGb: 20,
    lambdaSecondsPerInvocation: 2,
    cloudFrontOtherRegionsShare: 0.1,
    efsInfrequentAccessShare: 0.5,
    logCompressedShare: 0.15,
  },
  development: {
    hoursPerMonth: 730,
    auroraAverageAcu: 0.5,
    requestsMillions: 0.2,
    transferGb: 5,
    natGb: 10,
    storageGb: 5,
    logGb: 3,
    lambdaSecondsPerInvocation: 2,
    cloudFrontOtherRegionsShare: 0.1,
    efsInfrequentAccessShare: 0.5,
    logCompressedShare: 0.15,
  },
};

/** Values that replace single defaults of a profile, as the command's options set them. */
export type AssumptionOverrides = Partial<Omit<UsageAssumptions, 'auroraActiveHours'>> & {
  readonly auroraActiveHours?: number;
};

/** Merges `overrides` over the defaults of `profile`. */
export function resolveAssumptions(profile: CostProfile, overrides: AssumptionOverrides = {}): UsageAssumptions {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { ...PROFILE_ASSUMPTIONS[profile], ...defined };
}
