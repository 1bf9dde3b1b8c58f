/**
 * The three endpoints of an OpenID Connect identity provider that Postiz's generic OAuth
 * login calls: authorization, token and userinfo.
 *
 * Postiz does not read an issuer's discovery document, so the endpoints are given
 * explicitly, or derived from an issuer with the layout of a common identity provider.
 */
export class OidcEndpoints {
  /**
   * Endpoints given one by one.
   */
  public static fromUrls(authorizationUrl: string, tokenUrl: string, userInfoUrl: string): OidcEndpoints {
    return new OidcEndpoints(authorizationUrl, tokenUrl, userInfoUrl);
  }

  /**
   * Endpoints of a Keycloak realm, such as `fromKeycloak('https://id.example.com', 'staff')`.
   */
  public static fromKeycloak(baseUrl: string, realm: string): OidcEndpoints {
    const issuer = `${trimSlash(baseUrl)}/realms/${realm}/protocol/openid-connect`;
    return new OidcEndpoints(`${issuer}/auth`, `${issuer}/token`, `${issuer}/userinfo`);
  }

  /**
   * Endpoints of an Okta authorization server, such as
   * `fromOkta('https://example.okta.com/oauth2/default')`.
   */
  public static fromOkta(issuer: string): OidcEndpoints {
    const base = `${trimSlash(issuer)}/v1`;
    return new OidcEndpoints(`${base}/authorize`, `${base}/token`, `${base}/userinfo`);
  }

  /**
   * Endpoints of an Auth0 tenant, such as `fromAuth0('https://example.eu.auth0.com')`.
   */
  public static fromAuth0(issuer: string): OidcEndpoints {
    const base = trimSlash(issuer);
    return new OidcEndpoints(`${base}/authorize`, `${base}/oauth/token`, `${base}/userinfo`);
  }

  /**
   * Endpoints of a Microsoft Entra ID tenant (v2.0), by tenant id or domain.
   */
  public static fromEntraId(tenant: string): OidcEndpoints {
    const base = `https://login.microsoftonline.com/${tenant}/oauth2/v2.0`;
    return new OidcEndpoints(`${base}/authorize`, `${base}/token`, 'https://graph.microsoft.com/oidc/userinfo');
  }

  /**
   * Endpoints of an Amazon Cognito user pool domain, such as
   * `fromCognito('https://auth.example.com')`.
   */
  public static fromCognito(domainUrl: string): OidcEndpoints {
    const base = `${trimSlash(domainUrl)}/oauth2`;
    return new OidcEndpoints(`${base}/authorize`, `${base}/token`, `${base}/userInfo`);
  }

  /**
   * Endpoints of Google accounts.
   */
  public static fromGoogle(): OidcEndpoints {
    return new OidcEndpoints(
      'https://accounts.google.com/o/oauth2/v2/auth',
      'https://oauth2.googleapis.com/token',
      'https://openidconnect.googleapis.com/v1/userinfo',
    );
  }

  /** URL of the authorization endpoint (`POSTIZ_OAUTH_AUTH_URL`). */
  public readonly authorizationUrl: string;

  /** URL of the token endpoint (`POSTIZ_OAUTH_TOKEN_URL`). */
  public readonly tokenUrl: string;

  /** URL of the userinfo endpoint (`POSTIZ_OAUTH_USERINFO_URL`). */
  public readonly userInfoUrl: string;

  private constructor(authorizationUrl: string, tokenUrl: string, userInfoUrl: string) {
    this.authorizationUrl = authorizationUrl;
    this.tokenUrl = tokenUrl;
    this.userInfoUrl = userInfoUrl;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
