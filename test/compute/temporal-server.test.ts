import { execFileSync, spawn, spawnSync } from 'child_process';
import * as net from 'net';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DeploymentProfile, OneOffTask, PostizPlatform } from '../../src';
import { DEFAULT_COMMANDS } from '../../src/compute/postiz-environment';
import { exampleZone, newStack } from '../support/stack';
import { containerOf, environmentOf } from '../support/task-definitions';

function synth(profile?: DeploymentProfile): Template {
  const stack = newStack();
  new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), profile });
  return Template.fromStack(stack);
}

describe('TemporalServer', () => {
  const template = synth();
  const server = containerOf(template, 'PostizComputeTemporalTaskDefinition');
  const schema = containerOf(template, 'PostizComputeTemporalSchemaTask');
  const namespace = containerOf(template, 'PostizComputeTemporalNamespaceTask');

  test('server uses the pinned plain server image', () => {
    expect(server.Image).toBe('temporalio/server:1.29.2');
    expect(schema.Image).toBe('temporalio/admin-tools:1.29.1-tctl-1.18.4-cli-1.5.0');
  });

  test('server keeps persistence and visibility in PostgreSQL over TLS', () => {
    const environment = environmentOf(server);
    expect(environment).toEqual(expect.objectContaining({
      DB: 'postgres12',
      DBNAME: 'temporal',
      VISIBILITY_DBNAME: 'temporal_visibility',
      SQL_TLS_ENABLED: 'true',
      SQL_HOST_VERIFICATION: 'false',
      NUM_HISTORY_SHARDS: '4',
      BIND_ON_IP: '0.0.0.0',
      DYNAMIC_CONFIG_FILE_PATH: '/tmp/dynamicconfig.yaml',
    }));
    expect(environment).not.toHaveProperty('ENABLE_ES');
    expect(environment).not.toHaveProperty('POSTGRES_PWD');
    expect(server.Secrets.map((secret: { Name: string }) => secret.Name).sort()).toEqual(['POSTGRES_PWD', 'POSTGRES_USER']);
  });

  test('server health check asks the frontend for SERVING', () => {
    expect(server.HealthCheck.Command).toEqual(['CMD-SHELL', 'temporal operator cluster health --address 127.0.0.1:7233 | grep -q SERVING']);
  });

  test('server is discoverable as temporal in a private namespace', () => {
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'temporal',
      DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
    });
    template.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 1);
  });

  test('production runs two servers on demand', () => {
    const [service] = Object.entries(template.findResources('AWS::ECS::Service')).filter(([id]) => id.startsWith('PostizComputeTemporal'));
    expect(service[1].Properties.DesiredCount).toBe(2);
  });

  test('development runs one server', () => {
    const development = synth(DeploymentProfile.DEVELOPMENT);
    const [service] = Object.entries(development.findResources('AWS::ECS::Service')).filter(([id]) => id.startsWith('PostizComputeTemporal'));
    expect(service[1].Properties.DesiredCount).toBe(1);
  });

  test('servers reach each other on the membership ports', () => {
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((rule) => rule.Properties.Description === 'Temporal cluster traffic')
      .map((rule) => `${rule.Properties.FromPort}-${rule.Properties.ToPort}`).sort();
    expect(rules).toEqual(['6933-6935', '6939-6939', '7233-7235', '7239-7239']);
  });

  test('schema task sets up both schemas with TLS and a secret password', () => {
    expect(schema.EntryPoint).toEqual(['/bin/bash', '-c']);
    expect(schema.Command[0]).toContain('temporal-sql-tool --db "$database" setup-schema -v 0.0');
    expect(schema.Command[0]).toContain('update-schema --schema-name "postgresql/v12/$schema"');
    expect(environmentOf(schema)).toEqual(expect.objectContaining({ SQL_PLUGIN: 'postgres12', SQL_TLS: 'true', SQL_TLS_DISABLE_HOST_VERIFICATION: 'true' }));
    expect(schema.Secrets.map((secret: { Name: string }) => secret.Name).sort()).toEqual(['SQL_PASSWORD', 'SQL_USER']);
  });

  test('namespace task creates default once the server answers', () => {
    expect(namespace.Command[0]).toMatch(/until temporal operator cluster health; do sleep 3; done/);
    expect(namespace.Command[0]).toMatch(/temporal operator namespace create --retention 168h default/);
    const [namespaceResource] = Object.entries(template.findResources('Custom::PostizOneOffTask')).filter(([id]) => id.includes('NamespaceSetup'));
    const [serviceId] = Object.keys(template.findResources('AWS::ECS::Service')).filter((id) => id.startsWith('PostizComputeTemporal'));
    expect(namespaceResource[1].DependsOn).toContain(serviceId);
  });

  test('a new server revision runs the schema setup again', () => {
    const [schemaSetup] = Object.values(template.findResources('Custom::PostizOneOffTask')).filter((resource) =>
      JSON.stringify(resource.Properties.TaskDefinition).includes('TemporalSchemaTask'));
    expect(schemaSetup.Properties.Trigger).toEqual({ Ref: expect.stringMatching(/^PostizComputeTemporalTaskDefinition/) });
  });

  test('server starts after its schema setup', () => {
    const [serviceResource] = Object.entries(template.findResources('AWS::ECS::Service')).filter(([id]) => id.startsWith('PostizComputeTemporal'));
    const [schemaSetup] = Object.keys(template.findResources('Custom::PostizOneOffTask')).filter((id) => id.includes('TemporalSchemaSetup'));
    expect(serviceResource[1].DependsOn).toContain(schemaSetup);
  });

  test('dynamic config command writes valid YAML', () => {
    const command = server.Command[0] as string;
    const printf = command.slice(0, command.indexOf(' > '));
    const output = execFileSync('bash', ['-c', printf]).toString();
    expect(output).toBe('limit.maxIDLength:\n  - value: 255\n    constraints: {}\n');
  });
});

describe('wait for Temporal', () => {
  const waitScript = (DEFAULT_COMMANDS.worker[2] as string).split(' && exec ')[0];

  test('returns once the address accepts connections', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const result = await new Promise<{ status: number | null; output: string }>((resolve) => {
        const child = spawn('sh', ['-c', waitScript], {
          env: { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}` },
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        child.on('exit', (status: number | null) => resolve({ status, output }));
      });
      expect(result.status).toBe(0);
    } finally {
      server.close();
    }
  });

  test('keeps waiting while nothing listens', () => {
    const result = spawnSync('sh', ['-c', waitScript], {
      env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:9' },
      timeout: 3000,
    });
    // Still waiting when the test stops it: it neither passed nor failed.
    expect(result.signal).toBe('SIGTERM');
    expect(result.stdout.toString()).toContain('Waiting for Temporal at 127.0.0.1:9');
  });
});

describe('OneOffTask', () => {
  test('rejects a timeout the provider would outlast', () => {
    const stack = newStack();
    const platform = new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack) });
    const definition = new ecs.FargateTaskDefinition(stack, 'Task');
    definition.addContainer('main', { image: ecs.ContainerImage.fromRegistry('busybox') });
    expect(() => new OneOffTask(stack, 'TooLong', {
      cluster: platform.compute.cluster,
      taskDefinition: definition,
      containerName: 'main',
      logGroup: new logs.LogGroup(stack, 'Logs'),
      logStreamPrefix: 'main',
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [],
      description: 'a long task',
      timeout: Duration.hours(1),
    })).toThrow(/timeout 1 hour of a long task is invalid. Pass 1 to 40 minutes/);
  });
});
