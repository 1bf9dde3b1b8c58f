import * as http from 'http';

/** One request that passed through the proxy. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, such as `/storage/v1/b/bucket/o?prefix=2026%2F03%2F10%2F`. */
  readonly url: string;
  readonly authorization?: string;
  /** Status the proxy injected, or undefined when it forwarded the request. */
  readonly injectedStatus?: number;
}

/** Returns the error status to respond with, or undefined to forward the request. */
export type FaultRule = (request: http.IncomingMessage, index: number) => number | undefined;

/** An HTTP proxy on 127.0.0.1 in front of a Cloud Storage emulator. */
export interface GcsProxy {
  /** Value for the `apiEndpoint` option of `Storage`. */
  readonly endpoint: string;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of `targetEndpoint`. It records every request with
 * its `Authorization` header. Requests that `rule` picks get its status and a Cloud Storage style
 * JSON error, and all others are forwarded unchanged.
 */
export async function startGcsProxy(targetEndpoint: string, rule: FaultRule = () => undefined): Promise<GcsProxy> {
  const target = new URL(targetEndpoint);
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((request, response) => {
    const index = requests.length;
    const status = rule(request, index);
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      injectedStatus: status,
    });
    if (status !== undefined) {
      // Reading the body first lets the client finish its upload and then see the status.
      request.resume();
      request.on('end', () => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: status, message: `Injected status ${status}` } }));
      });
      return;
    }
    const forwarded = http.request({
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: target.host },
    }, (upstream) => {
      response.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(response);
    });
    forwarded.on('error', (error) => response.destroy(error));
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Returns whether a request is a simple or resumable upload of an object whose name ends with `name`. */
export function isUploadOf(request: http.IncomingMessage, name: string): boolean {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  return request.method === 'POST' && url.pathname.startsWith('/upload/') && (url.searchParams.get('name') ?? '').endsWith(name);
}
