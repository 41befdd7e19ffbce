import { afterEach, describe, expect, it } from 'vitest';
import { createAppMetrics } from '@switchboard/runtime';
import { dropPrefix, testLogger, uniquePrefix } from '@switchboard/testkit';
import { type IngestOptions, type IngestServer } from './server.js';
import { startIngestRig, type IngestRig } from './testing/ingest-rig.js';

const KEY = 'test-key-0123456789abcdef';
const SCRAPE_TOKEN = 'scrape-token-0123456789';
const auth = { authorization: `Bearer ${KEY}` };

describe('ingest /metrics', { timeout: 30_000 }, () => {
  let prefix: string;
  let app: IngestServer;
  let rig: IngestRig;

  const start = async (extra: Partial<IngestOptions>): Promise<IngestServer> => {
    prefix = uniquePrefix('ingest-metrics');
    rig = await startIngestRig({
      prefix,
      apiKeys: [KEY],
      redisTimeoutMs: 3_000,
      logger: testLogger('ingest'),
      metrics: extra.metrics,
      server: () => extra,
    });
    ({ app } = rig);
    return app;
  };

  afterEach(async () => {
    await rig.close();
    await dropPrefix(prefix);
  });

  it('counts tickets accepted, duplicate and rejected, and requests by route pattern, without an API key to scrape', async () => {
    await start({ metrics: createAppMetrics({ app: 'ingest', processMetrics: false }) });
    const post = (url: string, payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url, headers: auth, payload });
    expect((await post('/v1/tickets', { id: 'm-1', body: 'Where is my invoice?' })).statusCode).toBe(202);
    expect((await post('/v1/tickets', { id: 'm-1', body: 'Where is my invoice?' })).statusCode).toBe(200);
    expect((await post('/v1/tickets', { id: 'm 2', body: 'bad id' })).statusCode).toBe(400);
    const batch = await post('/v1/tickets/batch', {
      tickets: [{ id: 'm-3', body: 'a' }, { id: 'm-1', body: 'again' }, { id: 'm-4' }],
    });
    expect(batch.json()).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect((await app.inject({ method: 'GET', url: '/v1/tickets/m-3', headers: auth })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/tickets/m-unknown', headers: auth })).statusCode).toBe(404);

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = res.body.split('\n');
    for (const line of [
      'switchboard_tickets_ingested_total{result="accepted",app="ingest"} 2',
      'switchboard_tickets_ingested_total{result="duplicate",app="ingest"} 2',
      'switchboard_tickets_ingested_total{result="rejected",app="ingest"} 2',
      'switchboard_queue_jobs_added_total{queue="tickets",app="ingest"} 2',
      'switchboard_http_requests_total{route="/v1/tickets",method="POST",status="202",app="ingest"} 1',
      'switchboard_http_requests_total{route="/v1/tickets/:id",method="GET",status="404",app="ingest"} 1',
    ]) {
      expect(lines).toContain(line);
    }
    // The ticket id in the path is not a label value.
    expect(res.body).not.toContain('m-unknown');
  });

  it('with a metrics token, asks for it and takes no API key instead; the token opens nothing else', async () => {
    await start({ metrics: createAppMetrics({ app: 'ingest', processMetrics: false }), metricsToken: SCRAPE_TOKEN });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1/tickets/m-1',
          headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
        })
      ).statusCode,
    ).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('has no /metrics route when built without metrics', async () => {
    await start({});
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).statusCode).toBe(404);
  });
});
