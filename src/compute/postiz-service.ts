import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeInlinePolicies } from '../common/nag';
import { PostizUploads } from '../data/postiz-uploads';

/**
 * Split of a tier's tasks between on-demand Fargate and Fargate Spot.
 */
export interface FargateCapacityOptions {
  /**
   * Number of tasks that always run on on-demand Fargate.
   */
  readonly onDemandBase: number;

  /**
   * Relative share of on-demand Fargate for tasks above the base.
   */
  readonly onDemandWeight: number;

  /**
   * Relative share of Fargate Spot for tasks above the base. Spot costs about 70% less
   * and can be reclaimed with a two-minute warning.
   */
  readonly spotWeight: number;
}

/**
 * Properties of a Postiz service. Internal: `PostizCompute` builds them.
 */
export interface PostizServiceProps {
  readonly cluster: ecs.ICluster;
  readonly tier: 'web' | 'worker';
  readonly image: ecs.ContainerImage;
  readonly command: string[];
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, ecs.Secret>;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly cpuArchitecture: ecs.CpuArchitecture;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly capacity: FargateCapacityOptions;
  readonly cpuTargetUtilization: number;
  readonly logGroup: logs.ILogGroup;
  readonly uploads: PostizUploads;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly enableExecuteCommand: boolean;
  readonly healthCheck: ecs.HealthCheck;

  /**
   * Container port that a load balancer reaches.
   *
   * @default - none: the tier serves no HTTP port (the worker tier)
   */
  readonly port?: number;
}

/**
 * A Fargate service running one tier of Postiz from the shared image, with the uploads
 * file system at `/uploads`, circuit-breaker rollback and CPU-based scaling.
 */
export class PostizService extends Construct implements ec2.IConnectable {
  /** The ECS service. */
  public readonly service: ecs.FargateService;

  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The Postiz container. */
  public readonly container: ecs.ContainerDefinition;

  /** Task count scaling of the service. */
  public readonly scaling: ecs.ScalableTaskCount;

  public readonly connections: ec2.Connections;

  /** Log group of the Postiz container. */
  public readonly logGroup: logs.ILogGroup;

  private readonly props: PostizServiceProps;

  constructor(scope: Construct, id: string, props: PostizServiceProps) {
    super(scope, id);
    this.props = props;
    this.logGroup = props.logGroup;

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      volumes: [{
        name: 'uploads',
        efsVolumeConfiguration: {
          fileSystemId: props.uploads.fileSystem.fileSystemId,
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: props.uploads.accessPoint.accessPointId, iam: 'ENABLED' },
        },
      }],
    });
    props.uploads.grantReadWrite(this.taskDefinition.taskRole);
    acknowledgeInlinePolicies(this.taskDefinition);

    this.container = this.taskDefinition.addContainer('postiz', {
      image: props.image,
      command: props.command,
      environment: props.environment,
      secrets: props.secrets,
      essential: true,
      logging: ecs.LogDriver.awsLogs({ logGroup: props.logGroup, streamPrefix: props.tier }),
      healthCheck: props.healthCheck,
      portMappings: props.port ? [{ containerPort: props.port, name: 'http' }] : [],
      // Postiz reads the environment once at start; ECS stops tasks with SIGTERM first.
      stopTimeout: Duration.seconds(30),
    });
    this.container.addMountPoints({ sourceVolume: 'uploads', containerPath: '/uploads', readOnly: false });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.minTasks,
      vpcSubnets: props.vpcSubnets,
      assignPublicIp: false,
      capacityProviderStrategies: capacityStrategy(props.capacity),
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: props.enableExecuteCommand,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      // Postiz needs up to about two minutes before it passes its health checks.
      healthCheckGracePeriod: props.port ? Duration.minutes(5) : undefined,
    });
    this.connections = this.service.connections;
    this.connections.allowTo(props.uploads, ec2.Port.tcp(2049), 'NFS to the uploads file system');

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.minTasks, maxCapacity: props.maxTasks });
    this.scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuTargetUtilization,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
  }

  /**
   * Registers the web tier in a load balancer target group on port 5000 with the
   * `/api/` health check, and scales it out when the average response time passes
   * the target.
   */
  public attachToTargetGroup(targetGroup: elbv2.ApplicationTargetGroup, responseTimeTarget: Duration): void {
    if (!this.props.port) {
      throw new Error(`The ${this.props.tier} tier serves no HTTP port and cannot join a load balancer.`);
    }
    targetGroup.addTarget(this.service.loadBalancerTarget({ containerName: 'postiz', containerPort: this.props.port }));
    this.scaling.scaleToTrackCustomMetric('ResponseTime', {
      metric: targetGroup.metrics.targetResponseTime({ period: Duration.minutes(1) }),
      targetValue: responseTimeTarget.toSeconds(),
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
  }
}

function capacityStrategy(capacity: FargateCapacityOptions): ecs.CapacityProviderStrategy[] {
  const strategy: ecs.CapacityProviderStrategy[] = [];
  if (capacity.onDemandBase > 0 || capacity.onDemandWeight > 0) {
    strategy.push({ capacityProvider: 'FARGATE', base: capacity.onDemandBase, weight: capacity.onDemandWeight });
  }
  if (capacity.spotWeight > 0) {
    strategy.push({ capacityProvider: 'FARGATE_SPOT', weight: capacity.spotWeight });
  }
  return strategy;
}
