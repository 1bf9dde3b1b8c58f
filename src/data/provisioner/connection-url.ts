import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceResponse, logRequest, physicalResourceId, requireStringProperty } from './custom-resource';
import { logEvent } from './log';
import { SecretsManagerApi, readSecretJson, requireSecretField, writeSecretJson } from './secrets';

const RESOURCE_TYPE = 'Custom::PostizConnectionUrl';

/** Secret field that receives the URL when `UrlField` is not set. */
export const DEFAULT_URL_FIELD = 'url';

/** Validated `ResourceProperties` of the connection URL resource. */
export interface ConnectionUrlProperties {
  readonly secretArn: string;
  /** Field of the secret JSON whose value goes into the URL, percent-encoded. */
  readonly passwordField: string;
  /** URL text before the password, such as `postgresql://postiz:`. */
  readonly urlPrefix: string;
  /** URL text after the password, such as `@host:5432/postiz?sslmode=no-verify`. */
  readonly urlSuffix: string;
  /** Field of the secret JSON that receives the URL. */
  readonly urlField: string;
}

/** A secret value with the URL field set, and whether it differs from the stored value. */
export interface ConnectionUrlUpdate {
  readonly secret: Record<string, unknown>;
  readonly changed: boolean;
}

/** Clients that `handleConnectionUrlEvent` uses; tests pass local ones. */
export interface ConnectionUrlDependencies {
  readonly secretsManager: SecretsManagerApi;
}

/**
 * Validates the `ResourceProperties` of the connection URL resource:
 * `{ SecretArn, PasswordField, UrlPrefix, UrlSuffix, UrlField?, Trigger? }`.
 * `Trigger` is not read; changing it only makes CloudFormation send an Update.
 */
export function parseConnectionUrlProperties(properties: Record<string, unknown>): ConnectionUrlProperties {
  const secretArn = requireStringProperty(properties, 'SecretArn', RESOURCE_TYPE);
  const passwordField = requireStringProperty(properties, 'PasswordField', RESOURCE_TYPE);
  const urlPrefix = requireStringProperty(properties, 'UrlPrefix', RESOURCE_TYPE);
  // The suffix may be empty, for example for a URL that ends with the password.
  const urlSuffix = properties.UrlSuffix ?? '';
  if (typeof urlSuffix !== 'string') {
    throw new Error(`${RESOURCE_TYPE}: property UrlSuffix must be a string.`);
  }
  const urlField = properties.UrlField === undefined || properties.UrlField === ''
    ? DEFAULT_URL_FIELD
    : requireStringProperty(properties, 'UrlField', RESOURCE_TYPE);
  if (urlField === passwordField) {
    throw new Error(
      `${RESOURCE_TYPE}: UrlField and PasswordField are both "${urlField}", so the URL would overwrite `
      + 'the password. Use another UrlField.',
    );
  }
  return { secretArn, passwordField, urlPrefix, urlSuffix, urlField };
}

/** Builds `prefix + percent-encoded password + suffix`. */
export function buildConnectionUrl(password: string, urlPrefix: string, urlSuffix: string): string {
  return `${urlPrefix}${encodeURIComponent(password)}${urlSuffix}`;
}

/**
 * Returns a copy of the secret value with the URL field set from its password field.
 * Every other field is kept. Throws when the password field is missing or empty.
 */
export function applyConnectionUrl(secret: Record<string, unknown>, properties: ConnectionUrlProperties): ConnectionUrlUpdate {
  const password = requireSecretField(secret, properties.passwordField, properties.secretArn);
  const url = buildConnectionUrl(password, properties.urlPrefix, properties.urlSuffix);
  return {
    secret: { ...secret, [properties.urlField]: url },
    changed: secret[properties.urlField] !== url,
  };
}

/**
 * Handles a CloudFormation event of the connection URL resource. Create and Update write the
 * URL into the secret when it differs from the stored one; Delete leaves the secret unchanged.
 */
export async function handleConnectionUrlEvent(
  event: CloudFormationCustomResourceEvent,
  dependencies: ConnectionUrlDependencies,
): Promise<CustomResourceResponse> {
  logRequest(RESOURCE_TYPE, event);
  if (event.RequestType === 'Delete') {
    logEvent('INFO', 'request.delete_skipped', {
      resourceType: RESOURCE_TYPE,
      reason: 'the secret belongs to its own resource, which decides its removal',
    });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }

  const properties = parseConnectionUrlProperties(event.ResourceProperties);
  const current = await readSecretJson(dependencies.secretsManager, properties.secretArn);
  const update = applyConnectionUrl(current, properties);
  if (update.changed) {
    await writeSecretJson(dependencies.secretsManager, properties.secretArn, update.secret);
  }
  logEvent('INFO', update.changed ? 'secret.url_written' : 'secret.url_unchanged', {
    resourceType: RESOURCE_TYPE,
    secretArn: properties.secretArn,
    urlField: properties.urlField,
  });

  return {
    PhysicalResourceId: physicalResourceId(event, `${properties.secretArn}/${properties.urlField}`),
    Data: { UrlField: properties.urlField },
  };
}
