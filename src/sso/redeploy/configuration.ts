/** ECS service that the handler redeploys, as listed in the `SERVICES` environment variable. */
export interface ServiceReference {
  /** Cluster ARN or name. */
  readonly cluster: string;
  /** Service name or ARN. */
  readonly service: string;
}

/**
 * Secret whose changes the handler acts on, as listed in the `SECRETS` environment variable.
 * Exactly one of the two fields is set.
 */
export interface SecretReference {
  /** Complete ARN, including the six random characters that Secrets Manager appends to the name. */
  readonly arn?: string;
  /** ARN up to and including the hyphen before the random suffix, for secrets known only by name. */
  readonly arnPrefix?: string;
}

/** Random suffix of six letters or digits that Secrets Manager appends to a secret name in its ARN. */
const SECRET_SUFFIX = /^[A-Za-z0-9]{6}$/;

/**
 * Parses the `SERVICES` environment variable: a JSON array of `{ "cluster": ..., "service": ... }`.
 * Throws when it is missing, empty or malformed, naming the variable and the expected form.
 */
export function parseServiceList(value: string | undefined): ServiceReference[] {
  const entries = parseJsonArray('SERVICES', value, '[{"cluster":"<cluster ARN>","service":"<service name>"}]');
  return entries.map((entry, index) => {
    const cluster = stringField(entry, 'cluster');
    const service = stringField(entry, 'service');
    if (!cluster || !service) {
      throw new Error(
        `Environment variable SERVICES entry ${index} is ${JSON.stringify(entry)}; each entry needs non-empty `
        + 'string fields "cluster" and "service". Redeploy the stack to restore the generated value.',
      );
    }
    return { cluster, service };
  });
}

/**
 * Parses the `SECRETS` environment variable: a JSON array of `{ "arn": ... }` or `{ "arnPrefix": ... }`.
 * Throws when it is missing, empty or malformed, naming the variable and the expected form.
 */
export function parseSecretList(value: string | undefined): SecretReference[] {
  const entries = parseJsonArray('SECRETS', value, '[{"arn":"<secret ARN>"}] or [{"arnPrefix":"<ARN without suffix>-"}]');
  return entries.map((entry, index) => {
    const arn = stringField(entry, 'arn');
    const arnPrefix = stringField(entry, 'arnPrefix');
    if (Boolean(arn) === Boolean(arnPrefix)) {
      throw new Error(
        `Environment variable SECRETS entry ${index} is ${JSON.stringify(entry)}; each entry needs exactly one `
        + 'non-empty string field, "arn" or "arnPrefix". Redeploy the stack to restore the generated value.',
      );
    }
    return arn ? { arn } : { arnPrefix };
  });
}

/**
 * Returns the first event resource that names one of the configured secrets, or undefined.
 * A prefix matches only when exactly the six-character random suffix follows it, so the
 * prefix of secret `postiz` does not match secret `postiz-old`.
 */
export function findConfiguredSecret(resources: readonly string[], secrets: readonly SecretReference[]): string | undefined {
  return resources.find((resource) => secrets.some((secret) => matchesSecret(resource, secret)));
}

function matchesSecret(resource: string, secret: SecretReference): boolean {
  if (secret.arn !== undefined) {
    return resource === secret.arn;
  }
  const prefix = secret.arnPrefix ?? '';
  return resource.startsWith(prefix) && SECRET_SUFFIX.test(resource.slice(prefix.length));
}

function parseJsonArray(name: string, value: string | undefined, example: string): unknown[] {
  if (value === undefined || value.trim() === '') {
    throw new Error(`Environment variable ${name} is missing; set it to a JSON array such as ${example}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new Error(`Environment variable ${name} is not valid JSON (${(error as Error).message}); set it to a JSON array such as ${example}.`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`Environment variable ${name} is ${JSON.stringify(parsed)}; set it to a non-empty JSON array such as ${example}.`);
  }
  return parsed;
}

function stringField(entry: unknown, field: string): string | undefined {
  if (typeof entry !== 'object' || entry === null) {
    return undefined;
  }
  const value = (entry as Record<string, unknown>)[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
