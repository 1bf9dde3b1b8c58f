import { createHash, createHmac, verify } from 'crypto';
import * as http from 'http';

/** One request that a stub received, with its body as text. */
export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Status and JSON body of a stub response. */
export interface StubResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A local HTTP server that responds with JSON and records each request. */
export interface HttpStub {
  /** Base URL, such as `http://127.0.0.1:43125`. */
  readonly url: string;
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 that responds to every request with `respond`. */
export async function startHttpStub(respond: (request: StubRequest) => StubResponse): Promise<HttpStub> {
  const requests: StubRequest[] = [];
  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: StubRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      let result: StubResponse;
      try {
        result = respond(request);
      } catch (error) {
        result = { status: 400, body: { error: 'invalid_request', error_description: (error as Error).message } };
      }
      response.writeHead(result.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Token endpoint of service-account assertions in gtoken 7.1, which google-auth-library 9.15 uses.
 * gtoken posts every assertion there and ignores the key's `token_uri`.
 */
export const GOOGLE_OAUTH_TOKEN_URL = 'https://www.googleapis.com/oauth2/v4/token';

/** Header and claims of a JWT, decoded without checking the signature. */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

/**
 * Verifies an RS256 JWT with the public key and returns its header and claims. Throws when the
 * token is malformed, uses another algorithm, or the signature does not match.
 */
export function verifyRs256Jwt(token: string, publicKeyPem: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw new Error('the assertion is not a JWT of three parts');
  }
  const [encodedHeader, encodedClaims, encodedSignature] = parts;
  const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'RS256') {
    throw new Error(`the assertion uses algorithm ${String(header.alg)}, not RS256`);
  }
  const signed = Buffer.from(`${encodedHeader}.${encodedClaims}`);
  if (!verify('RSA-SHA256', signed, publicKeyPem, Buffer.from(encodedSignature, 'base64url'))) {
    throw new Error('the assertion signature does not match the public key');
  }
  return { header, claims: JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as Record<string, unknown> };
}

/**
 * Starts an OAuth 2.0 token endpoint for the JWT bearer grant of service accounts. It verifies
 * the assertion's signature with `publicKeyPem` and its issuer, audience and lifetime, then
 * returns `accessToken`. Any failed check gets 400 `invalid_grant`, as Google responds.
 */
export async function startOAuthTokenStub(publicKeyPem: string, clientEmail: string, accessToken: string): Promise<HttpStub> {
  return startHttpStub((request) => {
    const form = new URLSearchParams(request.body);
    const failures: string[] = [];
    if (request.method !== 'POST') {
      failures.push(`method ${request.method}`);
    }
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      failures.push(`grant_type ${form.get('grant_type')}`);
    }
    let jwt: DecodedJwt | undefined;
    try {
      jwt = verifyRs256Jwt(form.get('assertion') ?? '', publicKeyPem);
    } catch (error) {
      failures.push((error as Error).message);
    }
    if (jwt !== undefined) {
      const { iss, aud, iat, exp, scope } = jwt.claims;
      if (iss !== clientEmail) {
        failures.push(`iss ${String(iss)}`);
      }
      if (aud !== GOOGLE_OAUTH_TOKEN_URL) {
        failures.push(`aud ${String(aud)}`);
      }
      if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= iat || exp - iat > 3600) {
        failures.push(`lifetime iat ${String(iat)} exp ${String(exp)}`);
      }
      if (typeof scope !== 'string' || !scope.split(' ').includes('https://www.googleapis.com/auth/devstorage.full_control')) {
        failures.push(`scope ${String(scope)}`);
      }
    }
    if (failures.length > 0) {
      return { status: 400, body: { error: 'invalid_grant', error_description: `Rejected: ${failures.join('; ')}` } };
    }
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 } };
  });
}

/** A signed AWS request as google-auth-library serializes it into the subject token. */
export interface SerializedAwsRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}

/** Parses the `subject_token` of an AWS token exchange: URL-encoded JSON of a signed request. */
export function parseAwsSubjectToken(subjectToken: string): SerializedAwsRequest {
  return JSON.parse(decodeURIComponent(subjectToken)) as SerializedAwsRequest;
}

/** Returns the value of a header of a serialized request, by case-insensitive name. */
export function headerOf(request: SerializedAwsRequest, name: string): string | undefined {
  return request.headers.find((header) => header.key.toLowerCase() === name.toLowerCase())?.value;
}

/**
 * Verifies the AWS Signature Version 4 of a serialized request with an empty body, as AWS STS
 * would. Returns the access key id of the signature, or throws with the reason it is invalid.
 */
export function verifyAwsSignatureV4(request: SerializedAwsRequest, secretAccessKey: string): string {
  const authorization = headerOf(request, 'authorization') ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/
    .exec(authorization);
  if (!match) {
    throw new Error(`the Authorization header is not an AWS4-HMAC-SHA256 signature: ${authorization.slice(0, 40)}`);
  }
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  const amzDate = headerOf(request, 'x-amz-date') ?? '';
  if (!amzDate.startsWith(date)) {
    throw new Error(`x-amz-date ${amzDate} does not match the credential date ${date}`);
  }

  const url = new URL(request.url);
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)])
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headerNames = signedHeaders.split(';');
  const canonicalHeaders = headerNames.map((name) => `${name}:${(headerOf(request, name) ?? '').trim()}\n`).join('');
  const canonicalRequest = [
    request.method,
    url.pathname || '/',
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256Hex(''),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) {
    key = hmac(key, part);
  }
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== signature) {
    throw new Error('the AWS signature does not match the secret access key');
  }
  return accessKeyId;
}

/** Orders strings by UTF-16 code units, which is byte order for the ASCII of encoded query names. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Gaxios options with an `adapter`, as `clientOptions.transporterOptions` of google-auth-library accept them. */
export interface RedirectingTransport {
  readonly transporterOptions: {
    adapter: (options: { url?: unknown }, defaultAdapter: (options: { url?: unknown }) => Promise<unknown>) => Promise<unknown>;
  };
  /** URLs that the auth client requested, before any redirect. */
  readonly requestedUrls: string[];
}

/**
 * Builds `transporterOptions` for the auth client of `Storage` that send requests for `fromUrl` to
 * `toUrl` and reject every other request that is not aimed at 127.0.0.1, so no test request
 * leaves the machine. gtoken 7 posts service-account assertions to `GOOGLE_OAUTH_TOKEN_URL` and
 * ignores the key's `token_uri`, so this is the only way to point that request at a local stub.
 */
export function redirectingTransport(fromUrl: string, toUrl: string): RedirectingTransport {
  const requestedUrls: string[] = [];
  return {
    requestedUrls,
    transporterOptions: {
      adapter: async (options, defaultAdapter) => {
        const url = String(options.url);
        requestedUrls.push(url);
        if (url === fromUrl) {
          return defaultAdapter({ ...options, url: toUrl });
        }
        if (new URL(url).hostname !== '127.0.0.1') {
          throw new Error(`Blocked a request to ${url}: tests send requests only to 127.0.0.1.`);
        }
        return defaultAdapter(options);
      },
    },
  };
}
