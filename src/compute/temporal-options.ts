import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Connection to a Temporal Cloud namespace with an API key.
 */
export interface TemporalCloudOptions {
  /**
   * Secret with the fields `address` (for example
   * `us-east-1.aws.api.temporal.io:7233`), `namespace` (`<namespace>.<account>`) and
   * `apiKey`. All three reach Postiz as ECS secrets, and Postiz connects with TLS.
   */
  readonly connectionSecret: secretsmanager.ISecret;
}

/**
 * Settings of the self-hosted Temporal server.
 */
export interface TemporalServerOptions {
  /**
   * Image of the Temporal server.
   *
   * @default - temporalio/server at the version this library pins
   */
  readonly image?: ecs.ContainerImage;

  /**
   * Image with `temporal-sql-tool` and the `temporal` CLI, for the schema and namespace
   * tasks. Its version must match the server's.
   *
   * @default - temporalio/admin-tools at the version this library pins
   */
  readonly adminToolsImage?: ecs.ContainerImage;

  /**
   * CPU units of a server task.
   *
   * @default - 1024 in production, 512 in development
   */
  readonly cpu?: number;

  /**
   * Memory of a server task, in MiB.
   *
   * @default - 2048 in production, 1024 in development
   */
  readonly memoryLimitMiB?: number;

  /**
   * Number of server tasks. Several tasks form one cluster through the database.
   *
   * @default - 2 in production, 1 in development
   */
  readonly desiredCount?: number;

  /**
   * How long Temporal keeps closed workflows of the Postiz namespace.
   *
   * @default Duration.days(7)
   */
  readonly retention?: Duration;
}

/**
 * Location of Temporal: a server this library runs on ECS (the default), or Temporal
 * Cloud.
 */
export interface TemporalOptions {
  /**
   * Temporal Cloud instead of a self-hosted server.
   *
   * @default - a self-hosted Temporal server on ECS
   */
  readonly cloud?: TemporalCloudOptions;

  /**
   * Settings of the self-hosted server; invalid together with `cloud`.
   *
   * @default - the profile's defaults
   */
  readonly server?: TemporalServerOptions;
}
