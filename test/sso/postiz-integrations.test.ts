import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DeploymentProfile } from '../../src/profile';
import { EmailProvider, PostizIntegrations, PostizIntegrationsProps, SocialProvider } from '../../src/sso/postiz-integrations';
import { SOCIAL_PROVIDER_SPECS } from '../../src/sso/social-providers';
import { newStack } from '../support/stack';

function synth(props: PostizIntegrationsProps, extend?: (stack: Stack) => PostizIntegrationsProps) {
  const stack = newStack();
  const integrations = new PostizIntegrations(stack, 'Integrations', extend ? extend(stack) : props);
  return { stack, integrations, template: Template.fromStack(stack) };
}

/**
 * Variable names as Postiz v2.23.0 reads them, written out by hand from the source files
 * named in each comment (paths in gitroomhq/postiz-app).
 */
const EXPECTED: [SocialProvider, { plain: string[]; optional: string[]; secret: string[]; callback?: string }][] = [
  // libraries/nestjs-libraries/src/integrations/social/x.provider.ts
  [SocialProvider.X, { plain: [], optional: ['X_URL', 'DISABLE_X_ANALYTICS', 'STRIP_LINKS_FROM_X_POSTS'], secret: ['X_API_KEY', 'X_API_SECRET'], callback: '/integrations/social/x' }],
  // libraries/nestjs-libraries/src/integrations/social/linkedin.provider.ts
  [SocialProvider.LINKEDIN, { plain: ['LINKEDIN_CLIENT_ID'], optional: [], secret: ['LINKEDIN_CLIENT_SECRET'], callback: '/integrations/social/linkedin' }],
  // libraries/nestjs-libraries/src/integrations/social/linkedin.page.provider.ts
  [SocialProvider.LINKEDIN_PAGE, { plain: ['LINKEDIN_CLIENT_ID'], optional: [], secret: ['LINKEDIN_CLIENT_SECRET'], callback: '/integrations/social/linkedin-page' }],
  // libraries/nestjs-libraries/src/integrations/social/facebook.provider.ts
  [SocialProvider.FACEBOOK, { plain: ['FACEBOOK_APP_ID'], optional: [], secret: ['FACEBOOK_APP_SECRET'], callback: '/integrations/social/facebook' }],
  // libraries/nestjs-libraries/src/integrations/social/instagram.provider.ts
  [SocialProvider.INSTAGRAM, { plain: ['FACEBOOK_APP_ID'], optional: [], secret: ['FACEBOOK_APP_SECRET'], callback: '/integrations/social/instagram' }],
  // libraries/nestjs-libraries/src/integrations/social/instagram.standalone.provider.ts
  [SocialProvider.INSTAGRAM_STANDALONE, { plain: ['INSTAGRAM_APP_ID'], optional: [], secret: ['INSTAGRAM_APP_SECRET'], callback: '/integrations/social/instagram-standalone' }],
  // libraries/nestjs-libraries/src/integrations/social/threads.provider.ts
  [SocialProvider.THREADS, { plain: ['THREADS_APP_ID'], optional: [], secret: ['THREADS_APP_SECRET'], callback: '/integrations/social/threads' }],
  // libraries/nestjs-libraries/src/integrations/social/youtube.provider.ts
  [SocialProvider.YOUTUBE, { plain: ['YOUTUBE_CLIENT_ID'], optional: [], secret: ['YOUTUBE_CLIENT_SECRET'], callback: '/integrations/social/youtube' }],
  // libraries/nestjs-libraries/src/integrations/social/gmb.provider.ts
  [SocialProvider.GOOGLE_BUSINESS_PROFILE, { plain: ['GOOGLE_GMB_CLIENT_ID'], optional: [], secret: ['GOOGLE_GMB_CLIENT_SECRET'], callback: '/integrations/social/gmb' }],
  // libraries/nestjs-libraries/src/integrations/social/tiktok.provider.ts
  [SocialProvider.TIKTOK, { plain: ['TIKTOK_CLIENT_ID'], optional: [], secret: ['TIKTOK_CLIENT_SECRET'], callback: '/integrations/social/tiktok' }],
  // libraries/nestjs-libraries/src/integrations/social/pinterest.provider.ts
  [SocialProvider.PINTEREST, { plain: ['PINTEREST_CLIENT_ID'], optional: [], secret: ['PINTEREST_CLIENT_SECRET'], callback: '/integrations/social/pinterest' }],
  // libraries/nestjs-libraries/src/integrations/social/dribbble.provider.ts
  [SocialProvider.DRIBBBLE, { plain: ['DRIBBBLE_CLIENT_ID'], optional: [], secret: ['DRIBBBLE_CLIENT_SECRET'], callback: '/integrations/social/dribbble' }],
  // libraries/nestjs-libraries/src/integrations/social/reddit.provider.ts
  [SocialProvider.REDDIT, { plain: ['REDDIT_CLIENT_ID'], optional: [], secret: ['REDDIT_CLIENT_SECRET'], callback: '/integrations/social/reddit' }],
  // libraries/nestjs-libraries/src/integrations/social/discord.provider.ts
  [SocialProvider.DISCORD, { plain: ['DISCORD_CLIENT_ID'], optional: [], secret: ['DISCORD_CLIENT_SECRET', 'DISCORD_BOT_TOKEN_ID'], callback: '/integrations/social/discord' }],
  // libraries/nestjs-libraries/src/integrations/social/slack.provider.ts
  [SocialProvider.SLACK, { plain: ['SLACK_ID'], optional: [], secret: ['SLACK_SECRET'], callback: '/integrations/social/slack' }],
  // libraries/nestjs-libraries/src/integrations/social/mastodon.provider.ts
  [SocialProvider.MASTODON, { plain: ['MASTODON_CLIENT_ID'], optional: ['MASTODON_URL'], secret: ['MASTODON_CLIENT_SECRET'], callback: '/integrations/social/mastodon' }],
  // libraries/nestjs-libraries/src/integrations/social/telegram.provider.ts, apps/frontend/src/app/(app)/layout.tsx
  [SocialProvider.TELEGRAM, { plain: ['TELEGRAM_BOT_NAME'], optional: [], secret: ['TELEGRAM_TOKEN'] }],
  // libraries/nestjs-libraries/src/integrations/social/farcaster.provider.ts, apps/frontend/src/components/auth/nayner.auth.button.tsx
  [SocialProvider.FARCASTER, { plain: ['NEYNAR_CLIENT_ID'], optional: ['NEYNAR_LOGIN_URL'], secret: ['NEYNAR_SECRET_KEY'] }],
  // libraries/nestjs-libraries/src/integrations/social/tumblr.provider.ts
  [SocialProvider.TUMBLR, { plain: ['TUMBLR_CLIENT_ID'], optional: [], secret: ['TUMBLR_CLIENT_SECRET'], callback: '/integrations/social/tumblr' }],
  // libraries/nestjs-libraries/src/integrations/social/kick.provider.ts
  [SocialProvider.KICK, { plain: ['KICK_CLIENT_ID'], optional: [], secret: ['KICK_SECRET'], callback: '/integrations/social/kick' }],
  // libraries/nestjs-libraries/src/integrations/social/twitch.provider.ts
  [SocialProvider.TWITCH, { plain: ['TWITCH_CLIENT_ID'], optional: [], secret: ['TWITCH_CLIENT_SECRET'], callback: '/integrations/social/twitch' }],
  // libraries/nestjs-libraries/src/integrations/social/vk.provider.ts
  [SocialProvider.VK, { plain: ['VK_ID'], optional: [], secret: [], callback: '/integrations/social/vk' }],
  // libraries/nestjs-libraries/src/integrations/social/whop.provider.ts
  [SocialProvider.WHOP, { plain: ['WHOP_CLIENT_ID'], optional: [], secret: [], callback: '/integrations/social/whop' }],
  // libraries/nestjs-libraries/src/integrations/social/mewe.provider.ts
  [SocialProvider.MEWE, { plain: ['MEWE_APP_ID'], optional: ['MEWE_HOST'], secret: ['MEWE_API_KEY'], callback: '/integrations/social/mewe' }],
  // apps/backend/src/services/auth/providers/github.provider.ts
  [SocialProvider.GITHUB, { plain: ['GITHUB_CLIENT_ID'], optional: [], secret: ['GITHUB_CLIENT_SECRET'], callback: '/settings' }],
  // libraries/nestjs-libraries/src/newsletter/providers/beehiiv.provider.ts
  [SocialProvider.BEEHIIV, { plain: ['BEEHIIVE_PUBLICATION_ID'], optional: [], secret: ['BEEHIIVE_API_KEY'] }],
  // libraries/nestjs-libraries/src/newsletter/providers/listmonk.provider.ts
  [SocialProvider.LISTMONK_NEWSLETTER, {
    plain: ['LISTMONK_DOMAIN', 'LISTMONK_USER'],
    optional: ['LISTMONK_LIST_ID', 'LISTMONK_WELCOME_TEMPLATE_ID'],
    secret: ['LISTMONK_API_KEY'],
  }],
];

/** Sample plain values that pass validation, for every required plain variable. */
function sampleValues(provider: SocialProvider): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of SOCIAL_PROVIDER_SPECS[provider].requiredPlain) {
    values[name] = name === 'LISTMONK_DOMAIN' ? 'https://lists.example.com' : `value-of-${name}`;
  }
  return values;
}

describe('social provider table', () => {
  test('covers every SocialProvider value', () => {
    expect(Object.keys(SOCIAL_PROVIDER_SPECS).sort()).toEqual(Object.values(SocialProvider).sort());
    expect(EXPECTED.map(([provider]) => provider).sort()).toEqual(Object.values(SocialProvider).sort());
  });

  test.each(EXPECTED)('%s variables match Postiz', (provider, expected) => {
    const spec = SOCIAL_PROVIDER_SPECS[provider];
    expect(spec.requiredPlain).toEqual(expected.plain);
    expect(spec.optionalPlain).toEqual(expected.optional);
    expect(spec.secretNames).toEqual(expected.secret);
    expect(spec.callbackPath).toEqual(expected.callback);
  });

  test.each(EXPECTED)('%s splits plain and secret variables', (provider) => {
    const { integrations } = synth({ socialProviders: [{ provider, values: sampleValues(provider) }] });
    const spec = SOCIAL_PROVIDER_SPECS[provider];
    expect(Object.keys(integrations.secrets).sort()).toEqual([...spec.secretNames].sort());
    expect(Object.keys(integrations.environment).sort()).toEqual([...spec.requiredPlain].sort());
    expect(integrations.secretsList).toHaveLength(spec.secretNames.length > 0 ? 1 : 0);
  });

  test('no plain variable looks like a credential', () => {
    for (const spec of Object.values(SOCIAL_PROVIDER_SPECS)) {
      for (const name of [...spec.requiredPlain, ...spec.optionalPlain]) {
        expect(name).not.toMatch(/SECRET|API_KEY|TOKEN|PASS/);
      }
    }
  });
});

describe('PostizIntegrations created secrets', () => {
  const { integrations, template } = synth({
    socialProviders: [
      { provider: SocialProvider.DISCORD, values: { DISCORD_CLIENT_ID: '1234' } },
      { provider: SocialProvider.MASTODON, values: { MASTODON_CLIENT_ID: 'abc', MASTODON_URL: 'https://mastodon.example.org' } },
    ],
  });

  test('creates one secret per provider', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(integrations.secretsList).toHaveLength(2);
  });

  test('puts only empty fields in the template', () => {
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    const values = secrets.map((secret) => JSON.parse(secret.Properties.SecretString));
    expect(values).toContainEqual({ DISCORD_CLIENT_SECRET: '', DISCORD_BOT_TOKEN_ID: '' });
    expect(values).toContainEqual({ MASTODON_CLIENT_SECRET: '' });
    for (const secret of secrets) {
      expect(secret.Properties.GenerateSecretString).toBeUndefined();
    }
  });

  test('encrypts secrets with a new key', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.allResources('AWS::SecretsManager::Secret', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntegrationsKey'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(integrations.encryptionKey).toBeDefined();
  });

  test('retains secrets in production', () => {
    template.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  test('records the checkov skip', () => {
    template.allResources('AWS::SecretsManager::Secret', {
      Metadata: { checkov: { skip: [{ id: 'CKV2_AWS_57', comment: Match.stringLikeRegexp('Operator-managed') }] } },
    });
  });

  test('maps secret fields to ECS secrets', () => {
    expect(Object.keys(integrations.secrets).sort()).toEqual(['DISCORD_BOT_TOKEN_ID', 'DISCORD_CLIENT_SECRET', 'MASTODON_CLIENT_SECRET']);
    const stack = Stack.of(integrations);
    const arn = stack.resolve(integrations.secrets.DISCORD_BOT_TOKEN_ID.arn);
    expect(JSON.stringify(arn)).toContain(':DISCORD_BOT_TOKEN_ID::');
  });

  test('passes plain values through', () => {
    expect(integrations.environment).toEqual({
      DISCORD_CLIENT_ID: '1234',
      MASTODON_CLIENT_ID: 'abc',
      MASTODON_URL: 'https://mastodon.example.org',
    });
  });

  test('development profile deletes secrets', () => {
    const development = synth({
      profile: DeploymentProfile.DEVELOPMENT,
      socialProviders: [{ provider: SocialProvider.SLACK, values: { SLACK_ID: 'a' } }],
    });
    development.template.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });
});

describe('PostizIntegrations existing secrets', () => {
  test('uses the given secret and creates no key', () => {
    let given: secretsmanager.ISecret | undefined;
    const { integrations, template } = synth({}, (stack) => {
      given = secretsmanager.Secret.fromSecretNameV2(stack, 'Given', 'postiz/x');
      return { socialProviders: [{ provider: SocialProvider.X, secret: given }] };
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(integrations.secretsList).toEqual([given]);
    expect(integrations.encryptionKey).toBeUndefined();
  });

  test('providers with shared variables share one secret', () => {
    const { integrations, template } = synth({
      socialProviders: [
        { provider: SocialProvider.FACEBOOK, values: { FACEBOOK_APP_ID: '42' } },
        { provider: SocialProvider.INSTAGRAM, values: { FACEBOOK_APP_ID: '42' } },
      ],
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(integrations.secretsList).toHaveLength(1);
    expect(integrations.environment).toEqual({ FACEBOOK_APP_ID: '42' });
  });

  test('rejects two secrets for shared variables', () => {
    expect(() => synth({}, (stack) => ({
      socialProviders: [
        { provider: SocialProvider.LINKEDIN, values: { LINKEDIN_CLIENT_ID: 'a' }, secret: secretsmanager.Secret.fromSecretNameV2(stack, 'A', 'a') },
        { provider: SocialProvider.LINKEDIN_PAGE, values: { LINKEDIN_CLIENT_ID: 'a' }, secret: secretsmanager.Secret.fromSecretNameV2(stack, 'B', 'b') },
      ],
    }))).toThrow(/socialProviders\[1\]\.secret differs.*LINKEDIN_CLIENT_SECRET/);
  });

  test('rejects different values for shared variables', () => {
    expect(() => synth({
      socialProviders: [
        { provider: SocialProvider.FACEBOOK, values: { FACEBOOK_APP_ID: '1' } },
        { provider: SocialProvider.INSTAGRAM, values: { FACEBOOK_APP_ID: '2' } },
      ],
    })).toThrow(/socialProviders\[1\]\.values\.FACEBOOK_APP_ID is '2', but an earlier entry set it to '1'/);
  });

  test('rejects a secret for a provider without secrets', () => {
    expect(() => synth({}, (stack) => ({
      socialProviders: [{ provider: SocialProvider.VK, values: { VK_ID: '1' }, secret: secretsmanager.Secret.fromSecretNameV2(stack, 'A', 'a') }],
    }))).toThrow(/socialProviders\[0\]\.secret is set, but VK has no secret variables/);
  });

  test('uses the given key for created secrets', () => {
    const { template } = synth({}, (stack) => ({
      encryptionKey: new kms.Key(stack, 'GivenKey'),
      socialProviders: [{ provider: SocialProvider.REDDIT, values: { REDDIT_CLIENT_ID: 'r' } }],
    }));
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GivenKey'), 'Arn'] },
    });
  });
});

describe('PostizIntegrations validation', () => {
  test('rejects an unknown plain variable', () => {
    expect(() => synth({
      socialProviders: [{ provider: SocialProvider.SLACK, values: { SLACK_ID: 'a', SLACK_CLIENT_ID: 'b' } }],
    })).toThrow('socialProviders[0].values.SLACK_CLIENT_ID is not a plain variable of Slack. Use one of: SLACK_ID.');
  });

  test('points secret variables to the secret', () => {
    expect(() => synth({
      socialProviders: [{ provider: SocialProvider.SLACK, values: { SLACK_ID: 'a', SLACK_SECRET: 'b' } }],
    })).toThrow(/SLACK_SECRET is not a plain variable of Slack\. It is a secret variable/);
  });

  test('rejects a missing required value', () => {
    expect(() => synth({
      socialProviders: [{ provider: SocialProvider.DISCORD }],
    })).toThrow('socialProviders[0].values is missing DISCORD_CLIENT_ID, which Discord requires. Add them to values.');
  });

  test('rejects a provider listed twice', () => {
    expect(() => synth({
      socialProviders: [
        { provider: SocialProvider.X },
        { provider: SocialProvider.X },
      ],
    })).toThrow(/socialProviders\[1\]\.provider 'x' is listed twice/);
  });

  test('rejects an unknown provider value', () => {
    expect(() => synth({
      socialProviders: [{ provider: 'myspace' as SocialProvider }],
    })).toThrow(/Social provider 'myspace' is not supported/);
  });

  test('rejects false for a truthy flag', () => {
    expect(() => synth({
      socialProviders: [{ provider: SocialProvider.X, values: { DISABLE_X_ANALYTICS: 'false' } }],
    })).toThrow(/DISABLE_X_ANALYTICS is 'false', but Postiz turns DISABLE_X_ANALYTICS on/);
  });

  test('rejects a URL with a trailing slash', () => {
    expect(() => synth({
      socialProviders: [{ provider: SocialProvider.MASTODON, values: { MASTODON_CLIENT_ID: 'a', MASTODON_URL: 'https://m.example.org/' } }],
    })).toThrow(/MASTODON_URL 'https:\/\/m\.example\.org\/' is not a URL without a trailing slash/);
  });

  test('rejects an empty value', () => {
    expect(() => synth({
      socialProviders: [{ provider: SocialProvider.VK, values: { VK_ID: ' ' } }],
    })).toThrow('socialProviders[0].values.VK_ID is empty. Pass a value or remove VK_ID.');
  });
});

describe('PostizIntegrations callback URLs', () => {
  test('builds one URL per OAuth provider', () => {
    const { integrations } = synth({
      socialProviders: [
        { provider: SocialProvider.LINKEDIN_PAGE, values: { LINKEDIN_CLIENT_ID: 'a' } },
        { provider: SocialProvider.INSTAGRAM_STANDALONE, values: { INSTAGRAM_APP_ID: 'b' } },
        { provider: SocialProvider.TELEGRAM, values: { TELEGRAM_BOT_NAME: 'postiz_bot' } },
        { provider: SocialProvider.GITHUB, values: { GITHUB_CLIENT_ID: 'c' } },
      ],
    });
    expect(integrations.callbackUrls('postiz.example.com')).toEqual({
      'linkedin-page': 'https://postiz.example.com/integrations/social/linkedin-page',
      'instagram-standalone': 'https://postiz.example.com/integrations/social/instagram-standalone',
      'github': 'https://postiz.example.com/settings',
    });
  });

  test('X uses X_URL when set', () => {
    const { integrations } = synth({
      socialProviders: [{ provider: SocialProvider.X, values: { X_URL: 'https://x-callback.example.com' } }],
    });
    expect(integrations.callbackUrls('postiz.example.com')).toEqual({
      x: 'https://x-callback.example.com/integrations/social/x',
    });
  });

  test('rejects a domain with a scheme', () => {
    const { integrations } = synth({ socialProviders: [] });
    expect(() => integrations.callbackUrls('https://postiz.example.com')).toThrow(/domainName 'https:\/\/postiz\.example\.com' is not a host name/);
  });
});

describe('PostizIntegrations email', () => {
  test('Resend sets the plain variables and an API key secret', () => {
    const { integrations, template } = synth({
      email: { provider: EmailProvider.RESEND, fromAddress: 'postiz@example.com', fromName: 'Postiz' },
    });
    expect(integrations.environment).toEqual({
      EMAIL_PROVIDER: 'resend',
      EMAIL_FROM_ADDRESS: 'postiz@example.com',
      EMAIL_FROM_NAME: 'Postiz',
    });
    expect(Object.keys(integrations.secrets)).toEqual(['RESEND_API_KEY']);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: '{"RESEND_API_KEY":""}' });
  });

  test('SMTP sets host, port, secure and user', () => {
    const { integrations, template } = synth({
      email: {
        provider: EmailProvider.SMTP,
        fromAddress: 'postiz@example.com',
        fromName: 'Postiz',
        host: 'email-smtp.us-east-1.amazonaws.com',
        port: 465,
        user: 'AKIAEXAMPLE',
      },
    });
    expect(integrations.environment).toEqual({
      EMAIL_PROVIDER: 'nodemailer',
      EMAIL_FROM_ADDRESS: 'postiz@example.com',
      EMAIL_FROM_NAME: 'Postiz',
      EMAIL_HOST: 'email-smtp.us-east-1.amazonaws.com',
      EMAIL_PORT: '465',
      EMAIL_SECURE: 'true',
      EMAIL_USER: 'AKIAEXAMPLE',
    });
    expect(Object.keys(integrations.secrets)).toEqual(['EMAIL_PASS']);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: '{"EMAIL_PASS":""}' });
  });

  test('SMTP without a user needs no secret', () => {
    const { integrations, template } = synth({
      email: { provider: EmailProvider.SMTP, fromAddress: 'a@example.com', fromName: 'A', host: 'smtp.example.com', port: 587 },
    });
    expect(integrations.environment.EMAIL_SECURE).toBe('false');
    expect(integrations.secrets).toEqual({});
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('uses the given email secret', () => {
    const { integrations, template } = synth({}, (stack) => ({
      email: {
        provider: EmailProvider.RESEND,
        fromAddress: 'a@example.com',
        fromName: 'A',
        secret: secretsmanager.Secret.fromSecretNameV2(stack, 'Resend', 'resend'),
      },
    }));
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(integrations.secretsList).toHaveLength(1);
  });

  test.each([
    [{ provider: EmailProvider.SMTP, fromAddress: 'a@example.com', fromName: 'A', port: 587 }, /email\.host and email\.port are required/],
    [{ provider: EmailProvider.SMTP, fromAddress: 'a@example.com', fromName: 'A', host: 'smtp.example.com' }, /email\.host and email\.port are required/],
    [{ provider: EmailProvider.SMTP, fromAddress: 'a@example.com', fromName: 'A', host: 'smtp.example.com', port: 0 }, /email\.port 0 is invalid/],
    [{ provider: EmailProvider.SMTP, fromAddress: 'a@example.com', fromName: 'A', host: 'smtp.example.com', port: 65536 }, /email\.port 65536 is invalid/],
    [{ provider: EmailProvider.SMTP, fromAddress: 'a@example.com', fromName: 'A', host: 'smtp://smtp.example.com', port: 25 }, /email\.host 'smtp:\/\/smtp\.example\.com' is not a host name/],
    [{ provider: EmailProvider.RESEND, fromAddress: 'postiz', fromName: 'A' }, /email\.fromAddress 'postiz' is not an e-mail address/],
    [{ provider: EmailProvider.RESEND, fromAddress: 'a@example.com', fromName: ' ' }, /email\.fromName is empty/],
    [{ provider: EmailProvider.RESEND, fromAddress: 'a@example.com', fromName: 'A', host: 'smtp.example.com' }, /email\.host is set, but it applies only to EmailProvider\.SMTP/],
  ])('rejects invalid settings %#', (email, message) => {
    expect(() => synth({ email })).toThrow(message);
  });

  test('rejects an SMTP secret without a user', () => {
    expect(() => synth({}, (stack) => ({
      email: {
        provider: EmailProvider.SMTP,
        fromAddress: 'a@example.com',
        fromName: 'A',
        host: 'smtp.example.com',
        port: 587,
        secret: secretsmanager.Secret.fromSecretNameV2(stack, 'Smtp', 'smtp'),
      },
    }))).toThrow(/email\.secret is set, but email\.user is not/);
  });
});
