import { readAssemblyStacks, CostEstimateError } from './assembly';
import { AssumptionOverrides, CostProfile, resolveAssumptions, UsageAssumptions } from './assumptions';
import { GLOBAL_PRICES, Price, PRICES_AS_OF, pricesOfRegion, REGION_PRICES, RegionPrices } from './price-table';
import { detectProfile, ProfileDetection } from './profile-detection';
import { computeSavings, SavingEstimate } from './savings';
import { buildStackModel, FargateServiceModel, splitCapacity, StackModel } from './template-model';

export { CostEstimateError } from './assembly';

/** One priced part of a stack: a quantity times a list price. */
export interface LineItem {
  /** The AWS service that bills it, such as `NAT gateway` or `Fargate`. */
  readonly service: string;
  readonly description: string;
  readonly quantity: number;
  readonly price: Price;
  readonly monthlyUsd: number;
  /** `template` when the quantity comes from the template alone, `assumption` when a usage assumption sets it. */
  readonly basis: 'template' | 'assumption';
}

/** The sum of one service's line items. */
export interface ServiceTotal {
  readonly service: string;
  readonly monthlyUsd: number;
}

/** The estimate of one stack. */
export interface StackEstimate {
  readonly stackName: string;
  readonly region: string;
  readonly lineItems: readonly LineItem[];
  readonly services: readonly ServiceTotal[];
  readonly monthlyUsd: number;
}

/** A monthly cost estimate of a cloud assembly. */
export interface Estimate {
  readonly assembly: string;
  readonly pricesAsOf: string;
  readonly profile: ProfileDetection;
  readonly assumptions: UsageAssumptions;
  readonly stacks: readonly StackEstimate[];
  /** Service totals over every stack. */
  readonly services: readonly ServiceTotal[];
  readonly monthlyUsd: number;
  /** Usage that the estimate does not price, as sentences. */
  readonly notEstimated: readonly string[];
  /** Resource types, or types with a setting, that have no price in the table, with counts. */
  readonly unpricedResourceTypes: Readonly<Record<string, number>>;
  /** Resources of types that cost nothing by themselves. */
  readonly freeResources: number;
  readonly savings: readonly SavingEstimate[];
  /** Facts about what the figures include. */
  readonly notes: readonly string[];
}

/** Options of `estimateAssembly`. */
export interface EstimateOptions {
  /** Profile whose usage defaults apply. @default - detected from the templates */
  readonly profile?: CostProfile;
  /** Assumptions that replace the profile's defaults. */
  readonly overrides?: AssumptionOverrides;
  /** Region of stacks whose environment has none. @default - such stacks are an error */
  readonly region?: string;
}

const NOTES = [
  'Figures are list prices before taxes, support plans, Savings Plans and credits.',
  'Always-free tiers are not subtracted, because they apply once per account: CloudFront 1 TB and 10 million requests, ' +
    'Lambda 1 million requests and 400,000 GB-seconds, CloudWatch 10 alarm metrics, 3 dashboards and 5 GB of logs, KMS 20,000 requests.',
  'Fargate counts the minimum number of tasks all month. Each task that scaling adds costs the same per hour.',
];

/** Estimates the monthly cost of the cloud assembly in `directory`. */
export function estimateAssembly(directory: string, options: EstimateOptions = {}): Estimate {
  const stacks = readAssemblyStacks(directory);
  if (stacks.length === 0) {
    throw new CostEstimateError(`The cloud assembly at ${directory} contains no CloudFormation stack. Synthesize an app that defines a stack.`);
  }
  const models = stacks.map((stack) => {
    const region = stack.region ?? options.region;
    if (!region) {
      throw new CostEstimateError(
        `Stack ${stack.stackName} has no region, because its environment is not set. ` +
        'Set env.region on the stack, or pass --region REGION to price it in one region.');
    }
    if (!pricesOfRegion(region)) {
      throw new CostEstimateError(
        `Stack ${stack.stackName} is in ${region}, which the price table (prices as of ${PRICES_AS_OF}) does not cover. ` +
        `Covered regions: ${Object.keys(REGION_PRICES).join(', ')}.`);
    }
    return buildStackModel(stack.stackName, region, stack.template);
  });
  return estimateModels(directory, models, options);
}

/** Estimates the monthly cost of stacks already read into models. */
export function estimateModels(assembly: string, models: readonly StackModel[], options: EstimateOptions = {}): Estimate {
  const profile = options.profile
    ? { profile: options.profile, detectedFrom: ['--profile option'] }
    : detectProfile(models);
  const assumptions = resolveAssumptions(profile.profile, options.overrides);
  const priced = priceModels(models, assumptions);

  const notEstimated = new Set<string>();
  const unpriced: Record<string, number> = {};
  for (const model of models) {
    model.notEstimated.forEach((sentence) => notEstimated.add(sentence));
    for (const [type, count] of Object.entries(model.unpriced)) {
      unpriced[type] = (unpriced[type] ?? 0) + count;
    }
  }
  platformNotEstimated(models).forEach((sentence) => notEstimated.add(sentence));
  for (const [type, count] of Object.entries(priced.unpriced)) {
    unpriced[type] = (unpriced[type] ?? 0) + count;
  }

  return {
    assembly,
    pricesAsOf: PRICES_AS_OF,
    profile,
    assumptions,
    stacks: priced.stacks,
    services: sumByService(priced.stacks.flatMap((stack) => stack.lineItems)),
    monthlyUsd: priced.monthlyUsd,
    notEstimated: [...notEstimated],
    unpricedResourceTypes: unpriced,
    freeResources: models.reduce((sum, model) => sum + model.freeResources, 0),
    savings: computeSavings(models, assumptions, (variant) => priceModels(variant, assumptions).monthlyUsd),
    notes: NOTES,
  };
}

/** The priced stacks of an assembly. */
export interface PricedModels {
  readonly stacks: StackEstimate[];
  readonly monthlyUsd: number;
  /** Known resource types with a setting that the table has no price for, with counts. */
  readonly unpriced: Record<string, number>;
}

/**
 * Shares of the platform-wide usage assumptions that each stack carries, in proportion to the
 * resources that carry the usage.
 */
interface UsageShares {
  readonly nat: number;
  readonly logs: number;
  readonly distributions: number;
  readonly loadBalancers: number;
  readonly webAcls: number;
}

function shareOf(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** Prices every stack model with the prices of its region. */
export function priceModels(models: readonly StackModel[], assumptions: UsageAssumptions): PricedModels {
  const sum = (count: (model: StackModel) => number) => models.reduce((total, model) => total + count(model), 0);
  const totals = {
    nat: sum((model) => model.natGateways),
    logs: sum((model) => model.logGroups.length),
    distributions: sum((model) => model.distributions.length),
    loadBalancers: sum((model) => model.applicationLoadBalancers),
    webAcls: sum((model) => model.webAcls.length),
  };
  const unpriced: Record<string, number> = {};
  const stacks = models.map((model) => {
    const shares: UsageShares = {
      nat: shareOf(model.natGateways, totals.nat),
      logs: shareOf(model.logGroups.length, totals.logs),
      distributions: shareOf(model.distributions.length, totals.distributions),
      loadBalancers: shareOf(model.applicationLoadBalancers, totals.loadBalancers),
      webAcls: shareOf(model.webAcls.length, totals.webAcls),
    };
    const items = new StackPricer(model, pricesOfRegion(model.region)!, assumptions, shares, unpriced).price();
    return {
      stackName: model.stackName,
      region: model.region,
      lineItems: items,
      services: sumByService(items),
      monthlyUsd: roundCents(items.reduce((total, item) => total + item.monthlyUsd, 0)),
    };
  });
  return { stacks, monthlyUsd: roundCents(stacks.reduce((total, stack) => total + stack.monthlyUsd, 0)), unpriced };
}

function roundCents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

function sumByService(items: readonly LineItem[]): ServiceTotal[] {
  const totals = new Map<string, number>();
  for (const item of items) {
    totals.set(item.service, (totals.get(item.service) ?? 0) + item.monthlyUsd);
  }
  return [...totals.entries()]
    .map(([service, monthlyUsd]) => ({ service, monthlyUsd: roundCents(monthlyUsd) }))
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.service.localeCompare(b.service));
}

/** Removes the hash that CDK appends to logical IDs, so `PostizComputeWebServiceEC4363F5` reads `PostizComputeWebService`. */
export function readableId(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Returns `count` with the noun in singular or plural, such as `1 key` or `9 keys`. */
function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`;
}

/** Prices the parts of one stack model. */
class StackPricer {
  private readonly items: LineItem[] = [];
  private readonly hours: number;

  constructor(
    private readonly model: StackModel,
    private readonly prices: RegionPrices,
    private readonly assumptions: UsageAssumptions,
    private readonly shares: UsageShares,
    private readonly unpriced: Record<string, number>,
  ) {
    this.hours = assumptions.hoursPerMonth;
  }

  public price(): LineItem[] {
    this.priceNetwork();
    this.priceAurora();
    this.priceCaches();
    this.model.fargateServices.forEach((service) => this.priceFargateService(service));
    this.priceEdge();
    this.priceSecurity();
    this.priceCloudWatch();
    this.priceStorage();
    this.priceFunctions();
    this.priceDns();
    return this.items;
  }

  private add(service: string, description: string, quantity: number, price: Price, basis: LineItem['basis']): void {
    if (quantity <= 0) {
      return;
    }
    this.items.push({ service, description, quantity, price, monthlyUsd: quantity * price.usd, basis });
  }

  /** Log data of this stack, in GB a month. */
  private get logGb(): number {
    return this.assumptions.logGb * this.shares.logs;
  }

  private get hasLogsEndpoint(): boolean {
    return this.model.interfaceEndpoints.some((endpoint) => endpoint.serviceName === 'logs');
  }

  private priceNetwork(): void {
    const { model, prices, hours } = this;
    this.add('NAT gateway', `${counted(model.natGateways, 'NAT gateway')} × ${hours} h`, model.natGateways * hours, prices.natGatewayHour, 'template');
    if (model.natGateways > 0) {
      const logTraffic = this.hasLogsEndpoint ? 0 : this.logGb;
      const natGb = this.assumptions.natGb * this.shares.nat + logTraffic;
      const logPart = logTraffic > 0 ? `, ${formatNumber(logTraffic)} GB of it logs, because no CloudWatch Logs endpoint exists` : '';
      this.add('NAT gateway', `${formatNumber(natGb)} GB processed${logPart}`, natGb, prices.natGatewayGb, 'assumption');
    }
    this.add('Public IPv4 addresses', `${counted(model.publicIpv4Addresses, 'address', 'addresses')} of NAT gateways and internet-facing load balancers × ${hours} h`,
      model.publicIpv4Addresses * hours, prices.publicIpv4AddressHour, 'template');

    const endpointZones = model.interfaceEndpoints.reduce((total, endpoint) => total + endpoint.availabilityZones, 0);
    const names = model.interfaceEndpoints.map((endpoint) => endpoint.serviceName).join(', ');
    this.add('VPC endpoints', `${counted(model.interfaceEndpoints.length, 'interface endpoint')} (${names}) in ${counted(endpointZones, 'endpoint-zone')} × ${hours} h`,
      endpointZones * hours, prices.interfaceEndpointHour, 'template');
    if (this.hasLogsEndpoint) {
      this.add('VPC endpoints', `${formatNumber(this.logGb)} GB of logs through the CloudWatch Logs endpoint`, this.logGb, prices.interfaceEndpointGb, 'assumption');
    }
  }

  private priceAurora(): void {
    const { prices, hours, assumptions } = this;
    for (const cluster of this.model.auroraClusters) {
      const autoPause = cluster.minAcu === 0;
      const activeHours = autoPause ? Math.min(assumptions.auroraActiveHours ?? hours, hours) : hours;
      // A running Serverless v2 instance never goes below 0.5 ACU or its MinCapacity.
      const floor = Math.max(cluster.minAcu, 0.5);
      const acu = Math.min(Math.max(assumptions.auroraAverageAcu, floor), Math.max(cluster.maxAcu, floor));
      const clamped = acu !== assumptions.auroraAverageAcu ? `, the assumed ${assumptions.auroraAverageAcu} ACU held to the range ${floor}-${cluster.maxAcu}` : '';
      const pause = autoPause ? `, auto-pause: runs ${formatNumber(activeHours)} of ${hours} h` : '';
      this.add('Aurora',
        `${readableId(cluster.id)}: ${counted(cluster.serverlessInstances, 'Serverless v2 instance')} × ${formatNumber(activeHours)} h × ${acu} ACU ` +
        `(MinCapacity ${cluster.minAcu}, MaxCapacity ${cluster.maxAcu}${pause}${clamped})`,
        cluster.serverlessInstances * activeHours * acu,
        cluster.ioOptimized ? prices.auroraIoOptimizedAcuHour : prices.auroraAcuHour, 'assumption');
      this.add('Aurora', `${readableId(cluster.id)}: ${assumptions.storageGb} GB of ${cluster.ioOptimized ? 'I/O-Optimized' : 'Standard'} storage`,
        assumptions.storageGb, cluster.ioOptimized ? prices.auroraIoOptimizedStorageGbMonth : prices.auroraStorageGbMonth, 'assumption');
    }
  }

  private priceCaches(): void {
    for (const cache of this.model.caches) {
      const nodePrices = this.prices.cacheNodeHour[cache.nodeType];
      if (!nodePrices) {
        const key = `AWS::ElastiCache::ReplicationGroup (${cache.nodeType} in ${this.model.region})`;
        this.unpriced[key] = (this.unpriced[key] ?? 0) + 1;
        continue;
      }
      const valkey = cache.engine === 'valkey';
      this.add('ElastiCache', `${readableId(cache.id)}: ${counted(cache.nodes, `${cache.nodeType} ${valkey ? 'Valkey' : cache.engine} node`)} × ${this.hours} h`,
        cache.nodes * this.hours, valkey ? nodePrices.valkey : nodePrices.redisOss, 'template');
    }
  }

  private priceFargateService(service: FargateServiceModel): void {
    const { prices, hours } = this;
    const arm = service.architecture === 'ARM64';
    const vcpu = service.cpuUnits / 1024;
    const gb = service.memoryMiB / 1024;
    const extraStorageGb = Math.max(service.ephemeralStorageGiB - 20, 0);
    const vcpuPrice = arm ? prices.fargateArmVcpuHour : prices.fargateX86VcpuHour;
    const gbPrice = arm ? prices.fargateArmGbHour : prices.fargateX86GbHour;
    const taskHourUsd = vcpu * vcpuPrice.usd + gb * gbPrice.usd + extraStorageGb * prices.fargateEphemeralGbHour.usd;
    const size = `${formatNumber(vcpu)} vCPU, ${formatNumber(gb)} GB, ${service.architecture}`;
    const split = splitCapacity(service.tasks, service.strategy);
    const name = readableId(service.id);
    const count = `${counted(service.tasks, 'task')} (${service.taskCountSource})`;
    this.add('Fargate', `${name}: ${formatNumber(split.onDemandTasks)} on-demand of ${count} × ${hours} h (${size})`,
      split.onDemandTasks * hours, { usd: taskHourUsd, unit: 'task-hour', source: vcpuPrice.source }, 'template');
    const spotUsd = taskHourUsd * (1 - prices.fargateSpotDiscount.usd);
    this.add('Fargate', `${name}: ${formatNumber(split.spotTasks)} Spot of ${count} × ${hours} h (${size}, ${Math.round(prices.fargateSpotDiscount.usd * 100)}% below on-demand)`,
      split.spotTasks * hours, { usd: spotUsd, unit: 'Spot task-hour', source: vcpuPrice.source }, 'template');
  }

  private priceEdge(): void {
    const { prices, hours, assumptions, model } = this;
    const requests = assumptions.requestsMillions * 1e6;
    if (model.applicationLoadBalancers > 0) {
      this.add('Load balancer', `${counted(model.applicationLoadBalancers, 'application load balancer')} × ${hours} h`,
        model.applicationLoadBalancers * hours, prices.albHour, 'template');
      // LCUs: the larger of new connections (25 a second per LCU) and processed bytes (1 GB an hour
      // per LCU), counting every viewer request and byte as reaching the origin.
      const perBalancer = this.shares.loadBalancers / model.applicationLoadBalancers;
      const requestsPerSecond = requests * perBalancer / (hours * 3600);
      const gbPerHour = assumptions.transferGb * perBalancer / hours;
      const lcu = Math.max(requestsPerSecond / 25, gbPerHour);
      this.add('Load balancer',
        `${formatNumber(lcu)} LCU average per load balancer (${formatNumber(requestsPerSecond)} requests/s, ${formatNumber(gbPerHour)} GB/h) × ${hours} h`,
        lcu * hours * model.applicationLoadBalancers, prices.albLcuHour, 'assumption');
    }

    for (const distribution of model.distributions) {
      const share = this.shares.distributions / model.distributions.length;
      const gb = assumptions.transferGb * share;
      // With PriceClass_100 CloudFront serves every viewer from North American and European edges, at their price.
      const otherShare = distribution.priceClass === 'PriceClass_100' ? 0 : assumptions.cloudFrontOtherRegionsShare;
      const name = readableId(distribution.id);
      this.add('CloudFront', `${name}: ${formatNumber(gb * (1 - otherShare))} GB to viewers in North America and Europe (${distribution.priceClass})`,
        gb * (1 - otherShare), GLOBAL_PRICES.cloudFrontNorthAmericaEuropeGb, 'assumption');
      this.add('CloudFront', `${name}: ${formatNumber(gb * otherShare)} GB to viewers elsewhere (${distribution.priceClass})`,
        gb * otherShare, GLOBAL_PRICES.cloudFrontOtherRegionsGb, 'assumption');
      this.add('CloudFront', `${name}: ${formatNumber(requests * share / 1e6)} million HTTPS requests`,
        requests * share / 1e4, GLOBAL_PRICES.cloudFrontHttpsRequests10k, 'assumption');
      this.add('CloudFront', `${name}: ${counted(distribution.defaultBehaviorFunctions, 'CloudFront Function')} on every request`,
        distribution.defaultBehaviorFunctions * requests * share / 1e6, GLOBAL_PRICES.cloudFrontFunctionInvocationsMillion, 'assumption');
    }

    for (const acl of model.webAcls) {
      const name = readableId(acl.id);
      this.add('WAF', `${name}: web ACL`, 1, GLOBAL_PRICES.wafWebAclMonth, 'template');
      this.add('WAF', `${name}: ${counted(acl.rules, 'rule')}`, acl.rules, GLOBAL_PRICES.wafRuleMonth, 'template');
      const aclRequests = requests * this.shares.webAcls / model.webAcls.length;
      this.add('WAF', `${name}: ${formatNumber(aclRequests / 1e6)} million requests inspected`, aclRequests / 1e6, GLOBAL_PRICES.wafRequestsMillion, 'assumption');
    }
  }

  private priceSecurity(): void {
    this.add('KMS', `${counted(this.model.kmsKeys, 'customer managed key')}`, this.model.kmsKeys, GLOBAL_PRICES.kmsKeyMonth, 'template');
    this.add('Secrets Manager', `${counted(this.model.secrets, 'secret')}`, this.model.secrets, GLOBAL_PRICES.secretMonth, 'template');
  }

  private priceCloudWatch(): void {
    const { model, prices, assumptions } = this;
    this.add('CloudWatch', `${counted(model.alarmMetrics, 'standard-resolution alarm metric')}`, model.alarmMetrics, prices.cloudWatchAlarmMetricMonth, 'template');
    this.add('CloudWatch', `${counted(model.highResolutionAlarmMetrics, 'high-resolution alarm metric')}`, model.highResolutionAlarmMetrics,
      prices.cloudWatchHighResolutionAlarmMetricMonth, 'template');
    this.add('CloudWatch', `${counted(model.compositeAlarms, 'composite alarm')}`, model.compositeAlarms, prices.cloudWatchCompositeAlarmMonth, 'template');
    this.add('CloudWatch', `${counted(model.dashboards, 'dashboard')}`, model.dashboards, prices.cloudWatchDashboardMonth, 'template');
    this.add('CloudWatch', `${counted(model.customMetrics.length, 'custom metric')}: ${model.customMetrics.join(', ')}`, model.customMetrics.length,
      prices.cloudWatchCustomMetricMonth, 'template');
    if (model.logGroups.length === 0) {
      return;
    }
    this.add('CloudWatch', `${formatNumber(this.logGb)} GB of logs ingested`, this.logGb, prices.logsIngestionGb, 'assumption');
    // Each log group gets an equal part of the log data, stored for its retention period. A log
    // group that never expires is counted after one year.
    // NOTE: log groups of custom resources get as much data as container logs here, although they
    // log only during deployments.
    const perGroupGb = this.logGb / model.logGroups.length;
    const monthsStored = model.logGroups.map((group) => Math.min(group.retentionDays ?? 365, 3653) / (365 / 12));
    const storedGb = monthsStored.reduce((total, months) => total + perGroupGb * assumptions.logCompressedShare * months, 0);
    const averageDays = model.logGroups.reduce((total, group) => total + (group.retentionDays ?? 365), 0) / model.logGroups.length;
    const neverExpire = model.logGroups.filter((group) => group.retentionDays === undefined).length;
    const neverExpireText = neverExpire > 0 ? `, ${neverExpire} log groups never expire and are counted after one year` : '';
    this.add('CloudWatch',
      `${formatNumber(storedGb)} GB of logs stored (${counted(model.logGroups.length, 'log group')}, average retention ${formatNumber(averageDays)} days, ` +
      `${Math.round(assumptions.logCompressedShare * 100)}% of ingested size after compression${neverExpireText})`,
      storedGb, prices.logsStorageGbMonth, 'assumption');
  }

  private priceStorage(): void {
    const { model, prices, assumptions } = this;
    const gb = assumptions.storageGb;
    for (const fileSystem of model.fileSystems) {
      const name = readableId(fileSystem.id);
      const infrequentShare = fileSystem.infrequentAccess ? assumptions.efsInfrequentAccessShare : 0;
      this.add('EFS', `${name}: ${formatNumber(gb * (1 - infrequentShare))} GB in Standard`, gb * (1 - infrequentShare), prices.efsStandardGbMonth, 'assumption');
      this.add('EFS', `${name}: ${formatNumber(gb * infrequentShare)} GB in Infrequent Access (lifecycle policy)`,
        gb * infrequentShare, prices.efsInfrequentAccessGbMonth, 'assumption');
    }
    this.add('S3', `${counted(model.buckets, 'bucket')} × ${gb} GB in S3 Standard`, model.buckets * gb, prices.s3StandardGbMonth, 'assumption');
    this.add('Backup', `${counted(model.backupProtectedClusters, 'Aurora cluster')} × ${gb} GB of snapshots`,
      model.backupProtectedClusters * gb, prices.auroraBackupGbMonth, 'assumption');
    this.add('Backup', `${counted(model.backupProtectedFileSystems, 'EFS file system')} × ${gb} GB of warm backups`,
      model.backupProtectedFileSystems * gb, prices.efsBackupGbMonth, 'assumption');
  }

  private priceFunctions(): void {
    const { prices, hours, assumptions } = this;
    for (const fn of this.model.scheduledFunctions) {
      const invocations = fn.invocationsPerHour * hours;
      const gbSeconds = invocations * (fn.memoryMb / 1024) * assumptions.lambdaSecondsPerInvocation;
      const name = readableId(fn.id);
      this.add('Lambda',
        `${name}: ${formatNumber(invocations)} scheduled invocations (${fn.schedule}) × ${assumptions.lambdaSecondsPerInvocation} s × ${fn.memoryMb} MB, ${fn.architecture}`,
        gbSeconds, fn.architecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond, 'assumption');
      this.add('Lambda', `${name}: ${counted(invocations, 'request')}`, invocations / 1e6, prices.lambdaRequestsMillion, 'template');
    }
  }

  private priceDns(): void {
    const { model } = this;
    const zones = model.hostedZones + model.privateDnsNamespaces;
    const parts = [
      model.hostedZones > 0 ? counted(model.hostedZones, 'hosted zone') : '',
      model.privateDnsNamespaces > 0 ? `${counted(model.privateDnsNamespaces, 'Cloud Map DNS namespace')} (each a Route 53 private hosted zone)` : '',
    ].filter((part) => part !== '');
    this.add('Route 53', parts.join(' and '), zones, GLOBAL_PRICES.route53HostedZoneMonth, 'template');
    const instances = model.fargateServices.reduce((total, service) => total + service.tasks * service.serviceRegistries.length, 0);
    this.add('Cloud Map', `${counted(instances, 'registered instance')}: ECS tasks in service discovery`,
      instances, GLOBAL_PRICES.cloudMapInstanceMonth, 'template');
  }
}

/** Usage of the whole platform that no template shows and the estimate does not price. */
function platformNotEstimated(models: readonly StackModel[]): string[] {
  const any = (test: (model: StackModel) => boolean) => models.some(test);
  const sentences: string[] = [];
  if (any((model) => model.natGateways > 0)) {
    sentences.push(`data transfer out to the internet through the NAT gateways ($${GLOBAL_PRICES.internetDataTransferOutGb.usd} per GB after the account's first 100 GB)`);
  }
  sentences.push(`data transfer between availability zones ($${GLOBAL_PRICES.crossAzDataTransferGb.usd} per GB in each direction)`);
  if (any((model) => model.auroraClusters.some((cluster) => !cluster.ioOptimized))) {
    sentences.push('Aurora I/O requests of Aurora Standard storage ($0.20 per million in us-east-1), and automated backups beyond the volume size');
  }
  if (any((model) => model.caches.length > 0)) {
    sentences.push('ElastiCache snapshot storage beyond one free snapshot per cluster ($0.085 per GB-month)');
  }
  if (any((model) => model.fargateServices.length > 0)) {
    sentences.push('Fargate tasks above the minimum count while scaling out, and one-off tasks during deployments');
  }
  if (any((model) => model.kmsKeys > 0)) {
    sentences.push(`KMS requests ($${GLOBAL_PRICES.kmsRequests10k.usd} per 10,000)`);
  }
  if (any((model) => model.secrets > 0)) {
    sentences.push(`Secrets Manager API calls ($${GLOBAL_PRICES.secretApiCalls10k.usd} per 10,000)`);
  }
  if (any((model) => model.distributions.length > 0)) {
    sentences.push('CloudFront data transfer to the origin, such as uploads ($0.02 per GB)');
  }
  if (any((model) => model.buckets > 0)) {
    sentences.push('S3 requests, such as the PUTs of access logs ($0.005 per 1,000)');
  }
  return sentences;
}
