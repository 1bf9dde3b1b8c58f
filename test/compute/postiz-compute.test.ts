import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DeploymentProfile, PostizComputeOptions, PostizPlatform } from '../../src';
import { exampleZone, newStack } from '../support/stack';
import { containerOf, environmentOf, secretsOf } from '../support/task-definitions';

interface Synth {
  readonly stack: Stack;
  readonly platform: PostizPlatform;
  readonly template: Template;
}

function synth(compute: PostizComputeOptions = {}, profile?: DeploymentProfile, extend?: (platform: PostizPlatform, stack: Stack) => void): Synth {
  const stack = newStack();
  const platform = new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), profile, compute });
  extend?.(platform, stack);
  return { stack, platform, template: Template.fromStack(stack) };
}

const ORIGIN = 'https://social.example.com';

/** The environment Postiz v2.23.0 needs for one custom host, per tier. */
const ENVIRONMENT_CONTRACT: [string, string | RegExp | undefined, string | RegExp | undefined][] = [
  // variable, web value, worker value (undefined: must be absent)
  ['MAIN_URL', ORIGIN, ORIGIN],
  ['FRONTEND_URL', ORIGIN, ORIGIN],
  ['NEXT_PUBLIC_BACKEND_URL', `${ORIGIN}/api`, `${ORIGIN}/api`],
  ['BACKEND_INTERNAL_URL', 'http://localhost:3000', 'http://localhost:3000'],
  ['IS_GENERAL', 'true', 'true'],
  ['STORAGE_PROVIDER', 'local', 'local'],
  ['UPLOAD_DIRECTORY', '/uploads', '/uploads'],
  ['NEXT_PUBLIC_UPLOAD_DIRECTORY', '/uploads', '/uploads'],
  ['TEMPORAL_ADDRESS', /^temporal\.[a-z0-9]{8}\.postiz\.internal:7233$/, /^temporal\.[a-z0-9]{8}\.postiz\.internal:7233$/],
  ['TEMPORAL_NAMESPACE', 'default', 'default'],
  ['DISABLE_REGISTRATION', 'true', 'true'],
  ['RUN_CRON', 'true', undefined],
  ['WORKER_CONCURRENCY_DIVIDER', undefined, '4'],
  ['ORCHESTRATOR_PORT', undefined, '3002'],
  // Set only for Temporal Cloud; "false" is not needed because Postiz compares with 'true'.
  ['TEMPORAL_TLS', undefined, undefined],
  // nginx in the image hard-codes the backend port.
  ['PORT', undefined, undefined],
  // Tested for any non-empty value, so they must stay unset.
  ['POSTIZ_GENERIC_OAUTH', undefined, undefined],
  ['NOT_SECURED', undefined, undefined],
  ['DISABLE_IMAGE_COMPRESSION', undefined, undefined],
  // Any STRIPE_* variable turns billing on.
  ['STRIPE_PUBLISHABLE_KEY', undefined, undefined],
  ['STRIPE_SECRET_KEY', undefined, undefined],
  // Secrets are never plain variables.
  ['DATABASE_URL', undefined, undefined],
  ['REDIS_URL', undefined, undefined],
  ['JWT_SECRET', undefined, undefined],
];

describe('PostizCompute environment contract', () => {
  const { template } = synth();
  const web = environmentOf(containerOf(template, 'PostizComputeWebTaskDefinition'));
  const worker = environmentOf(containerOf(template, 'PostizComputeWorkerTaskDefinition'));

  test.each(ENVIRONMENT_CONTRACT)('%s', (name, webValue, workerValue) => {
    for (const [environment, expected] of [[web, webValue], [worker, workerValue]] as const) {
      if (expected === undefined) {
        expect(environment).not.toHaveProperty(name);
      } else if (expected instanceof RegExp) {
        expect(environment[name]).toMatch(expected);
      } else {
        expect(environment[name]).toBe(expected);
      }
    }
  });

  test('no URL ends with a slash', () => {
    for (const environment of [web, worker]) {
      for (const name of ['MAIN_URL', 'FRONTEND_URL', 'NEXT_PUBLIC_BACKEND_URL', 'BACKEND_INTERNAL_URL']) {
        expect(String(environment[name])).not.toMatch(/\/$/);
      }
    }
  });

  test('no flag is set to a false-looking value', () => {
    for (const environment of [web, worker]) {
      for (const flag of ['IS_GENERAL', 'POSTIZ_GENERIC_OAUTH', 'NOT_SECURED', 'RUN_CRON', 'DISABLE_IMAGE_COMPRESSION']) {
        expect(['false', '0', '']).not.toContain(environment[flag]);
      }
    }
  });
});

describe('PostizCompute secrets', () => {
  const { template } = synth();

  test.each(['PostizComputeWebTaskDefinition', 'PostizComputeWorkerTaskDefinition'])('%s gets every secret from Secrets Manager', (prefix) => {
    const secrets = secretsOf(containerOf(template, prefix));
    expect(Object.keys(secrets).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL']);
    expect(secrets.DATABASE_URL).toMatch(/PostizDataDatabasePostizOwner.*:url::/);
    expect(secrets.REDIS_URL).toMatch(/PostizDataCacheAuth.*:url::/);
    expect(secrets.JWT_SECRET).toMatch(/PostizAppSecretsJwtSecret.*:secret::/);
  });

  test('schema task gets only DATABASE_URL', () => {
    const schema = containerOf(template, 'PostizComputeSchemaTask');
    expect(Object.keys(secretsOf(schema))).toEqual(['DATABASE_URL']);
    expect(schema.Environment).toBeUndefined();
  });

  test('execution roles read only the secrets they inject', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('PostizComputeSchemaTaskExecutionRole'));
    expect(policies).toHaveLength(1);
    const secretStatements = policies[0][1].Properties.PolicyDocument.Statement
      .filter((statement: { Action: string | string[] }) => JSON.stringify(statement.Action).includes('secretsmanager'));
    expect(JSON.stringify(secretStatements)).toMatch(/PostizDataDatabasePostizOwner/);
    expect(JSON.stringify(secretStatements)).not.toMatch(/PostizDataCacheAuth|JwtSecret/);
  });

  test('JWT_SECRET is generated once and retained', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'secret', ExcludePunctuation: true, PasswordLength: 64 },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('PostizCompute tasks and services', () => {
  const { template } = synth();
  const web = containerOf(template, 'PostizComputeWebTaskDefinition');
  const worker = containerOf(template, 'PostizComputeWorkerTaskDefinition');

  test('web tier serves port 5000 and checks /api/', () => {
    expect(web.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 5000 })]);
    expect(web.HealthCheck.Command.join(' ')).toContain('http://localhost:5000/api/');
    expect(web.HealthCheck.StartPeriod).toBe(180);
  });

  test('worker tier checks the orchestrator health endpoint', () => {
    expect(worker.PortMappings).toBeUndefined();
    expect(worker.HealthCheck.Command.join(' ')).toContain('http://localhost:3002/health/status');
    expect(worker.HealthCheck.Timeout).toBe(15);
  });

  test('services never run prisma db push themselves', () => {
    for (const definition of [web, worker]) {
      expect(definition.Command.join(' ')).not.toMatch(/prisma|pm2-run|pnpm run pm2$/);
    }
    expect(containerOf(template, 'PostizComputeSchemaTask').Command).toEqual(['sh', '-c', 'pnpm run prisma-db-push']);
  });

  test('both tiers wait for Temporal before starting', () => {
    expect(web.Command[2]).toMatch(/^node -e ".*TEMPORAL_ADDRESS.*" && nginx && pnpm --filter .\/apps\/backend --filter .\/apps\/frontend run --parallel pm2 && pm2 logs$/);
    expect(worker.Command[2]).toMatch(/^node -e ".*TEMPORAL_ADDRESS.*" && exec pnpm run start:prod:orchestrator$/);
  });

  test('tasks run on ARM64 with the pinned image', () => {
    for (const prefix of ['PostizComputeWebTaskDefinition', 'PostizComputeWorkerTaskDefinition', 'PostizComputeSchemaTask']) {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Family: Match.stringLikeRegexp(prefix.replace('PostizCompute', '')),
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      });
    }
    expect(web.Image).toBe('ghcr.io/gitroomhq/postiz-app:v2.23.0');
    expect(worker.Image).toBe('ghcr.io/gitroomhq/postiz-app:v2.23.0');
  });

  test('uploads are mounted from EFS through the access point with IAM', () => {
    for (const definition of [web, worker]) {
      expect(definition.MountPoints).toEqual([{ ContainerPath: '/uploads', ReadOnly: false, SourceVolume: 'uploads' }]);
    }
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: [{
        Name: 'uploads',
        EFSVolumeConfiguration: Match.objectLike({
          TransitEncryption: 'ENABLED',
          AuthorizationConfig: { AccessPointId: Match.anyValue(), IAM: 'ENABLED' },
        }),
      }],
    });
  });

  test('logs go to encrypted groups kept a year', () => {
    for (const definition of [web, worker]) {
      expect(definition.LogConfiguration.LogDriver).toBe('awslogs');
    }
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup'))
      .filter(([id]) => /^PostizCompute(Web|Worker|Schema|Temporal)Logs/.test(id));
    expect(groups).toHaveLength(4);
    for (const [, group] of groups) {
      expect(group.Properties.RetentionInDays).toBe(365);
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PostizComputeKey/), 'Arn'] });
    }
  });

  test('deployments roll back on failure', () => {
    const services = Object.entries(template.findResources('AWS::ECS::Service')).filter(([id]) => /Web|Worker/.test(id));
    expect(services).toHaveLength(2);
    for (const [, service] of services) {
      expect(service.Properties.DeploymentConfiguration).toEqual(expect.objectContaining({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }));
      expect(service.Properties.EnableExecuteCommand).toBe(false);
    }
  });

  test('cluster has Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('services start after the schema update and Temporal', () => {
    const services = Object.entries(template.findResources('AWS::ECS::Service')).filter(([id]) => /Web|Worker/.test(id));
    const schemaUpdate = Object.keys(template.findResources('Custom::PostizOneOffTask')).find((id) => id.startsWith('PostizComputeSchemaUpdate'));
    const namespace = Object.keys(template.findResources('Custom::PostizOneOffTask')).find((id) => id.includes('NamespaceSetup'));
    const cacheUrl = Object.keys(template.findResources('Custom::PostizConnectionUrl')).find((id) => id.startsWith('PostizDataCacheUrl'));
    for (const [, service] of services) {
      expect(service.DependsOn).toEqual(expect.arrayContaining([schemaUpdate, namespace, cacheUrl]));
    }
  });

  test('schema update runs the schema task and waits for DATABASE_URL', () => {
    const updates = Object.entries(template.findResources('Custom::PostizOneOffTask'))
      .filter(([id]) => id.startsWith('PostizComputeSchemaUpdate'));
    expect(updates).toHaveLength(1);
    const [, update] = updates[0];
    expect(update.Properties).toEqual(expect.objectContaining({
      ContainerName: 'schema',
      LogStreamPrefix: 'schema',
      TimeoutSeconds: '900',
      TaskDefinition: { Ref: expect.stringMatching(/^PostizComputeSchemaTask/) },
    }));
    const databaseUrl = Object.keys(template.findResources('Custom::PostizConnectionUrl')).find((id) => id.startsWith('PostizDataDatabaseDatabaseUrl'));
    expect(update.DependsOn).toContain(databaseUrl);
  });
});

describe('PostizCompute capacity and scaling', () => {
  function strategies(template: Template): Record<string, unknown> {
    return Object.fromEntries(Object.entries(template.findResources('AWS::ECS::Service'))
      .map(([id, service]) => [id.replace(/Service[0-9A-F]{8}$/, ''), service.Properties.CapacityProviderStrategy]));
  }

  test('production runs the minimum on demand and the rest on Spot', () => {
    const result = strategies(synth().template);
    expect(result.PostizComputeWeb).toEqual([
      { CapacityProvider: 'FARGATE', Base: 2, Weight: 0 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
    ]);
    expect(result.PostizComputeWorker).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
    ]);
    expect(result.PostizComputeTemporal).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
  });

  test('development runs everything on Spot', () => {
    const result = strategies(synth({}, DeploymentProfile.DEVELOPMENT).template);
    expect(result.PostizComputeWeb).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(result.PostizComputeWorker).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(result.PostizComputeTemporal).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
  });

  test('task counts follow the profile', () => {
    const counts = (template: Template) => Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
      .map((target) => [target.Properties.MinCapacity, target.Properties.MaxCapacity]).sort();
    expect(counts(synth().template)).toEqual([[1, 4], [2, 6]]);
    expect(counts(synth({}, DeploymentProfile.DEVELOPMENT).template)).toEqual([[1, 1], [1, 2]]);
  });

  test('both tiers scale on CPU at 70%', () => {
    const { template } = synth();
    const cpuPolicies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .filter((policy) => policy.Properties.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType === 'ECSServiceAverageCPUUtilization');
    expect(cpuPolicies).toHaveLength(2);
    for (const policy of cpuPolicies) {
      expect(policy.Properties.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(70);
    }
  });

  test('web scales on response time above one second', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 1,
        CustomizedMetricSpecification: Match.objectLike({ MetricName: 'TargetResponseTime', Namespace: 'AWS/ApplicationELB' }),
      }),
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [{ ContainerName: 'postiz', ContainerPort: 5000, TargetGroupArn: { Ref: Match.stringLikeRegexp('^PostizEdgeLoadBalancerWebTargets') } }],
    });
  });

  test('WORKER_CONCURRENCY_DIVIDER follows worker.maxTasks', () => {
    const { template } = synth({ worker: { maxTasks: 3 } });
    expect(environmentOf(containerOf(template, 'PostizComputeWorkerTaskDefinition')).WORKER_CONCURRENCY_DIVIDER).toBe('3');
  });
});

describe('PostizCompute overrides', () => {
  test('user variables and secrets reach the tiers', () => {
    const { template } = synth({
      environment: { API_LIMIT: '120' },
      web: { environment: { NEXT_PUBLIC_POLOTNO: 'key-id' } },
    }, undefined);
    const web = environmentOf(containerOf(template, 'PostizComputeWebTaskDefinition'));
    const worker = environmentOf(containerOf(template, 'PostizComputeWorkerTaskDefinition'));
    expect(web.API_LIMIT).toBe('120');
    expect(worker.API_LIMIT).toBe('120');
    expect(web.NEXT_PUBLIC_POLOTNO).toBe('key-id');
    expect(worker.NEXT_PUBLIC_POLOTNO).toBeUndefined();
  });

  test('a fork can replace image and command per tier', () => {
    const { template } = synth({
      web: { image: ecs.ContainerImage.fromRegistry('example.org/postiz-web:1'), command: ['node', 'server.js'] },
      worker: { image: ecs.ContainerImage.fromRegistry('example.org/postiz-workers:1') },
      schemaUpdateImage: ecs.ContainerImage.fromRegistry('example.org/postiz-backend:1'),
    });
    expect(containerOf(template, 'PostizComputeSchemaTask').Image).toBe('example.org/postiz-backend:1');
    expect(containerOf(template, 'PostizComputeWebTaskDefinition').Image).toBe('example.org/postiz-web:1');
    expect(containerOf(template, 'PostizComputeWebTaskDefinition').Command).toEqual(['node', 'server.js']);
    expect(containerOf(template, 'PostizComputeWorkerTaskDefinition').Image).toBe('example.org/postiz-workers:1');
  });

  test('public URLs with token in the name are allowed', () => {
    const { template } = synth({ environment: { POSTIZ_OAUTH_TOKEN_URL: 'https://id.example.com/oauth/token' } });
    expect(environmentOf(containerOf(template, 'PostizComputeWebTaskDefinition')).POSTIZ_OAUTH_TOKEN_URL).toBe('https://id.example.com/oauth/token');
  });

  test('ECS Exec turns on with encrypted logging', () => {
    const { template } = synth({ enableExecuteCommand: true });
    template.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: { ExecuteCommandConfiguration: Match.objectLike({ Logging: 'DEFAULT', KmsKeyId: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: true });
  });

  test('Temporal Cloud replaces the self-hosted server', () => {
    const stack = newStack();
    const connectionSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'TemporalCloud', 'postiz/temporal-cloud');
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      compute: { temporal: { cloud: { connectionSecret } } },
    });
    const cloud = Template.fromStack(stack);
    cloud.resourceCountIs('AWS::ServiceDiscovery::Service', 0);
    for (const prefix of ['PostizComputeWebTaskDefinition', 'PostizComputeWorkerTaskDefinition']) {
      const definition = containerOf(cloud, prefix);
      expect(environmentOf(definition).TEMPORAL_TLS).toBe('true');
      expect(environmentOf(definition)).not.toHaveProperty('TEMPORAL_ADDRESS');
      expect(Object.keys(secretsOf(definition)).sort()).toEqual(
        ['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_API_KEY', 'TEMPORAL_NAMESPACE']);
      expect(secretsOf(definition).TEMPORAL_API_KEY).toMatch(/postiz\/temporal-cloud.*:apiKey::/);
    }
  });
});

describe('PostizCompute validation', () => {
  test.each<[string, PostizComputeOptions, RegExp]>([
    ['a credential as a variable', { environment: { X_API_SECRET: 'abc' } },
      /environment.X_API_SECRET looks like a credential.*ecs.Secret.fromSecretsManager/],
    ['DATABASE_URL as a variable', { web: { environment: { DATABASE_URL: 'postgresql://u:p@h/d' } } }, /web.environment.DATABASE_URL looks like a credential/],
    ['a false truthy flag', { environment: { NOT_SECURED: 'false' } },
      /environment.NOT_SECURED is 'false', but Postiz turns NOT_SECURED on for any non-empty value. Remove NOT_SECURED/],
    ['a trailing slash', { worker: { environment: { FRONTEND_URL: 'https://social.example.com/' } } },
      /worker.environment.FRONTEND_URL 'https:\/\/social.example.com\/' ends with a slash/],
    ['PORT', { environment: { PORT: '8080' } }, /environment.PORT is set, but the image's nginx expects the backend on port 3000/],
    ['a Stripe signing key', { environment: { STRIPE_SIGNING_KEY: 'whsec_1' } }, /environment.STRIPE_SIGNING_KEY looks like a credential/],
    ['a password in a URL', { worker: { environment: { SMTP_URL: 'smtp://user:secret@mail.example.com' } } },
      /worker.environment.SMTP_URL looks like a credential/],
    ['a fork image without a schema image', { web: { image: ecs.ContainerImage.fromRegistry('example.org/postiz-web:1') } },
      /web.image or worker.image is set, but neither image nor schemaUpdateImage is.*Set schemaUpdateImage/],
    ['min above max', { web: { minTasks: 3, maxTasks: 2 } }, /web.minTasks 3 and web.maxTasks 2 are invalid/],
    ['zero weights', { worker: { capacity: { onDemandBase: 1, onDemandWeight: 0, spotWeight: 0 } } },
      /worker.capacity \{ onDemandBase: 1, onDemandWeight: 0, spotWeight: 0 \} is invalid/],
    ['cloud with server', { temporal: { cloud: { connectionSecret: undefined as any }, server: { desiredCount: 1 } } },
      /temporal.cloud and temporal.server were both given/],
    ['zero Temporal servers', { temporal: { server: { desiredCount: 0 } } }, /temporal.server.desiredCount 0 is invalid/],
    ['short retention', { temporal: { server: { retention: Duration.hours(2) } } }, /temporal.server.retention of 2 hours is invalid/],
  ])('rejects %s', (_, options, message) => {
    expect(() => synth(options)).toThrow(message);
  });

  test('rejects a self-hosted Temporal without its database', () => {
    expect(() => {
      const stack = newStack();
      new PostizPlatform(stack, 'Postiz', {
        domainName: 'social.example.com',
        hostedZone: exampleZone(stack),
        data: { database: { temporalDatabases: false } },
      });
    }).toThrow(/The database has no temporalSecret, so a self-hosted Temporal server has no database/);
  });
});
