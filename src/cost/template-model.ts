/**
 * Reads the billable parts of one CloudFormation template into plain data, so the estimate can
 * price them and price variants of them (for example the same services on X86_64).
 */
import { FREE_RESOURCE_TYPES, PAID_MANAGED_RULE_GROUPS, PRICED_RESOURCE_TYPES, USAGE_ONLY_RESOURCE_TYPES } from './resource-types';
import { invocationsPerHourOf } from './schedule';

/** A resource of a CloudFormation template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** The part of a CloudFormation template the estimate reads. */
export interface CloudFormationTemplate {
  readonly Resources?: Record<string, TemplateResource>;
}

/** Split of a Fargate service's tasks between on-demand Fargate and Fargate Spot. */
export interface CapacitySplit {
  readonly onDemandTasks: number;
  readonly spotTasks: number;
}

/** A capacity provider strategy item of an ECS service or cluster. */
export interface StrategyItem {
  readonly provider: string;
  readonly base: number;
  readonly weight: number;
}

export interface FargateServiceModel {
  readonly id: string;
  readonly cpuUnits: number;
  readonly memoryMiB: number;
  readonly architecture: 'ARM64' | 'X86_64';
  /** Ephemeral storage per task, in GiB. The task price includes 20 GiB. */
  readonly ephemeralStorageGiB: number;
  /** Minimum task count: the service's scaling MinCapacity, else its DesiredCount. */
  readonly tasks: number;
  /** Maximum task count: the service's scaling MaxCapacity, else its DesiredCount. */
  readonly maxTasks: number;
  /** Source of `tasks`, such as `DesiredCount`. */
  readonly taskCountSource: string;
  readonly strategy: readonly StrategyItem[];
  readonly serviceRegistries: readonly string[];
}

export interface AuroraClusterModel {
  readonly id: string;
  readonly minAcu: number;
  readonly maxAcu: number;
  readonly ioOptimized: boolean;
  readonly serverlessInstances: number;
}

export interface CacheModel {
  readonly id: string;
  readonly nodeType: string;
  readonly nodes: number;
  readonly engine: string;
}

export interface InterfaceEndpointModel {
  readonly id: string;
  readonly serviceName: string;
  readonly availabilityZones: number;
}

export interface WebAclModel {
  readonly id: string;
  readonly rules: number;
}

export interface DistributionModel {
  readonly id: string;
  readonly priceClass: string;
  /** CloudFront Functions on the default cache behavior, which run on every request. */
  readonly defaultBehaviorFunctions: number;
}

export interface LogGroupModel {
  readonly id: string;
  /** Retention in days; undefined when the logs never expire. */
  readonly retentionDays?: number;
}

export interface ScheduledFunctionModel {
  readonly id: string;
  readonly invocationsPerHour: number;
  readonly memoryMb: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly schedule: string;
}

export interface FileSystemModel {
  readonly id: string;
  readonly infrequentAccess: boolean;
}

/** The billable parts of one stack. */
export interface StackModel {
  readonly stackName: string;
  readonly region: string;
  readonly natGateways: number;
  readonly publicIpv4Addresses: number;
  readonly interfaceEndpoints: readonly InterfaceEndpointModel[];
  readonly auroraClusters: readonly AuroraClusterModel[];
  readonly auroraDeletionProtection: readonly boolean[];
  readonly caches: readonly CacheModel[];
  readonly fargateServices: readonly FargateServiceModel[];
  readonly applicationLoadBalancers: number;
  readonly webAcls: readonly WebAclModel[];
  readonly distributions: readonly DistributionModel[];
  readonly kmsKeys: number;
  readonly secrets: number;
  readonly alarmMetrics: number;
  readonly highResolutionAlarmMetrics: number;
  readonly compositeAlarms: number;
  readonly dashboards: number;
  /** Custom metrics that alarms and metric filters of the template read or write. */
  readonly customMetrics: readonly string[];
  readonly logGroups: readonly LogGroupModel[];
  readonly fileSystems: readonly FileSystemModel[];
  readonly buckets: number;
  readonly scheduledFunctions: readonly ScheduledFunctionModel[];
  readonly hostedZones: number;
  readonly privateDnsNamespaces: number;
  readonly backupProtectedClusters: number;
  readonly backupProtectedFileSystems: number;
  /** Usage the template shows but the estimate does not price, as sentences. */
  readonly notEstimated: readonly string[];
  /** Resource types, or types with a setting, that the estimate has no price for, with counts. */
  readonly unpriced: Readonly<Record<string, number>>;
  /** Number of resources of types that cost nothing by themselves. */
  readonly freeResources: number;
}

/** Returns the logical ID that a `Ref` or `Fn::GetAtt` points at, if `value` is one. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const intrinsic = value as Record<string, unknown>;
  if (typeof intrinsic.Ref === 'string') {
    return intrinsic.Ref;
  }
  const getAtt = intrinsic['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof getAtt === 'string') {
    return getAtt.split('.')[0];
  }
  return undefined;
}

/** Returns whether `value` contains a `Ref` or `Fn::GetAtt` to `logicalId` anywhere inside it. */
function references(value: unknown, logicalId: string): boolean {
  if (referencedLogicalId(value) === logicalId) {
    return true;
  }
  if (value !== null && typeof value === 'object') {
    return Object.values(value as Record<string, unknown>).some((child) => references(child, logicalId));
  }
  return false;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** Counts resources by type; `detail` adds a setting that makes a known type unpriced. */
class Tally {
  public readonly counts: Record<string, number> = {};

  public add(type: string, detail?: string): void {
    const key = detail ? `${type} (${detail})` : type;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
}

/** Resources of a template grouped by type, with their logical IDs. */
type ResourcesByType = Map<string, Array<[string, TemplateResource]>>;

function groupByType(template: CloudFormationTemplate): ResourcesByType {
  const byType: ResourcesByType = new Map();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const list = byType.get(resource.Type) ?? [];
    list.push([logicalId, resource]);
    byType.set(resource.Type, list);
  }
  return byType;
}

function resourcesOf(byType: ResourcesByType, ...types: string[]): Array<[string, TemplateResource]> {
  return types.flatMap((type) => byType.get(type) ?? []);
}

function props(resource: TemplateResource): Record<string, any> {
  return resource.Properties ?? {};
}

/** Builds the model of one stack from its template. */
export function buildStackModel(stackName: string, region: string, template: CloudFormationTemplate): StackModel {
  const byType = groupByType(template);
  const notEstimated: string[] = [];
  const unpriced = new Tally();
  let freeResources = 0;

  for (const [type, resources] of byType) {
    if (FREE_RESOURCE_TYPES.has(type) || type.startsWith('Custom::')) {
      freeResources += resources.length;
    } else if (USAGE_ONLY_RESOURCE_TYPES[type]) {
      notEstimated.push(`${USAGE_ONLY_RESOURCE_TYPES[type]}: ${resources.length} ${type}`);
    } else if (!PRICED_RESOURCE_TYPES.has(type)) {
      for (let i = 0; i < resources.length; i++) {
        unpriced.add(type);
      }
    }
  }

  const endpoints = readInterfaceEndpoints(byType, unpriced);
  const aurora = readAurora(byType, unpriced);
  const fargateServices = readFargateServices(byType, notEstimated);
  const alarms = readAlarms(byType);
  const fileSystems = readFileSystems(byType, unpriced, notEstimated);
  const functions = readFunctions(byType, notEstimated);
  const dns = readDns(byType, notEstimated);
  const backup = readBackupSelections(byType, notEstimated);
  readContainerInsights(byType, notEstimated);

  return {
    stackName,
    region,
    natGateways: resourcesOf(byType, 'AWS::EC2::NatGateway').length,
    publicIpv4Addresses: resourcesOf(byType, 'AWS::EC2::EIP').length + countInternetFacingLoadBalancerAddresses(byType),
    interfaceEndpoints: endpoints,
    auroraClusters: aurora.clusters,
    auroraDeletionProtection: aurora.deletionProtection,
    caches: readCaches(byType, unpriced),
    fargateServices,
    applicationLoadBalancers: readLoadBalancers(byType, unpriced),
    webAcls: readWebAcls(byType, notEstimated),
    distributions: readDistributions(byType, notEstimated),
    kmsKeys: resourcesOf(byType, 'AWS::KMS::Key', 'AWS::KMS::ReplicaKey').length,
    secrets: resourcesOf(byType, 'AWS::SecretsManager::Secret').length,
    alarmMetrics: alarms.standard,
    highResolutionAlarmMetrics: alarms.highResolution,
    compositeAlarms: resourcesOf(byType, 'AWS::CloudWatch::CompositeAlarm').length,
    dashboards: resourcesOf(byType, 'AWS::CloudWatch::Dashboard').length,
    customMetrics: alarms.customMetrics,
    logGroups: resourcesOf(byType, 'AWS::Logs::LogGroup').map(([id, resource]) => ({
      id,
      retentionDays: numberOf(props(resource).RetentionInDays),
    })),
    fileSystems,
    buckets: resourcesOf(byType, 'AWS::S3::Bucket').length,
    scheduledFunctions: functions,
    hostedZones: dns.hostedZones,
    privateDnsNamespaces: dns.namespaces,
    backupProtectedClusters: backup.clusters,
    backupProtectedFileSystems: backup.fileSystems,
    notEstimated,
    unpriced: unpriced.counts,
    freeResources,
  };
}

function readInterfaceEndpoints(byType: ResourcesByType, unpriced: Tally): InterfaceEndpointModel[] {
  const endpoints: InterfaceEndpointModel[] = [];
  for (const [id, resource] of resourcesOf(byType, 'AWS::EC2::VPCEndpoint')) {
    const type = props(resource).VpcEndpointType ?? 'Gateway';
    if (type === 'Gateway') {
      continue;
    }
    if (type !== 'Interface') {
      unpriced.add('AWS::EC2::VPCEndpoint', `VpcEndpointType ${type}`);
      continue;
    }
    const subnets = props(resource).SubnetIds;
    endpoints.push({
      id,
      serviceName: serviceNameOf(props(resource).ServiceName),
      // NOTE: an endpoint without SubnetIds in the template is counted in one zone.
      availabilityZones: Array.isArray(subnets) && subnets.length > 0 ? subnets.length : 1,
    });
  }
  return endpoints;
}

/** Returns an endpoint's service without prefix and region, such as `logs` for `com.amazonaws.us-east-1.logs`. */
function serviceNameOf(value: unknown): string {
  let text = '';
  if (typeof value === 'string') {
    text = value;
  } else {
    const join = (value as Record<string, unknown> | undefined)?.['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      // A region given as { Ref: AWS::Region } drops out, which leaves `com.amazonaws..logs`.
      text = join[1].filter((part: unknown) => typeof part === 'string').join('');
    }
  }
  return text.replace(/^com\.amazonaws\./, '').replace(/^[a-z]{2}(-gov)?-[a-z]+-\d\./, '').replace(/^\./, '');
}

function readAurora(byType: ResourcesByType, unpriced: Tally): { clusters: AuroraClusterModel[]; deletionProtection: boolean[] } {
  const instances = resourcesOf(byType, 'AWS::RDS::DBInstance');
  const clusters: AuroraClusterModel[] = [];
  const deletionProtection: boolean[] = [];
  for (const [id, resource] of resourcesOf(byType, 'AWS::RDS::DBCluster')) {
    const scaling = props(resource).ServerlessV2ScalingConfiguration ?? {};
    const members = instances.filter(([, instance]) => referencedLogicalId(props(instance).DBClusterIdentifier) === id);
    deletionProtection.push(props(resource).DeletionProtection === true || props(resource).DeletionProtection === 'true');
    clusters.push({
      id,
      minAcu: numberOf(scaling.MinCapacity) ?? 0.5,
      maxAcu: numberOf(scaling.MaxCapacity) ?? 1,
      ioOptimized: props(resource).StorageType === 'aurora-iopt1',
      serverlessInstances: members.filter(([, instance]) => props(instance).DBInstanceClass === 'db.serverless').length,
    });
  }
  for (const [, instance] of instances) {
    const instanceClass = props(instance).DBInstanceClass;
    const inCluster = clusters.some((cluster) => cluster.id === referencedLogicalId(props(instance).DBClusterIdentifier));
    if (!inCluster || instanceClass !== 'db.serverless') {
      unpriced.add('AWS::RDS::DBInstance', typeof instanceClass === 'string' ? instanceClass : 'instance class not in the template');
    }
  }
  return { clusters, deletionProtection };
}

function readCaches(byType: ResourcesByType, unpriced: Tally): CacheModel[] {
  const caches: CacheModel[] = [];
  for (const [id, resource] of resourcesOf(byType, 'AWS::ElastiCache::ReplicationGroup')) {
    const p = props(resource);
    const shards = numberOf(p.NumNodeGroups);
    const nodes = shards !== undefined
      ? shards * ((numberOf(p.ReplicasPerNodeGroup) ?? 0) + 1)
      : numberOf(p.NumCacheClusters) ?? 1;
    caches.push({ id, nodeType: String(p.CacheNodeType), nodes, engine: String(p.Engine ?? 'redis') });
  }
  for (const [id, resource] of resourcesOf(byType, 'AWS::ElastiCache::CacheCluster')) {
    const p = props(resource);
    if (p.ReplicationGroupId !== undefined) {
      // A member of a replication group, which the group's NumCacheClusters already counts.
      continue;
    }
    caches.push({ id, nodeType: String(p.CacheNodeType), nodes: numberOf(p.NumCacheNodes) ?? 1, engine: String(p.Engine ?? 'redis') });
  }
  for (const cache of caches) {
    if (!/^cache\./.test(cache.nodeType)) {
      unpriced.add('AWS::ElastiCache::ReplicationGroup', `CacheNodeType ${cache.nodeType}`);
    }
  }
  return caches;
}

function readFargateServices(byType: ResourcesByType, notEstimated: string[]): FargateServiceModel[] {
  const taskDefinitions = new Map(resourcesOf(byType, 'AWS::ECS::TaskDefinition'));
  const scalableTargets = resourcesOf(byType, 'AWS::ApplicationAutoScaling::ScalableTarget')
    .filter(([, target]) => props(target).ScalableDimension === 'ecs:service:DesiredCount');
  const clusterStrategies = new Map<string, StrategyItem[]>();
  for (const [, association] of resourcesOf(byType, 'AWS::ECS::ClusterCapacityProviderAssociations')) {
    const clusterId = referencedLogicalId(props(association).Cluster);
    if (clusterId) {
      clusterStrategies.set(clusterId, strategyOf(props(association).DefaultCapacityProviderStrategy));
    }
  }

  const services: FargateServiceModel[] = [];
  for (const [id, resource] of resourcesOf(byType, 'AWS::ECS::Service')) {
    const p = props(resource);
    const taskDefinitionId = referencedLogicalId(p.TaskDefinition);
    const taskDefinition = taskDefinitionId ? taskDefinitions.get(taskDefinitionId) : undefined;
    if (!taskDefinition) {
      notEstimated.push(`ECS service ${id}: its task definition is not in this template`);
      continue;
    }
    let strategy = strategyOf(p.CapacityProviderStrategy);
    if (strategy.length === 0 && p.LaunchType === undefined) {
      strategy = clusterStrategies.get(referencedLogicalId(p.Cluster) ?? '') ?? [];
    }
    if (strategy.length === 0) {
      if (p.LaunchType !== undefined && p.LaunchType !== 'FARGATE') {
        notEstimated.push(`ECS service ${id}: launch type ${p.LaunchType} runs on instances the template does not show`);
        continue;
      }
      strategy = [{ provider: 'FARGATE', base: 0, weight: 1 }];
    }
    const otherProvider = strategy.find((item) => item.provider !== 'FARGATE' && item.provider !== 'FARGATE_SPOT');
    if (otherProvider) {
      notEstimated.push(`ECS service ${id}: capacity provider ${otherProvider.provider} runs on EC2 instances the template does not show`);
      continue;
    }
    const td = props(taskDefinition);
    if (td.RuntimePlatform?.OperatingSystemFamily && td.RuntimePlatform.OperatingSystemFamily !== 'LINUX') {
      notEstimated.push(`ECS service ${id}: ${td.RuntimePlatform.OperatingSystemFamily} tasks have other Fargate prices`);
      continue;
    }
    const target = scalableTargets.find(([, scalableTarget]) => references(props(scalableTarget).ResourceId, id));
    const minCapacity = target ? numberOf(props(target[1]).MinCapacity) : undefined;
    const desiredCount = numberOf(p.DesiredCount);
    services.push({
      id,
      cpuUnits: numberOf(td.Cpu) ?? 256,
      memoryMiB: numberOf(td.Memory) ?? 512,
      architecture: td.RuntimePlatform?.CpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64',
      ephemeralStorageGiB: numberOf(td.EphemeralStorage?.SizeInGiB) ?? 20,
      tasks: minCapacity ?? desiredCount ?? 1,
      maxTasks: target ? numberOf(props(target[1]).MaxCapacity) ?? minCapacity ?? 1 : desiredCount ?? 1,
      taskCountSource: minCapacity !== undefined
        ? 'scaling MinCapacity'
        : desiredCount !== undefined ? 'DesiredCount' : 'no DesiredCount, so 1',
      strategy,
      serviceRegistries: (Array.isArray(p.ServiceRegistries) ? p.ServiceRegistries : [])
        .map((registry: Record<string, unknown>) => referencedLogicalId(registry.RegistryArn))
        .filter((registryId: string | undefined): registryId is string => registryId !== undefined),
    });
  }
  return services;
}

function strategyOf(value: unknown): StrategyItem[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.map((item: Record<string, unknown>) => ({
    provider: String(item.CapacityProvider),
    base: numberOf(item.Base) ?? 0,
    weight: numberOf(item.Weight) ?? 0,
  }));
}

/**
 * Splits `tasks` the way ECS places them: the base of the strategy first, then the rest in
 * proportion to the weights. The result can be fractional, as an average over a month.
 */
export function splitCapacity(tasks: number, strategy: readonly StrategyItem[]): CapacitySplit {
  let onDemandTasks = 0;
  let spotTasks = 0;
  let remaining = tasks;
  for (const item of strategy) {
    const base = Math.min(item.base, remaining);
    if (item.provider === 'FARGATE_SPOT') {
      spotTasks += base;
    } else {
      onDemandTasks += base;
    }
    remaining -= base;
  }
  const onDemandWeight = strategy.filter((item) => item.provider !== 'FARGATE_SPOT').reduce((sum, item) => sum + item.weight, 0);
  const spotWeight = strategy.filter((item) => item.provider === 'FARGATE_SPOT').reduce((sum, item) => sum + item.weight, 0);
  if (onDemandWeight + spotWeight === 0) {
    onDemandTasks += remaining;
  } else {
    onDemandTasks += remaining * onDemandWeight / (onDemandWeight + spotWeight);
    spotTasks += remaining * spotWeight / (onDemandWeight + spotWeight);
  }
  return { onDemandTasks, spotTasks };
}

function readLoadBalancers(byType: ResourcesByType, unpriced: Tally): number {
  let applicationLoadBalancers = 0;
  for (const [, resource] of resourcesOf(byType, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const type = props(resource).Type ?? 'application';
    if (type === 'application') {
      applicationLoadBalancers++;
    } else {
      unpriced.add('AWS::ElasticLoadBalancingV2::LoadBalancer', `Type ${type}`);
    }
  }
  return applicationLoadBalancers;
}

/** Public IPv4 addresses of internet-facing load balancers: one per subnet. */
function countInternetFacingLoadBalancerAddresses(byType: ResourcesByType): number {
  let addresses = 0;
  for (const [, resource] of resourcesOf(byType, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const p = props(resource);
    if ((p.Scheme ?? 'internet-facing') === 'internet-facing') {
      addresses += Array.isArray(p.Subnets) ? p.Subnets.length : Array.isArray(p.SubnetMappings) ? p.SubnetMappings.length : 2;
    }
  }
  return addresses;
}

function readWebAcls(byType: ResourcesByType, notEstimated: string[]): WebAclModel[] {
  return resourcesOf(byType, 'AWS::WAFv2::WebACL').map(([id, resource]) => {
    const rules: Array<Record<string, any>> = Array.isArray(props(resource).Rules) ? props(resource).Rules : [];
    for (const rule of rules) {
      const group = rule.Statement?.ManagedRuleGroupStatement;
      if (group && (group.VendorName !== 'AWS' || PAID_MANAGED_RULE_GROUPS.has(group.Name))) {
        notEstimated.push(`subscription and request fees of the managed rule group ${group.VendorName}/${group.Name} in ${id}`);
      }
    }
    return { id, rules: rules.length };
  });
}

function readDistributions(byType: ResourcesByType, notEstimated: string[]): DistributionModel[] {
  return resourcesOf(byType, 'AWS::CloudFront::Distribution').map(([id, resource]) => {
    const config = props(resource).DistributionConfig ?? {};
    const pathFunctions = (Array.isArray(config.CacheBehaviors) ? config.CacheBehaviors : [])
      .filter((behavior: Record<string, any>) => Array.isArray(behavior.FunctionAssociations) && behavior.FunctionAssociations.length > 0)
      .map((behavior: Record<string, any>) => String(behavior.PathPattern));
    if (pathFunctions.length > 0) {
      notEstimated.push(`CloudFront Functions on the paths ${pathFunctions.join(', ')} of ${id} ($0.10 per million invocations)`);
    }
    const defaultFunctions = config.DefaultCacheBehavior?.FunctionAssociations;
    return {
      id,
      priceClass: String(config.PriceClass ?? 'PriceClass_All'),
      defaultBehaviorFunctions: Array.isArray(defaultFunctions) ? defaultFunctions.length : 0,
    };
  });
}

/** Namespaces of metrics that AWS services publish without a custom metric charge. */
function isCustomNamespace(namespace: unknown): namespace is string {
  return typeof namespace === 'string' && !namespace.startsWith('AWS/') && namespace !== 'ECS/ContainerInsights';
}

function metricKey(namespace: string, metricName: unknown, dimensions: unknown): string {
  const dimensionText = Array.isArray(dimensions) && dimensions.length > 0
    ? ` {${dimensions.map((dimension: Record<string, unknown>) => `${dimension.Name ?? dimension.Key}`).join(', ')}}`
    : '';
  return `${namespace}/${String(metricName)}${dimensionText}`;
}

function readAlarms(byType: ResourcesByType): { standard: number; highResolution: number; customMetrics: string[] } {
  let standard = 0;
  let highResolution = 0;
  const customMetrics = new Set<string>();
  for (const [, resource] of resourcesOf(byType, 'AWS::CloudWatch::Alarm')) {
    const p = props(resource);
    if (p.MetricName !== undefined) {
      if ((numberOf(p.Period) ?? 60) < 60) {
        highResolution++;
      } else {
        standard++;
      }
      if (isCustomNamespace(p.Namespace)) {
        customMetrics.add(metricKey(p.Namespace, p.MetricName, p.Dimensions));
      }
      continue;
    }
    const queries: Array<Record<string, any>> = Array.isArray(p.Metrics) ? p.Metrics : [];
    const anomalyDetection = queries.some((query) => typeof query.Expression === 'string' && query.Expression.includes('ANOMALY_DETECTION_BAND'));
    for (const query of queries) {
      const stat = query.MetricStat;
      if (!stat) {
        continue;
      }
      // An anomaly detection alarm is billed as three metrics: the metric and the band's two bounds.
      const billedMetrics = anomalyDetection ? 3 : 1;
      if ((numberOf(stat.Period) ?? 60) < 60) {
        highResolution += billedMetrics;
      } else {
        standard += billedMetrics;
      }
      if (isCustomNamespace(stat.Metric?.Namespace)) {
        customMetrics.add(metricKey(stat.Metric.Namespace, stat.Metric.MetricName, stat.Metric.Dimensions));
      }
    }
  }
  for (const [, resource] of resourcesOf(byType, 'AWS::Logs::MetricFilter')) {
    const transformations: Array<Record<string, any>> = Array.isArray(props(resource).MetricTransformations)
      ? props(resource).MetricTransformations
      : [];
    for (const transformation of transformations) {
      if (isCustomNamespace(transformation.MetricNamespace)) {
        customMetrics.add(metricKey(transformation.MetricNamespace, transformation.MetricName, transformation.Dimensions));
      }
    }
  }
  return { standard, highResolution, customMetrics: [...customMetrics].sort() };
}

function readFileSystems(byType: ResourcesByType, unpriced: Tally, notEstimated: string[]): FileSystemModel[] {
  const fileSystems: FileSystemModel[] = [];
  for (const [id, resource] of resourcesOf(byType, 'AWS::EFS::FileSystem')) {
    const p = props(resource);
    if (p.ThroughputMode === 'provisioned') {
      unpriced.add('AWS::EFS::FileSystem', 'ThroughputMode provisioned');
    }
    const policies: Array<Record<string, unknown>> = Array.isArray(p.LifecyclePolicies) ? p.LifecyclePolicies : [];
    fileSystems.push({ id, infrequentAccess: policies.some((policy) => policy.TransitionToIA !== undefined) });
  }
  if (fileSystems.length > 0) {
    notEstimated.push('EFS Elastic Throughput reads ($0.03 per GB) and writes ($0.06 per GB), and Infrequent Access reads ($0.01 per GB)');
  }
  return fileSystems;
}

function readFunctions(byType: ResourcesByType, notEstimated: string[]): ScheduledFunctionModel[] {
  const functions = new Map(resourcesOf(byType, 'AWS::Lambda::Function'));
  const scheduled: ScheduledFunctionModel[] = [];
  for (const [, rule] of resourcesOf(byType, 'AWS::Events::Rule')) {
    const p = props(rule);
    if (typeof p.ScheduleExpression !== 'string' || p.State === 'DISABLED') {
      continue;
    }
    const targets: Array<Record<string, unknown>> = Array.isArray(p.Targets) ? p.Targets : [];
    for (const target of targets) {
      const functionId = referencedLogicalId(target.Arn);
      const fn = functionId ? functions.get(functionId) : undefined;
      if (!functionId || !fn) {
        continue;
      }
      const invocationsPerHour = invocationsPerHourOf(p.ScheduleExpression);
      if (invocationsPerHour === undefined) {
        notEstimated.push(`invocations of ${functionId}, because the schedule ${p.ScheduleExpression} could not be read`);
        continue;
      }
      const architectures = props(fn).Architectures;
      scheduled.push({
        id: functionId,
        invocationsPerHour,
        memoryMb: numberOf(props(fn).MemorySize) ?? 128,
        architecture: Array.isArray(architectures) && architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
        schedule: p.ScheduleExpression,
      });
    }
  }
  const other = [...functions.keys()].filter((id) => !scheduled.some((fn) => fn.id === id)).length;
  if (other > 0) {
    notEstimated.push(`requests and duration of ${other} Lambda functions that events, secret rotation or deployments invoke`);
  }
  return scheduled;
}

function readDns(byType: ResourcesByType, notEstimated: string[]): { hostedZones: number; namespaces: number } {
  const zoneIds = new Set(resourcesOf(byType, 'AWS::Route53::HostedZone').map(([id]) => id));
  const records = resourcesOf(byType, 'AWS::Route53::RecordSet');
  const recordsInGroups = resourcesOf(byType, 'AWS::Route53::RecordSetGroup')
    .flatMap(([, group]) => (Array.isArray(props(group).RecordSets) ? props(group).RecordSets : [])
      .map((record: Record<string, unknown>) => ({
        ...record,
        HostedZoneId: props(group).HostedZoneId,
        HostedZoneName: props(group).HostedZoneName,
      })));
  const allRecords: Array<Record<string, any>> = [...records.map(([, record]) => props(record)), ...recordsInGroups];
  if (allRecords.some((record) => record.AliasTarget === undefined)) {
    notEstimated.push('Route 53 queries of records that are not aliases ($0.40 per million)');
  }
  const outsideZones = new Set(allRecords
    .filter((record) => !zoneIds.has(referencedLogicalId(record.HostedZoneId) ?? ''))
    .map((record) => JSON.stringify(record.HostedZoneId ?? record.HostedZoneName)));
  if (outsideZones.size > 0) {
    notEstimated.push(`Route 53 hosted zones that records use but this template does not create: ${outsideZones.size}, at $0.50 per month each`);
  }
  const namespaces = resourcesOf(byType, 'AWS::ServiceDiscovery::PrivateDnsNamespace', 'AWS::ServiceDiscovery::PublicDnsNamespace').length;
  if (namespaces > 0) {
    notEstimated.push('DNS queries of Cloud Map namespaces ($0.40 per million)');
  }
  return { hostedZones: zoneIds.size, namespaces };
}

function readBackupSelections(byType: ResourcesByType, notEstimated: string[]): { clusters: number; fileSystems: number } {
  const clusterIds = resourcesOf(byType, 'AWS::RDS::DBCluster').map(([id]) => id);
  const fileSystemIds = resourcesOf(byType, 'AWS::EFS::FileSystem').map(([id]) => id);
  const protectedClusters = new Set<string>();
  const protectedFileSystems = new Set<string>();
  for (const [id, resource] of resourcesOf(byType, 'AWS::Backup::BackupSelection')) {
    const selection = props(resource).BackupSelection ?? {};
    const resources: unknown[] = Array.isArray(selection.Resources) ? selection.Resources : [];
    for (const arn of resources) {
      const cluster = clusterIds.find((clusterId) => references(arn, clusterId));
      const fileSystem = fileSystemIds.find((fileSystemId) => references(arn, fileSystemId));
      if (cluster) {
        protectedClusters.add(cluster);
      } else if (fileSystem) {
        protectedFileSystems.add(fileSystem);
      } else {
        notEstimated.push(`backups of a resource that ${id} selects outside this template`);
      }
    }
    if (selection.ListOfTags !== undefined || selection.Conditions !== undefined) {
      notEstimated.push(`backups of resources that ${id} selects by tag or condition`);
    }
  }
  return { clusters: protectedClusters.size, fileSystems: protectedFileSystems.size };
}

function readContainerInsights(byType: ResourcesByType, notEstimated: string[]): void {
  for (const [id, resource] of resourcesOf(byType, 'AWS::ECS::Cluster')) {
    const settings: Array<Record<string, unknown>> = Array.isArray(props(resource).ClusterSettings) ? props(resource).ClusterSettings : [];
    const insights = settings.find((setting) => setting.Name === 'containerInsights');
    if (insights && insights.Value !== 'disabled') {
      notEstimated.push(`Container Insights (${insights.Value}) of ${id}: its metrics are billed as custom metrics and its performance events as log ingestion`);
    }
  }
}
