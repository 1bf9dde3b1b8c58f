import { CfnResource, Duration, Names, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct, IDependable } from 'constructs';
import { OneOffTask } from './one-off-task';
import { TemporalServerOptions } from './temporal-options';
import { acknowledgeInlinePolicies } from '../common/nag';
import { IPostizDatabase } from '../data/postiz-database';
import { DeploymentProfile } from '../profile';

/** Images of the self-hosted Temporal server; both carry the same PostgreSQL schema. */
const TEMPORAL_SERVER_IMAGE = 'temporalio/server:1.29.2';
const TEMPORAL_ADMIN_TOOLS_IMAGE = 'temporalio/admin-tools:1.29.1-tctl-1.18.4-cli-1.5.0';

/** Frontend gRPC port, which clients use. */
const FRONTEND_PORT = 7233;

/** Namespace that Postiz uses. */
const NAMESPACE = 'default';

/**
 * Dynamic configuration written before the server starts (the server reads it only from a
 * file). Visibility ID columns are VARCHAR(255), so longer IDs must be rejected up front.
 */
const DYNAMIC_CONFIG = 'limit.maxIDLength:\\n  - value: 255\\n    constraints: {}\\n';

/**
 * Properties of `TemporalServer`. Internal: `PostizCompute` builds them.
 */
export interface TemporalServerProps extends TemporalServerOptions {
  readonly cluster: ecs.Cluster;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly database: IPostizDatabase;
  readonly profile: DeploymentProfile;
  readonly logGroup: logs.ILogGroup;
  readonly cpuArchitecture: ecs.CpuArchitecture;
}

/**
 * A self-hosted Temporal server on ECS Fargate with persistence and SQL visibility in the
 * platform's PostgreSQL, reachable at `temporal.<private namespace>:7233` through Cloud Map.
 *
 * A one-off task sets up or upgrades both schemas before the server rolls out, and a
 * second one creates the `default` namespace once the server responds. The plain server
 * image adds no custom search attributes (unlike temporalio/auto-setup), so Postiz's two
 * Text attributes fit in the three that SQL visibility offers.
 */
export class TemporalServer extends Construct implements ec2.IConnectable {
  /** Address Postiz connects to (`host:port`). */
  public readonly address: string;

  /** Namespace Postiz uses. */
  public readonly namespace: string = NAMESPACE;

  /** Frontend port. */
  public readonly port: number = FRONTEND_PORT;

  /** The server's ECS service. */
  public readonly service: ecs.FargateService;

  /** Completes when the namespace exists; Postiz services depend on it. */
  public readonly ready: IDependable;

  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: TemporalServerProps) {
    super(scope, id);
    const production = props.profile === DeploymentProfile.PRODUCTION;
    const cpu = props.cpu ?? (production ? 1024 : 512);
    const memoryLimitMiB = props.memoryLimitMiB ?? (production ? 2048 : 1024);
    const desiredCount = props.desiredCount ?? (production ? 2 : 1);
    const retentionHours = (props.retention ?? Duration.days(7)).toHours();
    if (!Number.isInteger(desiredCount) || desiredCount < 1) {
      throw new Error(`temporal.server.desiredCount ${desiredCount} is invalid. Pass a whole number of 1 or more.`);
    }
    if (!Number.isInteger(retentionHours) || retentionHours < 24) {
      throw new Error(`temporal.server.retention of ${retentionHours} hours is invalid. Pass whole hours, at least one day.`);
    }
    const temporalSecret = props.database.temporalSecret!;
    const adminImage = props.adminToolsImage ?? ecs.ContainerImage.fromRegistry(TEMPORAL_ADMIN_TOOLS_IMAGE);
    const runtimePlatform = { cpuArchitecture: props.cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX };

    // A name unique to this construct, so two platforms can share a VPC.
    const namespaceName = `${Names.uniqueId(this).slice(-8).toLowerCase()}.postiz.internal`;
    const dnsNamespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: namespaceName,
      vpc: props.cluster.vpc,
      description: 'cdk-postiz: service discovery of the Temporal server',
    });
    this.address = `temporal.${namespaceName}:${FRONTEND_PORT}`;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'cdk-postiz Temporal server: frontend from Postiz, membership between servers',
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(FRONTEND_PORT) });
    // Servers of one cluster talk gRPC (7233-7235, 7239) and membership (6933-6935, 6939).
    for (const [from, to] of [[6933, 6935], [6939, 6939], [7233, 7235], [7239, 7239]]) {
      securityGroup.connections.allowInternally(ec2.Port.tcpRange(from, to), 'Temporal cluster traffic');
    }
    securityGroup.connections.allowTo(props.database, ec2.Port.tcp(props.database.port), 'PostgreSQL');

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', { cpu, memoryLimitMiB, runtimePlatform });
    taskDefinition.addContainer('temporal', {
      image: props.image ?? ecs.ContainerImage.fromRegistry(TEMPORAL_SERVER_IMAGE),
      entryPoint: ['/bin/bash', '-c'],
      command: [`printf '${DYNAMIC_CONFIG}' > /tmp/dynamicconfig.yaml && exec /etc/temporal/entrypoint.sh`],
      environment: {
        DB: 'postgres12',
        POSTGRES_SEEDS: props.database.hostname,
        DB_PORT: String(props.database.port),
        DBNAME: 'temporal',
        VISIBILITY_DBNAME: 'temporal_visibility',
        SQL_TLS_ENABLED: 'true',
        SQL_HOST_VERIFICATION: 'false',
        // Fixed when the cluster is first created; changing it later corrupts history.
        NUM_HISTORY_SHARDS: '4',
        SQL_MAX_CONNS: '10',
        SQL_VIS_MAX_CONNS: '5',
        LOG_LEVEL: 'warn',
        // Bind every interface so the health check reaches 127.0.0.1; the entrypoint
        // then broadcasts the task's own address to the other servers.
        BIND_ON_IP: '0.0.0.0',
        DYNAMIC_CONFIG_FILE_PATH: '/tmp/dynamicconfig.yaml',
        GOMEMLIMIT: `${Math.floor(memoryLimitMiB * 0.8)}MiB`,
      },
      secrets: {
        POSTGRES_USER: ecs.Secret.fromSecretsManager(temporalSecret, 'username'),
        POSTGRES_PWD: ecs.Secret.fromSecretsManager(temporalSecret, 'password'),
      },
      portMappings: [{ containerPort: FRONTEND_PORT, name: 'grpc' }],
      healthCheck: {
        command: ['CMD-SHELL', `temporal operator cluster health --address 127.0.0.1:${FRONTEND_PORT} | grep -q SERVING`],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(10),
        retries: 5,
        startPeriod: Duration.seconds(90),
      },
      logging: ecs.LogDriver.awsLogs({ logGroup: props.logGroup, streamPrefix: 'temporal' }),
    });

    // Schema setup and upgrade, before every rollout of the server.
    const schemaTask = new ecs.FargateTaskDefinition(this, 'SchemaTask', { cpu: 256, memoryLimitMiB: 512, runtimePlatform });
    schemaTask.addContainer('schema', {
      image: adminImage,
      entryPoint: ['/bin/bash', '-c'],
      command: [
        'set -e; for pair in temporal:temporal visibility:temporal_visibility; do '
        + 'schema=${pair%%:*}; database=${pair#*:}; '
        + 'temporal-sql-tool --db "$database" setup-schema -v 0.0; '
        + 'temporal-sql-tool --db "$database" update-schema --schema-name "postgresql/v12/$schema"; done',
      ],
      environment: {
        SQL_PLUGIN: 'postgres12',
        SQL_HOST: props.database.hostname,
        SQL_PORT: String(props.database.port),
        // The database forces TLS; its CA is not in public trust stores.
        SQL_TLS: 'true',
        SQL_TLS_DISABLE_HOST_VERIFICATION: 'true',
      },
      secrets: {
        SQL_USER: ecs.Secret.fromSecretsManager(temporalSecret, 'username'),
        SQL_PASSWORD: ecs.Secret.fromSecretsManager(temporalSecret, 'password'),
      },
      logging: ecs.LogDriver.awsLogs({ logGroup: props.logGroup, streamPrefix: 'temporal-schema' }),
    });
    const schemaSecurityGroup = new ec2.SecurityGroup(this, 'SchemaSecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'cdk-postiz Temporal schema task: PostgreSQL',
    });
    schemaSecurityGroup.connections.allowTo(props.database, ec2.Port.tcp(props.database.port), 'PostgreSQL');
    const schema = new OneOffTask(this, 'SchemaSetup', {
      cluster: props.cluster,
      taskDefinition: schemaTask,
      containerName: 'schema',
      logGroup: props.logGroup,
      logStreamPrefix: 'temporal-schema',
      vpcSubnets: props.vpcSubnets,
      securityGroups: [schemaSecurityGroup],
      description: 'Temporal schema setup (temporal-sql-tool)',
      timeout: Duration.minutes(10),
      // A new server revision (such as a new image) upgrades the schema first.
      trigger: taskDefinition.taskDefinitionArn,
    });
    if (props.database.ready) {
      schema.node.addDependency(props.database.ready);
    }

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition,
      desiredCount,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [securityGroup],
      assignPublicIp: false,
      // Scheduling must not stop with a Spot reclaim in production.
      capacityProviderStrategies: [{ capacityProvider: production ? 'FARGATE' : 'FARGATE_SPOT', weight: 1 }],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      cloudMapOptions: {
        name: 'temporal',
        cloudMapNamespace: dnsNamespace,
        dnsRecordType: servicediscovery.DnsRecordType.A,
        dnsTtl: Duration.seconds(10),
      },
    });
    // Only the service resource waits: its security group is referenced by database rules.
    (this.service.node.defaultChild as CfnResource).node.addDependency(schema);

    // The namespace, once the server responds.
    const namespaceTask = new ecs.FargateTaskDefinition(this, 'NamespaceTask', { cpu: 256, memoryLimitMiB: 512, runtimePlatform });
    namespaceTask.addContainer('namespace', {
      image: adminImage,
      entryPoint: ['/bin/bash', '-c'],
      command: [
        'set -e; until temporal operator cluster health; do sleep 3; done; '
        + `if temporal operator namespace describe ${NAMESPACE}; then `
        + `temporal operator namespace update --retention ${retentionHours}h ${NAMESPACE}; `
        + `else temporal operator namespace create --retention ${retentionHours}h ${NAMESPACE}; fi; `
        // Postiz adds its search attributes at boot; wait until the namespace is served.
        + `until temporal operator search-attribute list --namespace ${NAMESPACE}; do sleep 2; done`,
      ],
      environment: { TEMPORAL_ADDRESS: this.address },
      logging: ecs.LogDriver.awsLogs({ logGroup: props.logGroup, streamPrefix: 'temporal-namespace' }),
    });
    const namespaceSecurityGroup = new ec2.SecurityGroup(this, 'NamespaceSecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'cdk-postiz Temporal namespace task: Temporal frontend',
    });
    namespaceSecurityGroup.connections.allowTo(this, ec2.Port.tcp(FRONTEND_PORT), 'Temporal frontend');
    const namespace = new OneOffTask(this, 'NamespaceSetup', {
      cluster: props.cluster,
      taskDefinition: namespaceTask,
      containerName: 'namespace',
      logGroup: props.logGroup,
      logStreamPrefix: 'temporal-namespace',
      vpcSubnets: props.vpcSubnets,
      securityGroups: [namespaceSecurityGroup],
      description: `Temporal namespace ${NAMESPACE}`,
      timeout: Duration.minutes(10),
    });
    namespace.node.addDependency(this.service);
    this.ready = namespace;

    for (const definition of [schemaTask, taskDefinition, namespaceTask]) {
      Validations.of(definition).acknowledge({
        id: 'AwsSolutions-ECS2',
        reason: 'The plain environment holds only host names, ports and settings; the database user and password are ECS secrets.',
      });
      acknowledgeInlinePolicies(definition);
    }
  }
}
