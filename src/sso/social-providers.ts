/**
 * The environment variables that Postiz reads for each third-party provider, taken from
 * gitroomhq/postiz-app v2.23.0. Internal: `PostizIntegrations` validates and wires
 * settings with it, and the package index does not export it.
 */

/** Settings of one provider in Postiz's environment. */
export interface SocialProviderSpec {
  /** Name of the provider in messages and secret descriptions. */
  readonly label: string;

  /** File of postiz-app v2.23.0 that reads the variables. */
  readonly source: string;

  /** Plain variables that must be set for the provider to work. */
  readonly requiredPlain: string[];

  /** Plain variables that Postiz reads but does not need. */
  readonly optionalPlain: string[];

  /** Variables that carry credentials and so reach containers as ECS secrets. */
  readonly secretNames: string[];

  /**
   * Path that the provider redirects to after OAuth, relative to the Postiz origin.
   * Undefined for providers without a redirect (bots, API keys, newsletters).
   */
  readonly callbackPath?: string;

  /** Plain variables that Postiz turns on for any non-empty value. */
  readonly truthyFlags?: string[];

  /** Plain variables that hold a URL or origin, which Postiz joins with a path. */
  readonly urlVariables?: string[];
}

const SOCIAL = 'libraries/nestjs-libraries/src/integrations/social';

/**
 * Providers keyed by the `SocialProvider` value, which is the `identifier` that Postiz
 * gives the provider (and uses in the callback path) except for the sign-in and
 * newsletter entries, which are not posting integrations.
 */
export const SOCIAL_PROVIDER_SPECS: Record<string, SocialProviderSpec> = {
  'x': {
    label: 'X',
    source: `${SOCIAL}/x.provider.ts`,
    requiredPlain: [],
    // X_URL replaces FRONTEND_URL in the OAuth callback only.
    optionalPlain: ['X_URL', 'DISABLE_X_ANALYTICS', 'STRIP_LINKS_FROM_X_POSTS'],
    // X's OAuth 1.0a consumer key is sent with the consumer secret, and Postiz names it an API key.
    secretNames: ['X_API_KEY', 'X_API_SECRET'],
    callbackPath: '/integrations/social/x',
    truthyFlags: ['DISABLE_X_ANALYTICS', 'STRIP_LINKS_FROM_X_POSTS'],
    urlVariables: ['X_URL'],
  },
  'linkedin': {
    label: 'LinkedIn',
    source: `${SOCIAL}/linkedin.provider.ts`,
    requiredPlain: ['LINKEDIN_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['LINKEDIN_CLIENT_SECRET'],
    callbackPath: '/integrations/social/linkedin',
  },
  'linkedin-page': {
    label: 'LinkedIn page',
    source: `${SOCIAL}/linkedin.page.provider.ts`,
    requiredPlain: ['LINKEDIN_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['LINKEDIN_CLIENT_SECRET'],
    callbackPath: '/integrations/social/linkedin-page',
  },
  'facebook': {
    label: 'Facebook',
    source: `${SOCIAL}/facebook.provider.ts`,
    requiredPlain: ['FACEBOOK_APP_ID'],
    optionalPlain: [],
    secretNames: ['FACEBOOK_APP_SECRET'],
    callbackPath: '/integrations/social/facebook',
  },
  'instagram': {
    label: 'Instagram (through Facebook)',
    source: `${SOCIAL}/instagram.provider.ts`,
    requiredPlain: ['FACEBOOK_APP_ID'],
    optionalPlain: [],
    secretNames: ['FACEBOOK_APP_SECRET'],
    callbackPath: '/integrations/social/instagram',
  },
  'instagram-standalone': {
    label: 'Instagram (standalone)',
    source: `${SOCIAL}/instagram.standalone.provider.ts`,
    requiredPlain: ['INSTAGRAM_APP_ID'],
    optionalPlain: [],
    secretNames: ['INSTAGRAM_APP_SECRET'],
    callbackPath: '/integrations/social/instagram-standalone',
  },
  'threads': {
    label: 'Threads',
    source: `${SOCIAL}/threads.provider.ts`,
    requiredPlain: ['THREADS_APP_ID'],
    optionalPlain: [],
    secretNames: ['THREADS_APP_SECRET'],
    callbackPath: '/integrations/social/threads',
  },
  'youtube': {
    label: 'YouTube',
    source: `${SOCIAL}/youtube.provider.ts`,
    requiredPlain: ['YOUTUBE_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['YOUTUBE_CLIENT_SECRET'],
    callbackPath: '/integrations/social/youtube',
  },
  'gmb': {
    label: 'Google Business Profile',
    source: `${SOCIAL}/gmb.provider.ts`,
    // Postiz falls back to the YouTube client when these are unset. This table requires them
    // so the secret has explicit fields, which may contain the YouTube client's values.
    requiredPlain: ['GOOGLE_GMB_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['GOOGLE_GMB_CLIENT_SECRET'],
    callbackPath: '/integrations/social/gmb',
  },
  'tiktok': {
    label: 'TikTok',
    source: `${SOCIAL}/tiktok.provider.ts`,
    requiredPlain: ['TIKTOK_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['TIKTOK_CLIENT_SECRET'],
    callbackPath: '/integrations/social/tiktok',
  },
  'pinterest': {
    label: 'Pinterest',
    source: `${SOCIAL}/pinterest.provider.ts`,
    requiredPlain: ['PINTEREST_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['PINTEREST_CLIENT_SECRET'],
    callbackPath: '/integrations/social/pinterest',
  },
  'dribbble': {
    label: 'Dribbble',
    source: `${SOCIAL}/dribbble.provider.ts`,
    // NOTE: Postiz v2.23.0 refreshes Dribbble tokens with the Pinterest client's
    // variables, so token refresh works only when Pinterest is configured too.
    requiredPlain: ['DRIBBBLE_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['DRIBBBLE_CLIENT_SECRET'],
    callbackPath: '/integrations/social/dribbble',
  },
  'reddit': {
    label: 'Reddit',
    source: `${SOCIAL}/reddit.provider.ts`,
    requiredPlain: ['REDDIT_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['REDDIT_CLIENT_SECRET'],
    callbackPath: '/integrations/social/reddit',
  },
  'discord': {
    label: 'Discord',
    source: `${SOCIAL}/discord.provider.ts`,
    requiredPlain: ['DISCORD_CLIENT_ID'],
    optionalPlain: [],
    // Postiz posts as the bot, sending DISCORD_BOT_TOKEN_ID as its `Bot` token.
    secretNames: ['DISCORD_CLIENT_SECRET', 'DISCORD_BOT_TOKEN_ID'],
    callbackPath: '/integrations/social/discord',
  },
  'slack': {
    label: 'Slack',
    source: `${SOCIAL}/slack.provider.ts`,
    requiredPlain: ['SLACK_ID'],
    optionalPlain: [],
    secretNames: ['SLACK_SECRET'],
    callbackPath: '/integrations/social/slack',
  },
  'mastodon': {
    label: 'Mastodon',
    source: `${SOCIAL}/mastodon.provider.ts`,
    requiredPlain: ['MASTODON_CLIENT_ID'],
    // Postiz uses https://mastodon.social when MASTODON_URL is unset.
    optionalPlain: ['MASTODON_URL'],
    secretNames: ['MASTODON_CLIENT_SECRET'],
    callbackPath: '/integrations/social/mastodon',
    urlVariables: ['MASTODON_URL'],
  },
  'telegram': {
    label: 'Telegram',
    source: `${SOCIAL}/telegram.provider.ts`,
    // The frontend (apps/frontend/src/app/(app)/layout.tsx) shows the bot name that
    // users add to their channel.
    requiredPlain: ['TELEGRAM_BOT_NAME'],
    optionalPlain: [],
    secretNames: ['TELEGRAM_TOKEN'],
  },
  'wrapcast': {
    label: 'Farcaster',
    source: `${SOCIAL}/farcaster.provider.ts`,
    // The frontend reads NEYNAR_CLIENT_ID and NEYNAR_LOGIN_URL for the Neynar sign-in button.
    requiredPlain: ['NEYNAR_CLIENT_ID'],
    optionalPlain: ['NEYNAR_LOGIN_URL'],
    secretNames: ['NEYNAR_SECRET_KEY'],
    urlVariables: ['NEYNAR_LOGIN_URL'],
  },
  'tumblr': {
    label: 'Tumblr',
    source: `${SOCIAL}/tumblr.provider.ts`,
    requiredPlain: ['TUMBLR_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['TUMBLR_CLIENT_SECRET'],
    callbackPath: '/integrations/social/tumblr',
  },
  'kick': {
    label: 'Kick',
    source: `${SOCIAL}/kick.provider.ts`,
    requiredPlain: ['KICK_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['KICK_SECRET'],
    callbackPath: '/integrations/social/kick',
  },
  'twitch': {
    label: 'Twitch',
    source: `${SOCIAL}/twitch.provider.ts`,
    requiredPlain: ['TWITCH_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['TWITCH_CLIENT_SECRET'],
    callbackPath: '/integrations/social/twitch',
  },
  'vk': {
    label: 'VK',
    source: `${SOCIAL}/vk.provider.ts`,
    // VK ID uses PKCE, so Postiz needs no client secret.
    requiredPlain: ['VK_ID'],
    optionalPlain: [],
    secretNames: [],
    callbackPath: '/integrations/social/vk',
  },
  'whop': {
    label: 'Whop',
    source: `${SOCIAL}/whop.provider.ts`,
    // Whop uses PKCE, so Postiz needs no client secret.
    requiredPlain: ['WHOP_CLIENT_ID'],
    optionalPlain: [],
    secretNames: [],
    callbackPath: '/integrations/social/whop',
  },
  'mewe': {
    label: 'MeWe',
    source: `${SOCIAL}/mewe.provider.ts`,
    requiredPlain: ['MEWE_APP_ID'],
    // Postiz uses https://mewe.com when MEWE_HOST is unset.
    optionalPlain: ['MEWE_HOST'],
    secretNames: ['MEWE_API_KEY'],
    callbackPath: '/integrations/social/mewe',
    urlVariables: ['MEWE_HOST'],
  },
  'github': {
    label: 'GitHub sign-in',
    source: 'apps/backend/src/services/auth/providers/github.provider.ts',
    requiredPlain: ['GITHUB_CLIENT_ID'],
    optionalPlain: [],
    secretNames: ['GITHUB_CLIENT_SECRET'],
    callbackPath: '/settings',
  },
  'beehiiv': {
    label: 'Beehiiv newsletter',
    // Postiz spells the prefix BEEHIIVE.
    source: 'libraries/nestjs-libraries/src/newsletter/providers/beehiiv.provider.ts',
    requiredPlain: ['BEEHIIVE_PUBLICATION_ID'],
    optionalPlain: [],
    secretNames: ['BEEHIIVE_API_KEY'],
  },
  'listmonk-newsletter': {
    label: 'Listmonk newsletter',
    source: 'libraries/nestjs-libraries/src/newsletter/providers/listmonk.provider.ts',
    requiredPlain: ['LISTMONK_DOMAIN', 'LISTMONK_USER'],
    optionalPlain: ['LISTMONK_LIST_ID', 'LISTMONK_WELCOME_TEMPLATE_ID'],
    secretNames: ['LISTMONK_API_KEY'],
    urlVariables: ['LISTMONK_DOMAIN'],
  },
};

/**
 * Returns the table entry of a provider, or throws when the value is not in the table.
 */
export function socialProviderSpec(provider: string): SocialProviderSpec {
  const spec = SOCIAL_PROVIDER_SPECS[provider];
  if (!spec) {
    throw new Error(
      `Social provider '${provider}' is not supported. Use one of: ${Object.keys(SOCIAL_PROVIDER_SPECS).join(', ')}.`,
    );
  }
  return spec;
}

/** Returns every plain variable name that the provider accepts. */
export function plainVariableNames(spec: SocialProviderSpec): string[] {
  return [...spec.requiredPlain, ...spec.optionalPlain];
}
