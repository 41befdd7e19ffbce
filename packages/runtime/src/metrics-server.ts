import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AppMetrics } from './app-metrics.js';
import { bearerTokenChecker } from './bearer-token.js';

export interface MetricsServerOptions {
  metrics: Pick<AppMetrics, 'exposition'>;
  port: number;
  host: string;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; /healthz never does. */
  token?: string | undefined;
  logger: Logger;
}

export interface MetricsServer {
  /** Where it listens, e.g. http://0.0.0.0:9101 (the real port when 0 was asked for). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
};

/**
 * The small HTTP server a worker (which has no HTTP server of its own) exposes for Prometheus:
 * GET /metrics and GET /healthz, nothing else. Plain node:http: a framework would be more to
 * audit than these two routes.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const authorized = opts.token ? bearerTokenChecker(opts.token) : () => true;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname;
    if (path !== '/metrics' && path !== '/healthz') return send(res, 404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
    if (path === '/healthz') return send(res, 200, 'ok\n');
    if (!authorized(req.headers.authorization))
      return send(res, 401, 'unauthorized\n', { 'www-authenticate': 'Bearer' });
    const { contentType, body } = await opts.metrics.exposition();
    res.writeHead(200, { 'content-type': contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.logger.error({ err }, 'metrics scrape failed');
      if (!res.headersSent) send(res, 500, 'metrics unavailable\n');
      else res.destroy();
    });
  });
  // A scraper's idle keep-alive connection must not hold shutdown up.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be opened (${err.code ?? err.message})`;
      reject(
        new Error(`metrics port ${opts.host}:${opts.port} ${why}; set METRICS_PORT to a free port, 0 for any, or off`, {
          cause: err,
        }),
      );
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => opts.logger.error({ err }, 'metrics server error'));
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
