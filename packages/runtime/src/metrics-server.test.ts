import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppMetrics } from './app-metrics.js';
import { createLogger } from './logger.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';

const logger = createLogger({ name: 'metrics-test', level: 'silent' });
const TOKEN = 'scrape-token-0123456789';

/** One request on a fresh connection, or on `agent`'s (which may keep it open), with the body read. */
function get(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
        agent: init.agent ?? false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('metrics server', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (token?: string): Promise<MetricsServer> => {
    const metrics = createAppMetrics({ app: 'unit', processMetrics: false });
    metrics.pipeline.jobsAdded('tickets', 3);
    server = await startMetricsServer({ metrics, port: 0, host: '127.0.0.1', token, logger });
    return server;
  };

  it('serves the registry in the Prometheus text format on GET /metrics, and /healthz', async () => {
    const { port } = await start();
    const res = await get(port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE switchboard_queue_jobs_added_total counter');
    expect(res.body).toContain('switchboard_queue_jobs_added_total{queue="tickets",app="unit"} 3');
    expect(await get(port, '/metrics?debug=1')).toMatchObject({ status: 200 });
    expect(await get(port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('answers 404 for any other path and 405 for other methods', async () => {
    const { port } = await start();
    for (const path of ['/', '/metrics/', '/metricsx', '/v1/tickets', '/%6detrics']) {
      expect((await get(port, path)).status, path).toBe(404);
    }
    const post = await get(port, '/metrics', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('asks for the bearer token when one is configured, but never for /healthz', async () => {
    const { port } = await start(TOKEN);
    expect((await get(port, '/metrics')).status).toBe(401);
    expect((await get(port, '/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(
      401,
    );
    expect((await get(port, '/metrics', { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    const ok = await get(port, '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('switchboard_queue_jobs_added_total');
    expect((await get(port, '/healthz')).status).toBe(200);
  });

  it('answers 500, not a half-written page, when the registry cannot be read', async () => {
    server = await startMetricsServer({
      metrics: { exposition: () => Promise.reject(new Error('boom')) },
      port: 0,
      host: '127.0.0.1',
      logger,
    });
    expect((await get(server.port, '/metrics')).status).toBe(500);
    expect((await get(server.port, '/healthz')).status).toBe(200);
  });

  it('closes promptly with a scraper keep-alive connection open, and frees the port', async () => {
    const { port } = await start();
    // A connection left open by a keep-alive scrape would make a plain server.close() wait for it.
    const scraper = new Agent({ keepAlive: true });
    expect((await get(port, '/metrics', { agent: scraper })).status).toBe(200);
    const t0 = Date.now();
    await server?.close();
    await server?.close(); // idempotent: shutdown may call it twice
    expect(Date.now() - t0).toBeLessThan(1_000);
    server = undefined;
    scraper.destroy();
    await expect(get(port, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    // The port is free again: another process (a restarted worker) can take it.
    const again = await startMetricsServer({
      metrics: createAppMetrics({ app: 'again', processMetrics: false }),
      port,
      host: '127.0.0.1',
      logger,
    });
    expect(again.port).toBe(port);
    await again.close();
  });

  it('fails start-up with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(
        startMetricsServer({
          metrics: createAppMetrics({ app: 'x', processMetrics: false }),
          port,
          host: '127.0.0.1',
          logger,
        }),
      ).rejects.toThrow(
        `metrics port 127.0.0.1:${port} is already in use; set METRICS_PORT to a free port, 0 for any, or off`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
