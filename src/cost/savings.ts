import { UsageAssumptions } from './assumptions';
import { FargateServiceModel, StackModel } from './template-model';

/** The saving of one cost setting of the templates against an alternative, as the estimate prices both. */
export interface SavingEstimate {
  readonly setting: string;
  /** The setting as the templates have it. */
  readonly template: string;
  readonly alternative: string;
  readonly monthlyUsd: number;
  readonly alternativeMonthlyUsd: number;
  /** Alternative minus template: positive when the templates' setting costs less. */
  readonly savingUsd: number;
}

/** A setting and the variant of the models that replaces it. */
interface Lever {
  readonly setting: string;
  readonly template: string;
  readonly alternative: string;
  readonly variant: StackModel[];
  /** The models that the setting is priced in, when they differ from the templates' models. */
  readonly baseline?: StackModel[];
}

/** Two years, the default retention of an aws-logs `LogGroup`. */
const CDK_DEFAULT_LOG_RETENTION_DAYS = 731;

/**
 * Prices the alternative of each cost setting the templates contain: Graviton, the Fargate
 * Spot share, interface endpoints, Aurora auto-pause, the Valkey engine, log retention and the
 * CloudFront price class. `monthlyUsdOf` prices a list of models with the same assumptions as the estimate.
 */
export function computeSavings(
  models: readonly StackModel[],
  assumptions: UsageAssumptions,
  monthlyUsdOf: (variant: StackModel[]) => number,
): SavingEstimate[] {
  const monthlyUsd = monthlyUsdOf([...models]);
  const levers = [
    gravitonLever(models),
    spotLever(models),
    spotAtMaximumLever(models),
    endpointLever(models),
    autoPauseLever(models, assumptions),
    valkeyLever(models),
    logRetentionLever(models),
    priceClassLever(models),
  ].filter((lever): lever is Lever => lever !== undefined);
  return levers.map((lever) => {
    const baselineMonthlyUsd = lever.baseline ? monthlyUsdOf(lever.baseline) : monthlyUsd;
    const alternativeMonthlyUsd = monthlyUsdOf(lever.variant);
    return {
      setting: lever.setting,
      template: lever.template,
      alternative: lever.alternative,
      monthlyUsd: baselineMonthlyUsd,
      alternativeMonthlyUsd,
      savingUsd: Math.round((alternativeMonthlyUsd - baselineMonthlyUsd) * 100) / 100,
    };
  });
}

function gravitonLever(models: readonly StackModel[]): Lever | undefined {
  const services = models.flatMap((model) => model.fargateServices);
  const arm = services.filter((service) => service.architecture === 'ARM64').length;
  if (arm === 0) {
    return undefined;
  }
  return {
    setting: 'Graviton (ARM64) Fargate tasks',
    template: `ARM64 on ${arm} of ${services.length} services`,
    alternative: 'X86_64 on every service',
    variant: models.map((model) => ({
      ...model,
      fargateServices: model.fargateServices.map((service) => ({ ...service, architecture: 'X86_64' as const })),
    })),
  };
}

function servicesWithSpot(models: readonly StackModel[]): FargateServiceModel[] {
  return models.flatMap((model) => model.fargateServices)
    .filter((service) => service.strategy.some((item) => item.provider === 'FARGATE_SPOT' && item.weight > 0));
}

function describeStrategies(services: readonly FargateServiceModel[]): string {
  const strategies = services.map((service) => service.strategy
    .map((item) => `${item.provider}${item.base > 0 ? ` base ${item.base}` : ''} weight ${item.weight}`).join(' + '));
  return [...new Set(strategies)].join('; ');
}

function onDemandOnly(models: readonly StackModel[]): StackModel[] {
  return models.map((model) => ({
    ...model,
    fargateServices: model.fargateServices.map((service) => ({ ...service, strategy: [{ provider: 'FARGATE', base: 0, weight: 1 }] })),
  }));
}

function spotLever(models: readonly StackModel[]): Lever | undefined {
  const withSpot = servicesWithSpot(models);
  if (withSpot.length === 0) {
    return undefined;
  }
  const total = models.reduce((sum, model) => sum + model.fargateServices.length, 0);
  return {
    setting: 'Fargate Spot share at the minimum task count',
    template: `Spot in ${withSpot.length} of ${total} services, ${describeStrategies(withSpot)}`,
    alternative: 'every task on demand',
    variant: onDemandOnly(models),
  };
}

/** Prices the Spot share at the scaling maximum, where the tasks above an on-demand base run on Spot. */
function spotAtMaximumLever(models: readonly StackModel[]): Lever | undefined {
  const withSpot = servicesWithSpot(models);
  if (withSpot.length === 0 || withSpot.every((service) => service.maxTasks === service.tasks)) {
    return undefined;
  }
  const atMaximum = models.map((model) => ({
    ...model,
    fargateServices: model.fargateServices.map((service) => ({ ...service, tasks: service.maxTasks })),
  }));
  const counts = withSpot.map((service) => `${service.maxTasks} of ${service.id.replace(/[0-9A-F]{8}$/, '')}`).join(', ');
  return {
    setting: 'Fargate Spot share at the maximum task count',
    template: `the scaling maximum all month: ${counts}`,
    alternative: 'the same tasks on demand',
    variant: onDemandOnly(atMaximum),
    baseline: atMaximum,
  };
}

function endpointLever(models: readonly StackModel[]): Lever | undefined {
  const endpoints = models.reduce((total, model) => total + model.interfaceEndpoints.length, 0);
  if (endpoints === 0) {
    return undefined;
  }
  return {
    setting: 'Interface endpoints',
    template: `${endpoints} interface endpoints`,
    alternative: 'no interface endpoints, with their log traffic through the NAT gateways',
    variant: models.map((model) => ({ ...model, interfaceEndpoints: [] })),
  };
}

function autoPauseLever(models: readonly StackModel[], assumptions: UsageAssumptions): Lever | undefined {
  const pausing = models.flatMap((model) => model.auroraClusters).filter((cluster) => cluster.minAcu === 0);
  if (pausing.length === 0) {
    return undefined;
  }
  const activeHours = assumptions.auroraActiveHours ?? assumptions.hoursPerMonth;
  return {
    setting: 'Aurora auto-pause',
    template: `MinCapacity 0 on ${pausing.length} of ${models.flatMap((model) => model.auroraClusters).length} Aurora clusters, running ${activeHours} of ${assumptions.hoursPerMonth} h`,
    alternative: 'MinCapacity 0.5 without auto-pause, running every hour',
    variant: models.map((model) => ({
      ...model,
      auroraClusters: model.auroraClusters.map((cluster) => (cluster.minAcu === 0 ? { ...cluster, minAcu: 0.5 } : cluster)),
    })),
  };
}

function valkeyLever(models: readonly StackModel[]): Lever | undefined {
  const caches = models.flatMap((model) => model.caches);
  const valkey = caches.filter((cache) => cache.engine === 'valkey');
  if (valkey.length === 0) {
    return undefined;
  }
  return {
    setting: 'ElastiCache engine',
    template: `Valkey on ${valkey.length} of ${caches.length} caches`,
    alternative: 'Redis OSS on the same nodes',
    variant: models.map((model) => ({
      ...model,
      caches: model.caches.map((cache) => (cache.engine === 'valkey' ? { ...cache, engine: 'redis' } : cache)),
    })),
  };
}

function logRetentionLever(models: readonly StackModel[]): Lever | undefined {
  const groups = models.flatMap((model) => model.logGroups);
  const bounded = groups.filter((group) => group.retentionDays !== undefined && group.retentionDays < CDK_DEFAULT_LOG_RETENTION_DAYS);
  if (bounded.length === 0) {
    return undefined;
  }
  const retentions = [...new Set(bounded.map((group) => group.retentionDays))].sort((a, b) => a! - b!);
  return {
    setting: 'Log retention',
    template: `${retentions.join(', ')} days on ${bounded.length} of ${groups.length} log groups`,
    alternative: `${CDK_DEFAULT_LOG_RETENTION_DAYS} days, the default of an aws-logs LogGroup`,
    variant: models.map((model) => ({
      ...model,
      logGroups: model.logGroups.map((group) => (group.retentionDays !== undefined && group.retentionDays < CDK_DEFAULT_LOG_RETENTION_DAYS
        ? { ...group, retentionDays: CDK_DEFAULT_LOG_RETENTION_DAYS }
        : group)),
    })),
  };
}

function priceClassLever(models: readonly StackModel[]): Lever | undefined {
  const distributions = models.flatMap((model) => model.distributions);
  if (distributions.length === 0) {
    return undefined;
  }
  const allLimited = distributions.every((distribution) => distribution.priceClass === 'PriceClass_100');
  const alternativeClass = allLimited ? 'PriceClass_All' : 'PriceClass_100';
  return {
    setting: 'CloudFront price class',
    template: [...new Set(distributions.map((distribution) => distribution.priceClass))].join(', '),
    alternative: alternativeClass,
    variant: models.map((model) => ({
      ...model,
      distributions: model.distributions.map((distribution) => ({ ...distribution, priceClass: alternativeClass })),
    })),
  };
}
