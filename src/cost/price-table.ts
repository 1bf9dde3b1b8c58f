/**
 * List prices in USD that the cost estimate uses, per region, each with its unit and the AWS
 * pricing page it comes from.
 *
 * NOTE: these prices were written from knowledge of the AWS pricing pages in late 2025 and were
 * not re-read from the live pages when this table was dated. Check a figure on its `source`
 * page before you rely on it, and update `PRICES_AS_OF` with the table.
 */
export const PRICES_AS_OF = '2026-12';

/** One list price. */
export interface Price {
  /** Price in USD per `unit`. */
  readonly usd: number;
  /** Unit the price is charged per, such as `hour` or `GB-month`. */
  readonly unit: string;
  /** URL of the AWS pricing page for the price. */
  readonly source: string;
}

/** Hourly prices of one ElastiCache node type. */
export interface CacheNodePrices {
  /** Valkey, node-based. */
  readonly valkey: Price;
  /** Redis OSS and Memcached, node-based. */
  readonly redisOss: Price;
}

/** The prices of one region. */
export interface RegionPrices {
  readonly region: string;
  readonly natGatewayHour: Price;
  readonly natGatewayGb: Price;
  readonly publicIpv4AddressHour: Price;
  /** Interface endpoint, per endpoint per availability zone. */
  readonly interfaceEndpointHour: Price;
  readonly interfaceEndpointGb: Price;
  /** Aurora Serverless v2 with Aurora Standard storage. */
  readonly auroraAcuHour: Price;
  /** Aurora Serverless v2 with Aurora I/O-Optimized storage. */
  readonly auroraIoOptimizedAcuHour: Price;
  readonly auroraStorageGbMonth: Price;
  readonly auroraIoOptimizedStorageGbMonth: Price;
  readonly auroraIoRequestsMillion: Price;
  /** Aurora snapshots that AWS Backup keeps. */
  readonly auroraBackupGbMonth: Price;
  /** Node-based ElastiCache, by node type such as `cache.t4g.small`. */
  readonly cacheNodeHour: Readonly<Record<string, CacheNodePrices>>;
  readonly fargateX86VcpuHour: Price;
  readonly fargateX86GbHour: Price;
  readonly fargateArmVcpuHour: Price;
  readonly fargateArmGbHour: Price;
  /** Ephemeral storage above the 20 GB included in every task. */
  readonly fargateEphemeralGbHour: Price;
  /**
   * Fraction of the on-demand price that Fargate Spot saves. Spot prices follow supply and
   * demand, so this is a typical value, not a list price.
   */
  readonly fargateSpotDiscount: Price;
  readonly albHour: Price;
  readonly albLcuHour: Price;
  readonly cloudWatchAlarmMetricMonth: Price;
  readonly cloudWatchHighResolutionAlarmMetricMonth: Price;
  readonly cloudWatchCompositeAlarmMonth: Price;
  readonly cloudWatchDashboardMonth: Price;
  readonly cloudWatchCustomMetricMonth: Price;
  readonly logsIngestionGb: Price;
  /** Log storage, billed on the gzip-compressed size. */
  readonly logsStorageGbMonth: Price;
  readonly efsStandardGbMonth: Price;
  readonly efsInfrequentAccessGbMonth: Price;
  /** EFS backups in the warm storage of AWS Backup. */
  readonly efsBackupGbMonth: Price;
  readonly s3StandardGbMonth: Price;
  readonly lambdaArmGbSecond: Price;
  readonly lambdaX86GbSecond: Price;
  readonly lambdaRequestsMillion: Price;
}

/** Prices that are the same in every region, or that CloudFront and WAF bill globally. */
export interface GlobalPrices {
  /** Data transfer out to viewers in North America and Europe, first 10 TB a month. */
  readonly cloudFrontNorthAmericaEuropeGb: Price;
  /** Data transfer out to viewers in Japan and Australia, first 10 TB a month. */
  readonly cloudFrontOtherRegionsGb: Price;
  /** HTTPS requests from viewers in North America and Europe. */
  readonly cloudFrontHttpsRequests10k: Price;
  readonly cloudFrontFunctionInvocationsMillion: Price;
  readonly wafWebAclMonth: Price;
  readonly wafRuleMonth: Price;
  readonly wafRequestsMillion: Price;
  readonly kmsKeyMonth: Price;
  readonly kmsRequests10k: Price;
  readonly secretMonth: Price;
  readonly secretApiCalls10k: Price;
  readonly route53HostedZoneMonth: Price;
  readonly route53QueriesMillion: Price;
  readonly cloudMapInstanceMonth: Price;
  readonly internetDataTransferOutGb: Price;
  readonly crossAzDataTransferGb: Price;
}

const SOURCES = {
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  privateLink: 'https://aws.amazon.com/privatelink/pricing/',
  aurora: 'https://aws.amazon.com/rds/aurora/pricing/',
  elastiCache: 'https://aws.amazon.com/elasticache/pricing/',
  fargate: 'https://aws.amazon.com/fargate/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  cloudFront: 'https://aws.amazon.com/cloudfront/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  efs: 'https://aws.amazon.com/efs/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/',
  cloudMap: 'https://aws.amazon.com/cloud-map/pricing/',
  backup: 'https://aws.amazon.com/backup/pricing/',
  ec2DataTransfer: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
} as const;

function price(usd: number, unit: string, source: string): Price {
  return { usd, unit, source };
}

/**
 * Builds the prices of an ElastiCache node type from its Redis OSS price. Node-based
 * ElastiCache for Valkey is priced 20% below Redis OSS.
 */
function cacheNode(redisOssUsd: number): CacheNodePrices {
  return {
    redisOss: price(redisOssUsd, 'node-hour', SOURCES.elastiCache),
    valkey: price(Math.round(redisOssUsd * 0.8 * 1e6) / 1e6, 'node-hour', SOURCES.elastiCache),
  };
}

/** Regional figures that differ between the regions of the table. */
interface RegionFigures {
  readonly natGateway: number;
  readonly interfaceEndpointHour: number;
  readonly auroraAcuHour: number;
  readonly auroraIoOptimizedAcuHour: number;
  readonly auroraStorage: number;
  readonly auroraIoOptimizedStorage: number;
  readonly auroraIoRequestsMillion: number;
  readonly auroraBackup: number;
  readonly cacheRedisOss: Readonly<Record<string, number>>;
  readonly fargateX86: readonly [vcpu: number, gb: number];
  readonly fargateArm: readonly [vcpu: number, gb: number];
  readonly fargateEphemeralGbHour: number;
  readonly albHour: number;
  readonly albLcuHour: number;
  readonly logsIngestion: number;
  readonly logsStorage: number;
  readonly efsStandard: number;
  readonly efsInfrequentAccess: number;
  readonly efsBackup: number;
  readonly s3Standard: number;
}

function regionPrices(region: string, figures: RegionFigures): RegionPrices {
  const cacheNodeHour: Record<string, CacheNodePrices> = {};
  for (const [nodeType, redisOssUsd] of Object.entries(figures.cacheRedisOss)) {
    cacheNodeHour[nodeType] = cacheNode(redisOssUsd);
  }
  return {
    region,
    natGatewayHour: price(figures.natGateway, 'NAT gateway-hour', SOURCES.vpc),
    natGatewayGb: price(figures.natGateway, 'GB processed', SOURCES.vpc),
    publicIpv4AddressHour: price(0.005, 'public IPv4 address-hour', SOURCES.vpc),
    interfaceEndpointHour: price(figures.interfaceEndpointHour, 'endpoint-hour per availability zone', SOURCES.privateLink),
    interfaceEndpointGb: price(0.01, 'GB processed', SOURCES.privateLink),
    auroraAcuHour: price(figures.auroraAcuHour, 'ACU-hour', SOURCES.aurora),
    auroraIoOptimizedAcuHour: price(figures.auroraIoOptimizedAcuHour, 'ACU-hour', SOURCES.aurora),
    auroraStorageGbMonth: price(figures.auroraStorage, 'GB-month', SOURCES.aurora),
    auroraIoOptimizedStorageGbMonth: price(figures.auroraIoOptimizedStorage, 'GB-month', SOURCES.aurora),
    auroraIoRequestsMillion: price(figures.auroraIoRequestsMillion, 'million I/O requests', SOURCES.aurora),
    auroraBackupGbMonth: price(figures.auroraBackup, 'GB-month', SOURCES.backup),
    cacheNodeHour,
    fargateX86VcpuHour: price(figures.fargateX86[0], 'vCPU-hour', SOURCES.fargate),
    fargateX86GbHour: price(figures.fargateX86[1], 'GB-hour', SOURCES.fargate),
    fargateArmVcpuHour: price(figures.fargateArm[0], 'vCPU-hour', SOURCES.fargate),
    fargateArmGbHour: price(figures.fargateArm[1], 'GB-hour', SOURCES.fargate),
    fargateEphemeralGbHour: price(figures.fargateEphemeralGbHour, 'GB-hour', SOURCES.fargate),
    // NOTE: a typical Spot saving in 2025, not a list price; AWS advertises "up to 70%".
    fargateSpotDiscount: price(0.67, 'fraction of the on-demand price', SOURCES.fargate),
    albHour: price(figures.albHour, 'load balancer-hour', SOURCES.elb),
    albLcuHour: price(figures.albLcuHour, 'LCU-hour', SOURCES.elb),
    cloudWatchAlarmMetricMonth: price(0.10, 'alarm metric-month', SOURCES.cloudWatch),
    cloudWatchHighResolutionAlarmMetricMonth: price(0.30, 'alarm metric-month', SOURCES.cloudWatch),
    cloudWatchCompositeAlarmMonth: price(0.50, 'alarm-month', SOURCES.cloudWatch),
    cloudWatchDashboardMonth: price(3.00, 'dashboard-month', SOURCES.cloudWatch),
    cloudWatchCustomMetricMonth: price(0.30, 'metric-month', SOURCES.cloudWatch),
    logsIngestionGb: price(figures.logsIngestion, 'GB ingested', SOURCES.cloudWatch),
    logsStorageGbMonth: price(figures.logsStorage, 'GB-month compressed', SOURCES.cloudWatch),
    efsStandardGbMonth: price(figures.efsStandard, 'GB-month', SOURCES.efs),
    efsInfrequentAccessGbMonth: price(figures.efsInfrequentAccess, 'GB-month', SOURCES.efs),
    efsBackupGbMonth: price(figures.efsBackup, 'GB-month', SOURCES.backup),
    s3StandardGbMonth: price(figures.s3Standard, 'GB-month', SOURCES.s3),
    lambdaArmGbSecond: price(0.0000133334, 'GB-second', SOURCES.lambda),
    lambdaX86GbSecond: price(0.0000166667, 'GB-second', SOURCES.lambda),
    lambdaRequestsMillion: price(0.20, 'million requests', SOURCES.lambda),
  };
}

/** Redis OSS node-hour prices of us-east-1 and us-west-2. */
const US_CACHE_REDIS_OSS = {
  'cache.t3.micro': 0.017,
  'cache.t3.small': 0.034,
  'cache.t3.medium': 0.068,
  'cache.t4g.micro': 0.016,
  'cache.t4g.small': 0.032,
  'cache.t4g.medium': 0.065,
  'cache.m6g.large': 0.149,
  'cache.m7g.large': 0.158,
  'cache.r6g.large': 0.206,
  'cache.r7g.large': 0.219,
};

/** Prices of the regions the estimate covers, by region name. */
export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': regionPrices('us-east-1', {
    natGateway: 0.045,
    interfaceEndpointHour: 0.01,
    auroraAcuHour: 0.12,
    auroraIoOptimizedAcuHour: 0.156,
    auroraStorage: 0.10,
    auroraIoOptimizedStorage: 0.225,
    auroraIoRequestsMillion: 0.20,
    auroraBackup: 0.021,
    cacheRedisOss: US_CACHE_REDIS_OSS,
    fargateX86: [0.04048, 0.004445],
    fargateArm: [0.03238, 0.00356],
    fargateEphemeralGbHour: 0.000111,
    albHour: 0.0225,
    albLcuHour: 0.008,
    logsIngestion: 0.50,
    logsStorage: 0.03,
    efsStandard: 0.30,
    efsInfrequentAccess: 0.016,
    efsBackup: 0.05,
    s3Standard: 0.023,
  }),
  'us-west-2': regionPrices('us-west-2', {
    natGateway: 0.045,
    interfaceEndpointHour: 0.01,
    auroraAcuHour: 0.12,
    auroraIoOptimizedAcuHour: 0.156,
    auroraStorage: 0.10,
    auroraIoOptimizedStorage: 0.225,
    auroraIoRequestsMillion: 0.20,
    auroraBackup: 0.021,
    cacheRedisOss: US_CACHE_REDIS_OSS,
    fargateX86: [0.04048, 0.004445],
    fargateArm: [0.03238, 0.00356],
    fargateEphemeralGbHour: 0.000111,
    albHour: 0.0225,
    albLcuHour: 0.008,
    logsIngestion: 0.50,
    logsStorage: 0.03,
    efsStandard: 0.30,
    efsInfrequentAccess: 0.016,
    efsBackup: 0.05,
    s3Standard: 0.023,
  }),
  'eu-west-1': regionPrices('eu-west-1', {
    natGateway: 0.048,
    interfaceEndpointHour: 0.011,
    auroraAcuHour: 0.13,
    auroraIoOptimizedAcuHour: 0.169,
    auroraStorage: 0.11,
    auroraIoOptimizedStorage: 0.248,
    auroraIoRequestsMillion: 0.22,
    auroraBackup: 0.021,
    cacheRedisOss: {
      'cache.t3.micro': 0.018,
      'cache.t3.small': 0.036,
      'cache.t3.medium': 0.073,
      'cache.t4g.micro': 0.018,
      'cache.t4g.small': 0.036,
      'cache.t4g.medium': 0.072,
      'cache.m6g.large': 0.165,
      'cache.m7g.large': 0.175,
      'cache.r6g.large': 0.229,
      'cache.r7g.large': 0.243,
    },
    fargateX86: [0.04048, 0.004445],
    fargateArm: [0.03238, 0.00356],
    fargateEphemeralGbHour: 0.000111,
    albHour: 0.0252,
    albLcuHour: 0.008,
    logsIngestion: 0.57,
    logsStorage: 0.03,
    efsStandard: 0.33,
    efsInfrequentAccess: 0.018,
    efsBackup: 0.055,
    s3Standard: 0.023,
  }),
  'eu-central-1': regionPrices('eu-central-1', {
    natGateway: 0.052,
    interfaceEndpointHour: 0.012,
    auroraAcuHour: 0.14,
    auroraIoOptimizedAcuHour: 0.182,
    auroraStorage: 0.11,
    auroraIoOptimizedStorage: 0.248,
    auroraIoRequestsMillion: 0.22,
    auroraBackup: 0.023,
    cacheRedisOss: {
      'cache.t3.micro': 0.019,
      'cache.t3.small': 0.037,
      'cache.t3.medium': 0.075,
      'cache.t4g.micro': 0.018,
      'cache.t4g.small': 0.037,
      'cache.t4g.medium': 0.074,
      'cache.m6g.large': 0.170,
      'cache.m7g.large': 0.181,
      'cache.r6g.large': 0.237,
      'cache.r7g.large': 0.251,
    },
    fargateX86: [0.04656, 0.00511],
    fargateArm: [0.03725, 0.00409],
    fargateEphemeralGbHour: 0.000122,
    albHour: 0.027,
    albLcuHour: 0.008,
    logsIngestion: 0.63,
    logsStorage: 0.0324,
    efsStandard: 0.36,
    efsInfrequentAccess: 0.0195,
    efsBackup: 0.06,
    s3Standard: 0.0245,
  }),
};

/** Prices that do not depend on the region of a stack. */
export const GLOBAL_PRICES: GlobalPrices = {
  cloudFrontNorthAmericaEuropeGb: price(0.085, 'GB', SOURCES.cloudFront),
  cloudFrontOtherRegionsGb: price(0.114, 'GB', SOURCES.cloudFront),
  cloudFrontHttpsRequests10k: price(0.01, '10,000 HTTPS requests', SOURCES.cloudFront),
  cloudFrontFunctionInvocationsMillion: price(0.10, 'million invocations', SOURCES.cloudFront),
  wafWebAclMonth: price(5.00, 'web ACL-month', SOURCES.waf),
  wafRuleMonth: price(1.00, 'rule-month', SOURCES.waf),
  wafRequestsMillion: price(0.60, 'million requests', SOURCES.waf),
  kmsKeyMonth: price(1.00, 'key-month', SOURCES.kms),
  kmsRequests10k: price(0.03, '10,000 requests', SOURCES.kms),
  secretMonth: price(0.40, 'secret-month', SOURCES.secretsManager),
  secretApiCalls10k: price(0.05, '10,000 API calls', SOURCES.secretsManager),
  route53HostedZoneMonth: price(0.50, 'hosted zone-month', SOURCES.route53),
  route53QueriesMillion: price(0.40, 'million standard queries', SOURCES.route53),
  cloudMapInstanceMonth: price(0.10, 'registered instance-month', SOURCES.cloudMap),
  internetDataTransferOutGb: price(0.09, 'GB', SOURCES.ec2DataTransfer),
  crossAzDataTransferGb: price(0.01, 'GB in each direction', SOURCES.ec2DataTransfer),
};

/** Returns the prices of `region`, or undefined when the table does not cover it. */
export function pricesOfRegion(region: string): RegionPrices | undefined {
  return Object.prototype.hasOwnProperty.call(REGION_PRICES, region) ? REGION_PRICES[region] : undefined;
}
