import { Annotations, CfnOutput, Token, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { OidcEndpoints } from './oidc-endpoints';
import { skipCheckov } from '../common/checkov';
import { createTierKey } from '../common/encryption';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Settings of single sign-on through a generic OpenID Connect identity provider.
 */
export interface PostizOidcSsoOptions {
  /** Authorization, token and userinfo endpoints of the identity provider. */
  readonly endpoints: OidcEndpoints;

  /** Client id of Postiz at the identity provider. */
  readonly clientId: string;

  /**
   * Secret with the client secret in the field `clientSecretField`.
   *
   * @default - a new secret with a placeholder value, for the operator to replace with the client secret
   */
  readonly clientSecret?: secretsmanager.ISecret;

  /**
   * JSON field of `clientSecret` that contains the client secret.
   *
   * @default 'clientSecret'
   */
  readonly clientSecretField?: string;

  /**
   * Name of the login button (`NEXT_PUBLIC_POSTIZ_OAUTH_DISPLAY_NAME`).
   *
   * @default 'SSO'
   */
  readonly displayName?: string;

  /**
   * HTTPS URL of the login button's logo (`NEXT_PUBLIC_POSTIZ_OAUTH_LOGO_URL`).
   *
   * @default - Postiz's default logo
   */
  readonly logoUrl?: string;
}

/**
 * Properties of `PostizOidcSso`.
 */
export interface PostizOidcSsoProps extends PostizOidcSsoOptions {
  /** Host name Postiz is served at; the redirect URI is derived from it. */
  readonly domainName: string;

  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Key of the client secret created here.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Single sign-on for Postiz through a generic OpenID Connect identity provider (Postiz's
 * `POSTIZ_OAUTH_*` variables).
 *
 * Postiz uses the authorization-code flow with the client secret in the POST body, the
 * fixed scope `openid profile email`, and the redirect URI `https://<domain>/settings`.
 * Users who sign in through the identity provider are registered even when
 * `DISABLE_REGISTRATION` is true, so limit who may sign in at the identity provider.
 */
export class PostizOidcSso extends Construct {
  /** Redirect URI to register at the identity provider. */
  public readonly redirectUri: string;

  /** Plain variables for the web tier. */
  public readonly environment: Record<string, string>;

  /** Secrets for the web tier. */
  public readonly secrets: Record<string, ecs.Secret>;

  /** The secret with the client secret. */
  public readonly clientSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: PostizOidcSsoProps) {
    super(scope, id);
    const endpoints = props.endpoints;
    validateUrl('sso.endpoints.authorizationUrl', endpoints.authorizationUrl);
    validateUrl('sso.endpoints.tokenUrl', endpoints.tokenUrl);
    validateUrl('sso.endpoints.userInfoUrl', endpoints.userInfoUrl);
    if (props.logoUrl !== undefined) {
      validateUrl('sso.logoUrl', props.logoUrl);
    }
    if (!Token.isUnresolved(props.clientId) && !/^[\x21-\x7e]+$/.test(props.clientId)) {
      throw new Error(`sso.clientId '${props.clientId}' is invalid: it must be printable ASCII without spaces. Pass the client id from the identity provider.`);
    }
    const field = props.clientSecretField ?? 'clientSecret';

    if (props.clientSecret) {
      this.clientSecret = props.clientSecret;
    } else {
      const defaults = profileDefaults(props.profile);
      const key = props.encryptionKey ?? createTierKey(this, 'Key', 'cdk-postiz single sign-on client secret', defaults.retainedRemovalPolicy);
      const secret = new secretsmanager.Secret(this, 'ClientSecret', {
        description: 'cdk-postiz: OpenID Connect client secret of Postiz; replace the placeholder with the secret from the identity provider',
        encryptionKey: key,
        removalPolicy: defaults.retainedRemovalPolicy,
        // A random placeholder, so the template never contains the real client secret.
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: field, excludePunctuation: true },
      });
      const reason = 'The identity provider issues the client secret; the operator rotates it there and puts the new value here.';
      Validations.of(secret).acknowledge(
        { id: 'AwsSolutions-SMG4', reason },
        { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
      );
      skipCheckov(secret, 'CKV2_AWS_57', 'The identity provider issues the client secret; it is rotated there.');
      this.clientSecret = secret;
    }

    this.redirectUri = `https://${props.domainName}/settings`;
    this.environment = {
      // Tested for any non-empty value by the frontend.
      POSTIZ_GENERIC_OAUTH: 'true',
      POSTIZ_OAUTH_AUTH_URL: endpoints.authorizationUrl,
      POSTIZ_OAUTH_TOKEN_URL: endpoints.tokenUrl,
      POSTIZ_OAUTH_USERINFO_URL: endpoints.userInfoUrl,
      POSTIZ_OAUTH_CLIENT_ID: props.clientId,
      NEXT_PUBLIC_POSTIZ_OAUTH_DISPLAY_NAME: props.displayName ?? 'SSO',
      ...(props.logoUrl ? { NEXT_PUBLIC_POSTIZ_OAUTH_LOGO_URL: props.logoUrl } : {}),
    };
    this.secrets = {
      POSTIZ_OAUTH_CLIENT_SECRET: ecs.Secret.fromSecretsManager(this.clientSecret, field),
    };

    new CfnOutput(this, 'RedirectUri', {
      description: 'Redirect URI to register for Postiz at the OpenID Connect identity provider',
      value: this.redirectUri,
    });
    Annotations.of(this).addWarningV2('cdk-postiz:sso-registration',
      'Postiz registers every user who signs in through the identity provider, even with DISABLE_REGISTRATION; '
      + 'limit who may sign in to the Postiz client at the identity provider.');
  }
}

/**
 * Rejects URLs Postiz cannot use: not HTTPS, with a trailing slash, or malformed.
 */
function validateUrl(propName: string, url: string): void {
  if (Token.isUnresolved(url)) {
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${propName} '${url}' is not a URL. Pass an absolute HTTPS URL.`);
  }
  if (parsed.protocol !== 'https:') {
    throw new Error(`${propName} '${url}' is not HTTPS. Pass an https:// URL.`);
  }
  if (url.endsWith('/')) {
    throw new Error(`${propName} '${url}' ends with a slash, which Postiz keeps in its requests. Remove the trailing slash.`);
  }
}
