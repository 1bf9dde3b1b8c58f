import { SecretValue, Token, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { plainVariableNames, socialProviderSpec, SocialProviderSpec } from './social-providers';
import { skipCheckov } from '../common/checkov';
import { createTierKey } from '../common/encryption';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * A third-party service that Postiz v2.23.0 reads credentials for from its environment.
 *
 * Each value is the identifier Postiz gives the provider, which is also the last part of
 * its OAuth callback path. Bluesky, Lemmy, Nostr, WordPress, Medium, Dev.to, Hashnode,
 * Listmonk (as a posting channel), Moltbook and Skool are missing because users enter
 * their credentials in the Postiz UI and the server needs no settings.
 */
export enum SocialProvider {
  /** X (Twitter): `X_API_KEY` and `X_API_SECRET` are secrets. */
  X = 'x',
  /** LinkedIn profiles: plain `LINKEDIN_CLIENT_ID`, secret `LINKEDIN_CLIENT_SECRET`. */
  LINKEDIN = 'linkedin',
  /** LinkedIn pages, which use the same LinkedIn app variables as `LINKEDIN`. */
  LINKEDIN_PAGE = 'linkedin-page',
  /** Facebook pages: plain `FACEBOOK_APP_ID`, secret `FACEBOOK_APP_SECRET`. */
  FACEBOOK = 'facebook',
  /** Instagram business accounts through Facebook, with the same variables as `FACEBOOK`. */
  INSTAGRAM = 'instagram',
  /** Instagram with Instagram login: plain `INSTAGRAM_APP_ID`, secret `INSTAGRAM_APP_SECRET`. */
  INSTAGRAM_STANDALONE = 'instagram-standalone',
  /** Threads: plain `THREADS_APP_ID`, secret `THREADS_APP_SECRET`. */
  THREADS = 'threads',
  /** YouTube: plain `YOUTUBE_CLIENT_ID`, secret `YOUTUBE_CLIENT_SECRET`. */
  YOUTUBE = 'youtube',
  /** Google Business Profile: plain `GOOGLE_GMB_CLIENT_ID`, secret `GOOGLE_GMB_CLIENT_SECRET`. */
  GOOGLE_BUSINESS_PROFILE = 'gmb',
  /** TikTok: plain `TIKTOK_CLIENT_ID`, secret `TIKTOK_CLIENT_SECRET`. */
  TIKTOK = 'tiktok',
  /** Pinterest: plain `PINTEREST_CLIENT_ID`, secret `PINTEREST_CLIENT_SECRET`. */
  PINTEREST = 'pinterest',
  /**
   * Dribbble: plain `DRIBBBLE_CLIENT_ID`, secret `DRIBBBLE_CLIENT_SECRET`. Postiz v2.23.0
   * refreshes Dribbble tokens with the Pinterest variables, so configure `PINTEREST` too.
   */
  DRIBBBLE = 'dribbble',
  /** Reddit: plain `REDDIT_CLIENT_ID`, secret `REDDIT_CLIENT_SECRET`. */
  REDDIT = 'reddit',
  /** Discord: plain `DISCORD_CLIENT_ID`, secrets `DISCORD_CLIENT_SECRET` and `DISCORD_BOT_TOKEN_ID`. */
  DISCORD = 'discord',
  /** Slack: plain `SLACK_ID`, secret `SLACK_SECRET`. */
  SLACK = 'slack',
  /** Mastodon: plain `MASTODON_CLIENT_ID` and optional `MASTODON_URL`, secret `MASTODON_CLIENT_SECRET`. */
  MASTODON = 'mastodon',
  /** Telegram: plain `TELEGRAM_BOT_NAME`, secret `TELEGRAM_TOKEN`. */
  TELEGRAM = 'telegram',
  /** Farcaster through Neynar: plain `NEYNAR_CLIENT_ID` and optional `NEYNAR_LOGIN_URL`, secret `NEYNAR_SECRET_KEY`. */
  FARCASTER = 'wrapcast',
  /** Tumblr: plain `TUMBLR_CLIENT_ID`, secret `TUMBLR_CLIENT_SECRET`. */
  TUMBLR = 'tumblr',
  /** Kick: plain `KICK_CLIENT_ID`, secret `KICK_SECRET`. */
  KICK = 'kick',
  /** Twitch: plain `TWITCH_CLIENT_ID`, secret `TWITCH_CLIENT_SECRET`. */
  TWITCH = 'twitch',
  /** VK: plain `VK_ID` only, because VK ID uses PKCE. */
  VK = 'vk',
  /** Whop: plain `WHOP_CLIENT_ID` only, because Whop uses PKCE. */
  WHOP = 'whop',
  /** MeWe: plain `MEWE_APP_ID` and optional `MEWE_HOST`, secret `MEWE_API_KEY`. */
  MEWE = 'mewe',
  /** Sign-in with GitHub (not a posting channel): plain `GITHUB_CLIENT_ID`, secret `GITHUB_CLIENT_SECRET`. */
  GITHUB = 'github',
  /** Beehiiv newsletter that new users are subscribed to: plain `BEEHIIVE_PUBLICATION_ID`, secret `BEEHIIVE_API_KEY`. */
  BEEHIIV = 'beehiiv',
  /**
   * Listmonk newsletter that new users are subscribed to: plain `LISTMONK_DOMAIN`,
   * `LISTMONK_USER`, optional `LISTMONK_LIST_ID` and `LISTMONK_WELCOME_TEMPLATE_ID`,
   * secret `LISTMONK_API_KEY`. Postiz uses it only when Beehiiv is not configured.
   */
  LISTMONK_NEWSLETTER = 'listmonk-newsletter',
}

/**
 * Settings of one social provider.
 */
export interface SocialProviderSettings {
  /** The provider. */
  readonly provider: SocialProvider;

  /**
   * Existing secret with one JSON field per secret variable of the provider, named
   * exactly like the variable (for example `X_API_KEY` and `X_API_SECRET`).
   *
   * @default - a new secret whose fields are empty strings, for the operator to fill;
   * none when the provider has no secret variables
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * Plain variables of the provider, such as client ids and instance URLs, keyed by the
   * Postiz variable name (for example `{ LINKEDIN_CLIENT_ID: '86abc' }`).
   *
   * @default - no plain values, which only providers without required plain variables accept
   */
  readonly values?: Record<string, string>;
}

/**
 * The service Postiz sends e-mail through.
 */
export enum EmailProvider {
  /** Resend's API, with the API key in `RESEND_API_KEY`. */
  RESEND = 'resend',
  /** Any SMTP server, through Postiz's nodemailer provider. */
  SMTP = 'nodemailer',
}

/**
 * E-mail settings of Postiz (activation, password reset and notification e-mails).
 */
export interface EmailSettings {
  /** The service Postiz sends e-mail through. */
  readonly provider: EmailProvider;

  /** Sender address (`EMAIL_FROM_ADDRESS`). */
  readonly fromAddress: string;

  /** Sender name (`EMAIL_FROM_NAME`). */
  readonly fromName: string;

  /**
   * SMTP host name (`EMAIL_HOST`). Required with `EmailProvider.SMTP`.
   *
   * @default - none
   */
  readonly host?: string;

  /**
   * SMTP port (`EMAIL_PORT`). Required with `EmailProvider.SMTP`.
   *
   * @default - none
   */
  readonly port?: number;

  /**
   * Whether the SMTP connection uses TLS from the start (`EMAIL_SECURE`). Without it,
   * nodemailer upgrades with STARTTLS when the server offers it.
   *
   * @default - true for port 465, false otherwise
   */
  readonly secure?: boolean;

  /**
   * SMTP user name (`EMAIL_USER`). Without it Postiz sends without SMTP authentication.
   *
   * @default - no SMTP authentication
   */
  readonly user?: string;

  /**
   * Existing secret with the credential: field `RESEND_API_KEY` with Resend, field
   * `EMAIL_PASS` with SMTP and a user.
   *
   * @default - a new secret whose field is an empty string, for the operator to fill;
   * none with SMTP and no user
   */
  readonly secret?: secretsmanager.ISecret;
}

/**
 * Properties of `PostizIntegrations`.
 */
export interface PostizIntegrationsProps {
  /**
   * Social providers, sign-in and newsletter services to configure. Providers that read
   * the same variables (LinkedIn and LinkedIn page, Facebook and Instagram) may both be
   * listed and then share one secret and the same plain values.
   *
   * @default - none
   */
  readonly socialProviders?: SocialProviderSettings[];

  /**
   * E-mail settings.
   *
   * @default - no e-mail; Postiz then activates new accounts without a confirmation e-mail
   */
  readonly email?: EmailSettings;

  /**
   * Deployment profile that sets the removal policy of created keys and secrets.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Key for the created secrets.
   *
   * @default - a new customer-managed key with rotation, when a secret is created
   */
  readonly encryptionKey?: kms.IKey;
}

const ROTATION_REASON = 'Operator-managed third-party credentials: they change when the operator rotates them at the provider, '
  + 'so Secrets Manager cannot rotate them.';
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HOST_NAME = /^[A-Za-z0-9.-]+$/;
const URL_VALUE = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const FALSE_LIKE = /^(false|0|no|off)$/i;

/**
 * Environment variables and ECS secrets for Postiz's social providers and e-mail, with
 * the names Postiz v2.23.0 reads.
 *
 * Secrets that the construct creates hold only empty strings in the template, one JSON
 * field per variable, so tasks start before the operator has entered the credentials.
 * The operator then fills the fields in Secrets Manager. Updates leave the filled values
 * alone as long as the provider's list of secret variables stays the same.
 */
export class PostizIntegrations extends Construct {
  /** Plain variables for the web and worker containers. */
  public readonly environment: Record<string, string> = {};

  /** ECS secrets for the web and worker containers, keyed by variable name. */
  public readonly secrets: Record<string, ecs.Secret> = {};

  /** Every secret the variables come from, created or given. */
  public readonly secretsList: secretsmanager.ISecret[] = [];

  /** Key of the created secrets, or undefined when no secret was created. */
  public readonly encryptionKey?: kms.IKey;

  private readonly providerSettings: SocialProviderSettings[];
  private readonly props: PostizIntegrationsProps;
  private key?: kms.IKey;

  constructor(scope: Construct, id: string, props: PostizIntegrationsProps = {}) {
    super(scope, id);
    this.props = props;
    this.providerSettings = props.socialProviders ?? [];
    this.key = props.encryptionKey;

    this.addSocialProviders();
    if (props.email) {
      this.addEmail(props.email);
    }
    this.encryptionKey = this.key;
  }

  /**
   * Returns the OAuth callback (redirect) URL of each configured provider that has one,
   * keyed by `SocialProvider` value. Register these URLs in the provider's developer console.
   *
   * @param domainName the public host name of Postiz, without scheme or path
   */
  public callbackUrls(domainName: string): Record<string, string> {
    if (!Token.isUnresolved(domainName) && !HOST_NAME.test(domainName)) {
      throw new Error(
        `domainName '${domainName}' is not a host name. Pass the name alone, such as postiz.example.com, without scheme or path.`,
      );
    }
    const urls: Record<string, string> = {};
    for (const settings of this.providerSettings) {
      const spec = socialProviderSpec(settings.provider);
      if (!spec.callbackPath) {
        continue;
      }
      // X sends its callback to X_URL when set, in place of the Postiz origin.
      const origin = settings.provider === SocialProvider.X && settings.values?.X_URL
        ? settings.values.X_URL
        : `https://${domainName}`;
      urls[settings.provider] = `${origin}${spec.callbackPath}`;
    }
    return urls;
  }

  private addSocialProviders(): void {
    const listed = new Set<string>();
    // Which secret each secret variable already comes from, so providers that share
    // variables also share the secret.
    const secretByVariable = new Map<string, secretsmanager.ISecret>();

    this.providerSettings.forEach((settings, index) => {
      const prop = `socialProviders[${index}]`;
      const spec = socialProviderSpec(settings.provider);
      if (listed.has(settings.provider)) {
        throw new Error(`${prop}.provider '${settings.provider}' is listed twice. Remove one of the entries.`);
      }
      listed.add(settings.provider);

      this.addPlainValues(prop, spec, settings.values ?? {});

      if (spec.secretNames.length === 0) {
        if (settings.secret) {
          throw new Error(
            `${prop}.secret is set, but ${spec.label} has no secret variables in Postiz. Remove the secret.`,
          );
        }
        return;
      }
      const shared = secretByVariable.get(spec.secretNames[0]);
      if (settings.secret && shared && shared !== settings.secret) {
        throw new Error(
          `${prop}.secret differs from the secret of an earlier entry, but both read ${spec.secretNames.join(', ')}. `
          + 'Pass the same secret in both entries, or omit it in this one.',
        );
      }
      const secret = settings.secret ?? shared ?? this.createSecret(
        `${pascalCase(settings.provider)}Secret`,
        `cdk-postiz: ${spec.label} credentials for Postiz; fill the fields ${spec.secretNames.join(', ')}`,
        spec.secretNames,
      );
      for (const name of spec.secretNames) {
        secretByVariable.set(name, secret);
        this.secrets[name] = ecs.Secret.fromSecretsManager(secret, name);
      }
      this.trackSecret(secret);
    });
  }

  private addPlainValues(prop: string, spec: SocialProviderSpec, values: Record<string, string>): void {
    const accepted = plainVariableNames(spec);
    for (const [name, value] of Object.entries(values)) {
      if (!accepted.includes(name)) {
        const fix = accepted.length > 0
          ? `Use one of: ${accepted.join(', ')}`
          : 'It takes no plain values, so remove values';
        const secretHint = spec.secretNames.includes(name) ? ' It is a secret variable, so put it in the secret instead.' : '';
        throw new Error(`${prop}.values.${name} is not a plain variable of ${spec.label}.${secretHint} ${fix}.`);
      }
      if (Token.isUnresolved(value)) {
        this.setPlain(prop, name, value);
        continue;
      }
      if (value.trim() === '') {
        throw new Error(`${prop}.values.${name} is empty. Pass a value or remove ${name}.`);
      }
      if (spec.truthyFlags?.includes(name) && FALSE_LIKE.test(value.trim())) {
        throw new Error(
          `${prop}.values.${name} is '${value}', but Postiz turns ${name} on for any non-empty value. Remove ${name} to turn it off.`,
        );
      }
      if (spec.urlVariables?.includes(name) && (!URL_VALUE.test(value) || value.endsWith('/'))) {
        throw new Error(
          `${prop}.values.${name} '${value}' is not a URL without a trailing slash. Pass a value such as https://mastodon.example.org.`,
        );
      }
      this.setPlain(prop, name, value);
    }
    const missing = spec.requiredPlain.filter((name) => values[name] === undefined);
    if (missing.length > 0) {
      throw new Error(`${prop}.values is missing ${missing.join(', ')}, which ${spec.label} requires. Add them to values.`);
    }
  }

  /** Sets a plain variable, rejecting a different value from an earlier provider. */
  private setPlain(prop: string, name: string, value: string): void {
    const earlier = this.environment[name];
    if (earlier !== undefined && earlier !== value) {
      throw new Error(
        `${prop}.values.${name} is '${value}', but an earlier entry set it to '${earlier}'. Both providers read the same variable, so pass the same value.`,
      );
    }
    this.environment[name] = value;
  }

  private addEmail(email: EmailSettings): void {
    validateEmail(email);
    this.environment.EMAIL_PROVIDER = email.provider;
    this.environment.EMAIL_FROM_ADDRESS = email.fromAddress;
    this.environment.EMAIL_FROM_NAME = email.fromName;

    let secretField: string | undefined;
    if (email.provider === EmailProvider.RESEND) {
      secretField = 'RESEND_API_KEY';
    } else {
      this.environment.EMAIL_HOST = email.host!;
      this.environment.EMAIL_PORT = String(email.port);
      // Postiz compares EMAIL_SECURE with 'true', and logs a missing-variable error when unset.
      this.environment.EMAIL_SECURE = String(email.secure ?? email.port === 465);
      if (email.user !== undefined) {
        this.environment.EMAIL_USER = email.user;
        secretField = 'EMAIL_PASS';
      }
    }
    if (!secretField) {
      return;
    }
    const secret = email.secret ?? this.createSecret(
      'EmailSecret',
      `cdk-postiz: e-mail credential for Postiz; fill the field ${secretField}`,
      [secretField],
    );
    this.secrets[secretField] = ecs.Secret.fromSecretsManager(secret, secretField);
    this.trackSecret(secret);
  }

  /**
   * Creates a secret whose fields are empty strings. Empty strings let ECS start tasks
   * before the operator fills the fields, where a missing JSON field would stop them.
   */
  private createSecret(id: string, description: string, fields: string[]): secretsmanager.ISecret {
    const defaults = profileDefaults(this.props.profile);
    this.key ??= createTierKey(this, 'Key', 'cdk-postiz integration secrets', defaults.retainedRemovalPolicy);
    const secretObjectValue: Record<string, SecretValue> = {};
    for (const field of fields) {
      secretObjectValue[field] = SecretValue.unsafePlainText('');
    }
    const secret = new secretsmanager.Secret(this, id, {
      description,
      encryptionKey: this.key,
      // NOTE: CloudFormation writes this value again when the field list changes, which
      // would erase the filled credentials. The fields are fixed per provider in this library.
      secretObjectValue,
      removalPolicy: defaults.retainedRemovalPolicy,
    });
    Validations.of(secret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason: ROTATION_REASON },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: ROTATION_REASON },
    );
    skipCheckov(secret, 'CKV2_AWS_57', ROTATION_REASON);
    return secret;
  }

  private trackSecret(secret: secretsmanager.ISecret): void {
    if (!this.secretsList.includes(secret)) {
      this.secretsList.push(secret);
    }
  }
}

function validateEmail(email: EmailSettings): void {
  if (!Token.isUnresolved(email.fromAddress) && !EMAIL_ADDRESS.test(email.fromAddress)) {
    throw new Error(`email.fromAddress '${email.fromAddress}' is not an e-mail address. Pass one such as postiz@example.com.`);
  }
  if (!Token.isUnresolved(email.fromName) && email.fromName.trim() === '') {
    throw new Error('email.fromName is empty. Pass the sender name that recipients see, such as Postiz.');
  }
  if (email.provider === EmailProvider.RESEND) {
    for (const [name, value] of Object.entries({ host: email.host, port: email.port, secure: email.secure, user: email.user })) {
      if (value !== undefined) {
        throw new Error(`email.${name} is set, but it applies only to EmailProvider.SMTP. Remove email.${name} or use SMTP.`);
      }
    }
    return;
  }
  if (email.host === undefined || email.port === undefined) {
    throw new Error('email.host and email.port are required with EmailProvider.SMTP. Pass the SMTP server, such as email-smtp.us-east-1.amazonaws.com and 587.');
  }
  if (!Token.isUnresolved(email.host) && !HOST_NAME.test(email.host)) {
    throw new Error(`email.host '${email.host}' is not a host name. Pass the name alone, without scheme or port.`);
  }
  if (!Token.isUnresolved(email.port) && (!Number.isInteger(email.port) || email.port < 1 || email.port > 65535)) {
    throw new Error(`email.port ${email.port} is invalid. Pass a port from 1 to 65535, such as 587 or 465.`);
  }
  if (email.secret && email.user === undefined) {
    throw new Error('email.secret is set, but email.user is not, and SMTP authentication needs both. Pass email.user or remove email.secret.');
  }
}

/** Converts a provider value such as 'linkedin-page' into a construct id part. */
function pascalCase(value: string): string {
  return value.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
