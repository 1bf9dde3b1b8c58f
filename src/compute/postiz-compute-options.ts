import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FargateCapacityOptions } from './postiz-service';
import { TemporalOptions } from './temporal-options';

/**
 * Settings of one Postiz tier (web or worker).
 */
export interface PostizTierOptions {
  /**
   * Image of the tier, for a fork with separate frontend, backend and worker images.
   *
   * @default - the platform's `image`
   */
  readonly image?: ecs.ContainerImage;

  /**
   * Command of the tier's container.
   *
   * @default - web: wait for Temporal, then nginx and the backend and frontend under pm2;
   * worker: wait for Temporal, then the orchestrator
   */
  readonly command?: string[];

  /**
   * Extra plain environment variables of the tier; they override the platform's. Credentials
   * are rejected here: pass them in `secrets`.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Extra secrets of the tier, as environment variable name to ECS secret.
   *
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;

  /**
   * CPU units of a task (1024 is one vCPU).
   *
   * @default - web 1024, worker 1024 in production and 512 in development
   */
  readonly cpu?: number;

  /**
   * Memory of a task, in MiB.
   *
   * @default - web 3072 in production and 2048 in development, worker 2048 and 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * Minimum number of running tasks.
   *
   * @default - web 2 and worker 1 in production, 1 each in development
   */
  readonly minTasks?: number;

  /**
   * Maximum number of running tasks.
   *
   * @default - web 6 and worker 4 in production, 2 and 1 in development
   */
  readonly maxTasks?: number;

  /**
   * Split of tasks between on-demand Fargate and Fargate Spot.
   *
   * @default - production: `minTasks` on demand, every task above on Spot; development: all on Spot
   */
  readonly capacity?: FargateCapacityOptions;

  /**
   * Average CPU utilization, in percent, that scaling keeps the tier at.
   *
   * @default 70
   */
  readonly cpuTargetUtilization?: number;
}

/**
 * Options of the compute tier that `PostizPlatform` passes through.
 */
export interface PostizComputeOptions {
  /**
   * Image of every Postiz tier.
   *
   * @default - ghcr.io/gitroomhq/postiz-app:v2.23.0
   */
  readonly image?: ecs.ContainerImage;

  /**
   * Settings of the web tier (nginx on 5000, Next.js frontend, NestJS backend).
   *
   * @default - the profile's defaults
   */
  readonly web?: PostizTierOptions;

  /**
   * Settings of the worker tier (the Temporal orchestrator).
   *
   * @default - the profile's defaults
   */
  readonly worker?: PostizTierOptions;

  /**
   * Image of the one-off schema update task: the image that contains the Prisma schema
   * of the release. Required when `web.image` or `worker.image` is set without `image`,
   * so a fork never pushes the upstream schema over its own.
   *
   * @default - the platform's `image`
   */
  readonly schemaUpdateImage?: ecs.ContainerImage;

  /**
   * Command of the one-off schema update task that runs before new tasks start.
   *
   * @default ['sh', '-c', 'pnpm run prisma-db-push'] (Postiz's own `prisma db push --accept-data-loss`)
   */
  readonly schemaUpdateCommand?: string[];

  /**
   * Plain environment variables of every tier. Credentials are rejected here: pass them in
   * `secrets`.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Secrets of every tier, as environment variable name to ECS secret.
   *
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;

  /**
   * Temporal Cloud, or settings of the self-hosted Temporal server.
   *
   * @default - a self-hosted Temporal server with the profile's defaults
   */
  readonly temporal?: TemporalOptions;

  /**
   * Whether only the first account may register with email and password. SSO users can
   * still register: restrict them at the identity provider.
   *
   * @default true
   */
  readonly disableRegistration?: boolean;

  /**
   * Whether the backend starts Postiz's hourly workflow that publishes posts missed in the
   * last three hours (`RUN_CRON`).
   *
   * @default true
   */
  readonly runCron?: boolean;

  /**
   * Whether ECS Exec can open a shell in the tasks. Sessions are logged and encrypted.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * CPU architecture of the tasks. The Postiz image is built for both.
   *
   * @default ecs.CpuArchitecture.ARM64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * How long container logs are kept.
   *
   * @default - one year in production, one month in development
   */
  readonly logRetention?: logs.RetentionDays;
}
