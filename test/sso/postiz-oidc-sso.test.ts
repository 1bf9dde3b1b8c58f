import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OidcEndpoints, PostizOidcSsoOptions, PostizPlatform } from '../../src';
import { exampleZone, newStack } from '../support/stack';
import { containerOf, environmentOf } from '../support/task-definitions';

const KEYCLOAK = OidcEndpoints.fromKeycloak('https://id.example.com', 'staff');

function synth(sso: PostizOidcSsoOptions) {
  const stack = newStack();
  const platform = new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), sso });
  return { stack, platform, template: Template.fromStack(stack) };
}

describe('PostizOidcSso', () => {
  const { stack, template } = synth({ endpoints: KEYCLOAK, clientId: 'postiz', displayName: 'Example ID', logoUrl: 'https://id.example.com/logo.png' });
  const web = containerOf(template, 'PostizComputeWebTaskDefinition');
  const worker = containerOf(template, 'PostizComputeWorkerTaskDefinition');

  // Variables read by apps/backend/src/services/auth/providers/oauth.provider.ts and the frontend in Postiz v2.23.0.
  test.each([
    ['POSTIZ_GENERIC_OAUTH', 'true'],
    ['POSTIZ_OAUTH_AUTH_URL', 'https://id.example.com/realms/staff/protocol/openid-connect/auth'],
    ['POSTIZ_OAUTH_TOKEN_URL', 'https://id.example.com/realms/staff/protocol/openid-connect/token'],
    ['POSTIZ_OAUTH_USERINFO_URL', 'https://id.example.com/realms/staff/protocol/openid-connect/userinfo'],
    ['POSTIZ_OAUTH_CLIENT_ID', 'postiz'],
    ['NEXT_PUBLIC_POSTIZ_OAUTH_DISPLAY_NAME', 'Example ID'],
    ['NEXT_PUBLIC_POSTIZ_OAUTH_LOGO_URL', 'https://id.example.com/logo.png'],
  ])('web tier sets %s', (name, value) => {
    expect(environmentOf(web)[name]).toBe(value);
  });

  test('variables read nowhere stay unset', () => {
    expect(environmentOf(web)).not.toHaveProperty('POSTIZ_OAUTH_URL');
    expect(environmentOf(web)).not.toHaveProperty('POSTIZ_OAUTH_SCOPE');
  });

  test('client secret reaches the web tier as an ECS secret only', () => {
    const secrets = Object.fromEntries(web.Secrets.map((entry: { Name: string; ValueFrom: unknown }) =>
      [entry.Name, JSON.stringify(entry.ValueFrom)]));
    expect(secrets.POSTIZ_OAUTH_CLIENT_SECRET).toMatch(/PostizSsoClientSecret.*:clientSecret::/);
    expect(environmentOf(web)).not.toHaveProperty('POSTIZ_OAUTH_CLIENT_SECRET');
  });

  test('worker tier gets no SSO settings', () => {
    expect(Object.keys(environmentOf(worker)).filter((name) => name.includes('OAUTH'))).toEqual([]);
    expect(worker.Secrets.map((entry: { Name: string }) => entry.Name)).not.toContain('POSTIZ_OAUTH_CLIENT_SECRET');
  });

  test('created client secret holds only a generated placeholder', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('OpenID Connect client secret'),
      GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'clientSecret', ExcludePunctuation: true },
    });
  });

  test('outputs the redirect URI', () => {
    template.hasOutput('*', { Value: 'https://social.example.com/settings' });
  });

  test('warns that registration is open to SSO users', () => {
    Annotations.fromStack(stack).hasWarning('/Test/Postiz/Sso', Match.stringLikeRegexp('registers every user who signs in'));
  });
});

describe('PostizOidcSso settings', () => {
  test('an existing secret and field are used as given', () => {
    const stack = newStack();
    const clientSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Existing', 'postiz/oidc');
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      sso: { endpoints: OidcEndpoints.fromGoogle(), clientId: 'abc.apps.googleusercontent.com', clientSecret, clientSecretField: 'secret' },
    });
    const template = Template.fromStack(stack);
    const web = containerOf(template, 'PostizComputeWebTaskDefinition');
    const secret = web.Secrets.find((entry: { Name: string }) => entry.Name === 'POSTIZ_OAUTH_CLIENT_SECRET');
    expect(JSON.stringify(secret.ValueFrom)).toMatch(/postiz\/oidc.*:secret::/);
    expect(Object.values(template.findResources('AWS::SecretsManager::Secret', {
      Properties: { Description: Match.stringLikeRegexp('OpenID Connect') },
    }))).toHaveLength(0);
  });

  test.each([
    ['Okta', OidcEndpoints.fromOkta('https://example.okta.com/oauth2/default/'),
      ['https://example.okta.com/oauth2/default/v1/authorize', 'https://example.okta.com/oauth2/default/v1/token', 'https://example.okta.com/oauth2/default/v1/userinfo']],
    ['Auth0', OidcEndpoints.fromAuth0('https://example.eu.auth0.com'),
      ['https://example.eu.auth0.com/authorize', 'https://example.eu.auth0.com/oauth/token', 'https://example.eu.auth0.com/userinfo']],
    ['Entra ID', OidcEndpoints.fromEntraId('example.onmicrosoft.com'),
      ['https://login.microsoftonline.com/example.onmicrosoft.com/oauth2/v2.0/authorize',
        'https://login.microsoftonline.com/example.onmicrosoft.com/oauth2/v2.0/token', 'https://graph.microsoft.com/oidc/userinfo']],
    ['Cognito', OidcEndpoints.fromCognito('https://auth.example.com'),
      ['https://auth.example.com/oauth2/authorize', 'https://auth.example.com/oauth2/token', 'https://auth.example.com/oauth2/userInfo']],
  ])('%s endpoints follow the provider layout', (_, endpoints, expected) => {
    expect([endpoints.authorizationUrl, endpoints.tokenUrl, endpoints.userInfoUrl]).toEqual(expected);
  });

  test.each<[string, PostizOidcSsoOptions, RegExp]>([
    ['an HTTP endpoint', { endpoints: OidcEndpoints.fromUrls('http://id.example.com/auth', 'https://id.example.com/token', 'https://id.example.com/userinfo'), clientId: 'postiz' },
      /sso.endpoints.authorizationUrl 'http:\/\/id.example.com\/auth' is not HTTPS/],
    ['a trailing slash', { endpoints: OidcEndpoints.fromUrls('https://id.example.com/auth', 'https://id.example.com/token/', 'https://id.example.com/userinfo'), clientId: 'postiz' },
      /sso.endpoints.tokenUrl 'https:\/\/id.example.com\/token\/' ends with a slash.*Remove the trailing slash/],
    ['a missing endpoint', { endpoints: OidcEndpoints.fromUrls('https://id.example.com/auth', 'https://id.example.com/token', ''), clientId: 'postiz' },
      /sso.endpoints.userInfoUrl '' is not a URL/],
    ['an HTTP logo', { endpoints: KEYCLOAK, clientId: 'postiz', logoUrl: 'http://cdn.example.com/logo.png' }, /sso.logoUrl 'http:\/\/cdn.example.com\/logo.png' is not HTTPS/],
    ['a client id with spaces', { endpoints: KEYCLOAK, clientId: 'my client' }, /sso.clientId 'my client' is invalid/],
  ])('rejects %s', (_, sso, message) => {
    expect(() => synth(sso)).toThrow(message);
  });
});
