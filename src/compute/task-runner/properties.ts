import { requireStringProperty } from '../../data/provisioner/custom-resource';

/** CloudFormation type of the one-off task resource, used as the prefix of its messages. */
export const RESOURCE_TYPE = 'Custom::PostizOneOffTask';

/** Task run time, in seconds, after which the task is stopped when `TimeoutSeconds` is not set. */
export const DEFAULT_TIMEOUT_SECONDS = 1200;

/**
 * Maximum `TimeoutSeconds`. The provider framework's `totalTimeout` is at most one hour
 * (aws-cdk-lib 2.257 `ProviderProps`), and a longer task timeout would never fire.
 */
export const MAX_TIMEOUT_SECONDS = 3600;

/** `assignPublicIp` value of the task's network configuration. */
export type AssignPublicIp = 'ENABLED' | 'DISABLED';

/** One entry of the `CapacityProviderStrategy` property, with numbers parsed. */
export interface CapacityProviderStrategyEntry {
  readonly capacityProvider: string;
  /** Relative share of tasks, 0 to 1000. */
  readonly weight?: number;
  /** Minimum number of tasks on this provider, 0 to 100000. */
  readonly base?: number;
}

/** Validated `ResourceProperties` of the one-off task resource. */
export interface OneOffTaskProperties {
  /** Cluster ARN or name. */
  readonly cluster: string;
  /** Task definition ARN. A new revision makes CloudFormation send an Update, which runs the task again. */
  readonly taskDefinition: string;
  /** Container whose exit code decides whether the task succeeded. */
  readonly containerName: string;
  readonly subnets: string[];
  readonly securityGroups: string[];
  readonly assignPublicIp: AssignPublicIp;
  /** Capacity providers to run on; when absent the task uses launch type FARGATE. */
  readonly capacityProviderStrategy?: CapacityProviderStrategyEntry[];
  readonly platformVersion?: string;
  /** Log group of the container's `awslogs` driver. */
  readonly logGroup: string;
  /** `awslogs-stream-prefix` of the container, whose stream is `prefix/container/taskId`. */
  readonly logStreamPrefix: string;
  /** Human-readable name of the work, such as "Postiz schema update (prisma db push)". */
  readonly description: string;
  readonly timeoutSeconds: number;
}

/**
 * Validates the `ResourceProperties` of the one-off task resource. CloudFormation passes every
 * scalar as a string, so numbers are parsed here. `Trigger` is not read, but changing it makes
 * CloudFormation send an Update, which runs the task again.
 */
export function parseOneOffTaskProperties(properties: Record<string, unknown>): OneOffTaskProperties {
  const capacityProviderStrategy = parseCapacityProviderStrategy(properties.CapacityProviderStrategy);
  const platformVersion = optionalString(properties, 'PlatformVersion');
  return {
    cluster: requireStringProperty(properties, 'Cluster', RESOURCE_TYPE),
    taskDefinition: requireStringProperty(properties, 'TaskDefinition', RESOURCE_TYPE),
    containerName: requireStringProperty(properties, 'ContainerName', RESOURCE_TYPE),
    subnets: requireStringList(properties, 'Subnets', 'subnet IDs'),
    securityGroups: requireStringList(properties, 'SecurityGroups', 'security group IDs'),
    assignPublicIp: parseAssignPublicIp(properties.AssignPublicIp),
    ...(capacityProviderStrategy ? { capacityProviderStrategy } : {}),
    ...(platformVersion ? { platformVersion } : {}),
    logGroup: requireStringProperty(properties, 'LogGroup', RESOURCE_TYPE),
    logStreamPrefix: requireStringProperty(properties, 'LogStreamPrefix', RESOURCE_TYPE),
    description: requireStringProperty(properties, 'Description', RESOURCE_TYPE),
    timeoutSeconds: parseTimeoutSeconds(properties.TimeoutSeconds),
  };
}

/** Parses `TimeoutSeconds`: a whole number of seconds from 1 to `MAX_TIMEOUT_SECONDS`, default `DEFAULT_TIMEOUT_SECONDS`. */
export function parseTimeoutSeconds(value: unknown): number {
  if (value === undefined || value === '') {
    return DEFAULT_TIMEOUT_SECONDS;
  }
  const seconds = parseWholeNumber(value);
  if (seconds === undefined || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new Error(
      `${RESOURCE_TYPE}: property TimeoutSeconds is ${JSON.stringify(value)}; `
      + `set it to a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}.`,
    );
  }
  return seconds;
}

function parseAssignPublicIp(value: unknown): AssignPublicIp {
  if (value === undefined || value === '') {
    return 'DISABLED';
  }
  if (value !== 'ENABLED' && value !== 'DISABLED') {
    throw new Error(`${RESOURCE_TYPE}: property AssignPublicIp is ${JSON.stringify(value)}; set it to ENABLED or DISABLED.`);
  }
  return value;
}

function parseCapacityProviderStrategy(value: unknown): CapacityProviderStrategyEntry[] | undefined {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    throw new Error(
      `${RESOURCE_TYPE}: property CapacityProviderStrategy must be a list of { CapacityProvider, Weight?, Base? }.`,
    );
  }
  return value.map((entry: unknown, index: number) => {
    const name = `CapacityProviderStrategy[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${RESOURCE_TYPE}: ${name} must be an object { CapacityProvider, Weight?, Base? }.`);
    }
    const fields = entry as Record<string, unknown>;
    const weight = optionalBoundedNumber(fields.Weight, `${name}.Weight`, 1000);
    const base = optionalBoundedNumber(fields.Base, `${name}.Base`, 100000);
    return {
      capacityProvider: requireStringProperty(fields, 'CapacityProvider', `${RESOURCE_TYPE} ${name}`),
      ...(weight === undefined ? {} : { weight }),
      ...(base === undefined ? {} : { base }),
    };
  });
}

function requireStringList(properties: Record<string, unknown>, name: string, itemKind: string): string[] {
  const value = properties[name];
  const valid = Array.isArray(value)
    && value.length > 0
    && value.every((item) => typeof item === 'string' && item.length > 0);
  if (!valid) {
    throw new Error(`${RESOURCE_TYPE}: property ${name} must be a non-empty list of ${itemKind}; the construct must set it.`);
  }
  return [...(value as string[])];
}

function optionalString(properties: Record<string, unknown>, name: string): string | undefined {
  const value = properties[name];
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new Error(`${RESOURCE_TYPE}: property ${name} must be a string.`);
  }
  return value;
}

function optionalBoundedNumber(value: unknown, name: string, max: number): number | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const parsed = parseWholeNumber(value);
  if (parsed === undefined || parsed > max) {
    throw new Error(`${RESOURCE_TYPE}: ${name} is ${JSON.stringify(value)}; set it to a whole number from 0 to ${max}.`);
  }
  return parsed;
}

/** Returns the non-negative integer in a number or a decimal string, or undefined for anything else. */
function parseWholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) {
    return Number(value.trim());
  }
  return undefined;
}
