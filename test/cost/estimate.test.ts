import { writeAssembly, writeSmallAssembly } from './fixture';
import { PROFILE_ASSUMPTIONS } from '../../src/cost/assumptions';
import { estimateAssembly, Estimate } from '../../src/cost/estimate';
import { REGION_PRICES } from '../../src/cost/price-table';
import { invocationsPerHourOf } from '../../src/cost/schedule';
import { splitCapacity } from '../../src/cost/template-model';

/** Usage that the hand-computed figures below assume. */
const OVERRIDES = { hoursPerMonth: 730, natGb: 10 };

function serviceTotal(estimate: Estimate, service: string): number {
  return estimate.services.find((total) => total.service === service)?.monthlyUsd ?? 0;
}

describe('estimate of a small known stack', () => {
  const estimate = estimateAssembly(writeSmallAssembly(), { profile: 'production', overrides: OVERRIDES });

  test('total matches the hand-computed value', () => {
    // NAT gateway:     1 gateway × 730 h × $0.045                              = $32.85
    // NAT processing:  10 GB × $0.045 (no log groups, so no log traffic)       =  $0.45
    // KMS:             1 key × $1.00                                           =  $1.00
    // Secrets Manager: 2 secrets × $0.40                                       =  $0.80
    // Fargate:         2 tasks × 730 h × (1 vCPU × $0.03238 + 2 GB × $0.00356)
    //                = 1,460 task-hours × $0.0395                              = $57.67
    // Total:           32.85 + 0.45 + 1.00 + 0.80 + 57.67                      = $92.77
    expect(estimate.monthlyUsd).toBeCloseTo(92.77, 2);
  });

  test('services match the hand-computed values', () => {
    expect(serviceTotal(estimate, 'NAT gateway')).toBeCloseTo(33.30, 2);
    expect(serviceTotal(estimate, 'KMS')).toBeCloseTo(1.00, 2);
    expect(serviceTotal(estimate, 'Secrets Manager')).toBeCloseTo(0.80, 2);
    expect(serviceTotal(estimate, 'Fargate')).toBeCloseTo(57.67, 2);
  });

  test('one stack with its region', () => {
    expect(estimate.stacks).toHaveLength(1);
    expect(estimate.stacks[0].stackName).toBe('Small');
    expect(estimate.stacks[0].region).toBe('us-east-1');
    expect(estimate.stacks[0].monthlyUsd).toBe(estimate.monthlyUsd);
  });

  test('fixed parts are marked as template', () => {
    const fargate = estimate.stacks[0].lineItems.filter((item) => item.service === 'Fargate');
    expect(fargate).toHaveLength(1);
    expect(fargate[0].basis).toBe('template');
    expect(fargate[0].quantity).toBe(1460);
  });

  test('usage parts are marked as assumption', () => {
    const processing = estimate.stacks[0].lineItems.find((item) => item.service === 'NAT gateway' && item.price.unit === 'GB processed');
    expect(processing?.basis).toBe('assumption');
    expect(processing?.quantity).toBe(10);
  });

  test('usage it cannot know is listed', () => {
    expect(estimate.notEstimated).toContain('KMS requests ($0.03 per 10,000)');
    expect(estimate.notEstimated).toContain('Secrets Manager API calls ($0.05 per 10,000)');
    expect(estimate.notEstimated.some((sentence) => sentence.startsWith('data transfer out to the internet through the NAT gateways'))).toBe(true);
    expect(estimate.notEstimated.some((sentence) => sentence.startsWith('Fargate tasks above the minimum count'))).toBe(true);
  });

  test('free types are counted, not reported', () => {
    expect(estimate.unpricedResourceTypes).toEqual({});
    // The ECS cluster, the IAM role and the task definition.
    expect(estimate.freeResources).toBe(3);
  });

  test('every line item names a pricing page', () => {
    for (const item of estimate.stacks[0].lineItems) {
      expect(item.price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
  });
});

describe('resource types', () => {
  test('unknown type is reported', () => {
    const directory = writeSmallAssembly((resources) => {
      resources.Queue = { Type: 'AWS::MQ::Broker', Properties: {} };
      resources.OtherQueue = { Type: 'AWS::MQ::Broker', Properties: {} };
    });
    const estimate = estimateAssembly(directory, { profile: 'production', overrides: OVERRIDES });
    expect(estimate.unpricedResourceTypes).toEqual({ 'AWS::MQ::Broker': 2 });
    // The unknown broker adds nothing to the known total.
    expect(estimate.monthlyUsd).toBeCloseTo(92.77, 2);
  });

  test('unpriced setting of a known type is reported', () => {
    const directory = writeSmallAssembly((resources) => {
      resources.Database = { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r6g.large', Engine: 'postgres' } };
    });
    const estimate = estimateAssembly(directory, { profile: 'production', overrides: OVERRIDES });
    expect(estimate.unpricedResourceTypes).toEqual({ 'AWS::RDS::DBInstance (db.r6g.large)': 1 });
  });

  test('usage-only type is listed as not estimated', () => {
    const directory = writeSmallAssembly((resources) => {
      resources.Queue = { Type: 'AWS::SQS::Queue', Properties: {} };
    });
    const estimate = estimateAssembly(directory, { profile: 'production', overrides: OVERRIDES });
    expect(estimate.unpricedResourceTypes).toEqual({});
    expect(estimate.notEstimated.some((sentence) => sentence.startsWith('SQS requests') && sentence.endsWith('1 AWS::SQS::Queue'))).toBe(true);
  });
});

describe('Fargate figure', () => {
  const onDemandArm = 57.67;

  test('Spot share lowers it', () => {
    const directory = writeSmallAssembly((resources) => {
      resources.Service.Properties!.CapacityProviderStrategy = [
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
      ];
    });
    const fargate = serviceTotal(estimateAssembly(directory, { profile: 'production', overrides: OVERRIDES }), 'Fargate');
    // One task on demand, one on Spot at 67% below: 730 × 0.0395 × (1 + 0.33) = $38.35.
    expect(fargate).toBeCloseTo(38.35, 2);
    expect(fargate).toBeLessThan(onDemandArm);
  });

  test('ARM64 lowers it against X86_64', () => {
    const directory = writeSmallAssembly((resources) => {
      resources.TaskDefinition.Properties!.RuntimePlatform = { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' };
    });
    const fargate = serviceTotal(estimateAssembly(directory, { profile: 'production', overrides: OVERRIDES }), 'Fargate');
    // 1,460 task-hours × (1 × $0.04048 + 2 × $0.004445) = 1,460 × $0.04937 = $72.08.
    expect(fargate).toBeCloseTo(72.08, 2);
    expect(onDemandArm).toBeLessThan(fargate);
  });

  test('scaling MinCapacity sets the task count', () => {
    const directory = writeSmallAssembly((resources) => {
      resources.Target = {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Properties: {
          MinCapacity: 3,
          MaxCapacity: 6,
          ScalableDimension: 'ecs:service:DesiredCount',
          ResourceId: { 'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Service', 'Name'] }]] },
        },
      };
    });
    const fargate = serviceTotal(estimateAssembly(directory, { profile: 'production', overrides: OVERRIDES }), 'Fargate');
    // 3 tasks × 730 h × $0.0395.
    expect(fargate).toBeCloseTo(86.51, 2);
  });

  test('savings list Graviton and Spot', () => {
    const directory = writeSmallAssembly((resources) => {
      resources.Service.Properties!.CapacityProviderStrategy = [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }];
    });
    const estimate = estimateAssembly(directory, { profile: 'production', overrides: OVERRIDES });
    const graviton = estimate.savings.find((saving) => saving.setting === 'Graviton (ARM64) Fargate tasks');
    const spot = estimate.savings.find((saving) => saving.setting === 'Fargate Spot share at the minimum task count');
    // X86_64 on Spot: 1,460 × $0.04937 × 0.33 = $23.79; ARM64 on Spot: 1,460 × $0.0395 × 0.33 = $19.03.
    expect(graviton?.savingUsd).toBeCloseTo(4.76, 2);
    // On demand: $57.67, on Spot: $19.03.
    expect(spot?.savingUsd).toBeCloseTo(38.64, 2);
  });
});

describe('capacity split', () => {
  test('base first, then the weights', () => {
    const split = splitCapacity(6, [
      { provider: 'FARGATE', base: 2, weight: 0 },
      { provider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    expect(split.onDemandTasks).toBe(2);
    expect(split.spotTasks).toBe(4);
  });

  test('weights split fractionally', () => {
    const split = splitCapacity(4, [
      { provider: 'FARGATE', base: 0, weight: 1 },
      { provider: 'FARGATE_SPOT', base: 0, weight: 3 },
    ]);
    expect(split.onDemandTasks).toBe(1);
    expect(split.spotTasks).toBe(3);
  });

  test('base larger than the count', () => {
    const split = splitCapacity(1, [
      { provider: 'FARGATE', base: 2, weight: 0 },
      { provider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    expect(split.onDemandTasks).toBe(1);
    expect(split.spotTasks).toBe(0);
  });
});

describe('schedule expressions', () => {
  test.each([
    ['rate(5 minutes)', 12],
    ['rate(1 hour)', 1],
    ['rate(2 days)', 1 / 48],
    ['cron(0 3 * * ? *)', 1 / 24],
    ['cron(30 * * * ? *)', 1],
    ['cron(0/15 * * * ? *)', 4],
    ['cron(0 9 ? * MON-FRI *)', 5 / 7 / 24],
  ])('%s fires %d times an hour', (expression, perHour) => {
    expect(invocationsPerHourOf(expression)).toBeCloseTo(perHour, 6);
  });

  test('unreadable expression', () => {
    expect(invocationsPerHourOf('cron(0 9 L * ? *)')).toBeUndefined();
    expect(invocationsPerHourOf('every day')).toBeUndefined();
  });
});

/** Resources that `PostizPlatform` sets differently per profile. */
function profileResources(development: boolean): Record<string, { Type: string; Properties: Record<string, unknown> }> {
  const resources: Record<string, { Type: string; Properties: Record<string, unknown> }> = {
    Cluster: {
      Type: 'AWS::RDS::DBCluster',
      Properties: {
        DeletionProtection: !development,
        ServerlessV2ScalingConfiguration: { MinCapacity: development ? 0 : 1, MaxCapacity: development ? 4 : 16 },
      },
    },
    Writer: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: 'db.serverless' } },
  };
  const natGateways = development ? 1 : 3;
  for (let i = 0; i < natGateways; i++) {
    resources[`Nat${i}`] = { Type: 'AWS::EC2::NatGateway', Properties: {} };
  }
  if (!development) {
    resources.LogsEndpoint = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: { VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.logs', SubnetIds: ['a', 'b', 'c'] },
    };
  }
  return resources;
}

describe('profiles', () => {
  const production = writeAssembly([{ name: 'Production', environment: 'aws://unknown-account/us-east-1', resources: profileResources(false) }]);
  const development = writeAssembly([{ name: 'Development', environment: 'aws://unknown-account/us-east-1', resources: profileResources(true) }]);

  test('production is detected', () => {
    const estimate = estimateAssembly(production);
    expect(estimate.profile.profile).toBe('production');
    expect(estimate.profile.detectedFrom).toEqual(['Aurora MinCapacity 1', '3 NAT gateways', '1 interface endpoint', 'Aurora deletion protection on']);
  });

  test('development is detected', () => {
    const estimate = estimateAssembly(development);
    expect(estimate.profile.profile).toBe('development');
    expect(estimate.profile.detectedFrom).toEqual(['Aurora MinCapacity 0', '1 NAT gateway', '0 interface endpoints', 'Aurora deletion protection off']);
  });

  test('option overrides detection', () => {
    const estimate = estimateAssembly(development, { profile: 'production' });
    expect(estimate.profile.profile).toBe('production');
    expect(estimate.profile.detectedFrom).toEqual(['--profile option']);
    expect(estimate.assumptions).toEqual(PROFILE_ASSUMPTIONS.production);
  });

  test('development defaults use less', () => {
    const { production: prod, development: dev } = PROFILE_ASSUMPTIONS;
    expect(dev.hoursPerMonth).toBe(prod.hoursPerMonth);
    expect(dev.auroraAverageAcu).toBeLessThan(prod.auroraAverageAcu);
    expect(dev.requestsMillions).toBeLessThan(prod.requestsMillions);
    expect(dev.transferGb).toBeLessThan(prod.transferGb);
    expect(dev.natGb).toBeLessThan(prod.natGb);
    expect(dev.storageGb).toBeLessThan(prod.storageGb);
    expect(dev.logGb).toBeLessThan(prod.logGb);
  });

  test('detected defaults apply', () => {
    expect(estimateAssembly(production).assumptions).toEqual(PROFILE_ASSUMPTIONS.production);
    expect(estimateAssembly(development).assumptions).toEqual(PROFILE_ASSUMPTIONS.development);
  });

  test('same template costs less with development usage', () => {
    const asProduction = estimateAssembly(production, { profile: 'production' });
    const asDevelopment = estimateAssembly(production, { profile: 'development' });
    expect(asDevelopment.monthlyUsd).toBeLessThan(asProduction.monthlyUsd);
  });

  test('overrides replace single defaults', () => {
    const estimate = estimateAssembly(development, { overrides: { natGb: 123 } });
    expect(estimate.assumptions.natGb).toBe(123);
    expect(estimate.assumptions.logGb).toBe(PROFILE_ASSUMPTIONS.development.logGb);
  });
});

describe('Aurora', () => {
  function auroraUsd(development: boolean, overrides: Record<string, number> = {}): number {
    const directory = writeAssembly([{ name: 'Data', environment: 'aws://unknown-account/us-east-1', resources: profileResources(development) }]);
    const estimate = estimateAssembly(directory, { profile: 'production', overrides: { storageGb: 0, ...overrides } });
    return serviceTotal(estimate, 'Aurora');
  }

  test('average ACU times hours', () => {
    // 1 instance × 730 h × 1.5 ACU × $0.12.
    expect(auroraUsd(false)).toBeCloseTo(131.40, 2);
  });

  test('average ACU is held to MinCapacity', () => {
    // MinCapacity 1 is above the assumed 0.5 ACU: 730 h × 1 ACU × $0.12.
    expect(auroraUsd(false, { auroraAverageAcu: 0.5 })).toBeCloseTo(87.60, 2);
  });

  test('auto-pause counts the active hours', () => {
    // MinCapacity 0: 200 h × 1.5 ACU × $0.12.
    expect(auroraUsd(true, { auroraActiveHours: 200 })).toBeCloseTo(36.00, 2);
  });

  test('active hours ignored without auto-pause', () => {
    expect(auroraUsd(false, { auroraActiveHours: 200 })).toBeCloseTo(131.40, 2);
  });
});

describe('regions', () => {
  test('eu-west-1 uses its own prices', () => {
    const directory = writeAssembly([{ name: 'Ireland', environment: 'aws://unknown-account/eu-west-1', resources: { Nat: { Type: 'AWS::EC2::NatGateway' } } }]);
    const estimate = estimateAssembly(directory, { profile: 'production', overrides: { natGb: 0 } });
    expect(estimate.monthlyUsd).toBeCloseTo(730 * REGION_PRICES['eu-west-1'].natGatewayHour.usd, 2);
  });

  test('usage is split across stacks', () => {
    const nat = { Type: 'AWS::EC2::NatGateway' };
    const directory = writeAssembly([
      { name: 'First', environment: 'aws://unknown-account/us-east-1', resources: { Nat: nat } },
      { name: 'Second', environment: 'aws://unknown-account/us-east-1', resources: { Nat: nat } },
    ]);
    const estimate = estimateAssembly(directory, { profile: 'production', overrides: { natGb: 100 } });
    // Each stack: 730 h × $0.045 + 50 GB × $0.045 = $35.10.
    expect(estimate.stacks.map((stack) => stack.monthlyUsd)).toEqual([35.10, 35.10]);
    expect(estimate.monthlyUsd).toBeCloseTo(70.20, 2);
  });
});
