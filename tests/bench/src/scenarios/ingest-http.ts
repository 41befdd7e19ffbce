import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ticketsQueue } from '@switchboard/queues';
import { dropPrefix } from '@switchboard/testkit';
import type { BenchContext, ScenarioResult } from '../bench-context.js';
import { startIngestChild } from '../app-child.js';
import { fmt } from '../table.js';
import { ticketAt } from '../tickets.js';

const KEY = 'bench-key-0123456789abcdef';
const CONNECTIONS = 50;
export const BATCH_SIZE = 100;

interface Run {
  requestsPerSec: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  non2xx: number;
  seconds: number;
}

async function load(url: string, path: string, seconds: number, body: (n: number) => unknown): Promise<Run> {
  let n = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        // A fresh id on every request, so each one is a new ticket and not a cheap duplicate answer.
        setupRequest: (req) => ({ ...req, body: JSON.stringify(body(n++)) }),
      },
    ],
  });
  return {
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    seconds,
  };
}

/**
 * Scenario 2: autocannon with 50 connections against the real ingest app in a child process, first
 * single tickets, then batches of BATCH_SIZE. Tickets accepted are counted from the tickets queue in
 * Redis, not from status codes. Nothing consumes the queue meanwhile (ingest's cost alone).
 */
export async function runIngest(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = Math.max(3, Math.round(10 * ctx.scale));
  const prefix = `${ctx.prefix}-ingest`;
  const ingest = await startIngestChild({
    repoRoot: ctx.repoRoot,
    env: { REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: prefix, INGEST_API_KEYS: KEY, LOG_LEVEL: 'info' },
    nodeFlags: ctx.childNodeFlags,
  });
  const redis = new Redis(ctx.redisUrl);
  const queue = new Queue(ticketsQueue.queueName, { connection: redis, prefix });
  const queued = async (): Promise<number> => (await queue.getJobCounts('waiting')).waiting ?? 0;
  const loadSingle = loadavg()[0] ?? 0;
  const single = await load(ingest.url, '/v1/tickets', seconds, (n) => {
    const { receivedAt: _r, ...t } = ticketAt(ctx.corpus, `${ctx.runId}s`, n);
    return t;
  });
  const afterSingle = await queued();
  const loadBatch = loadavg()[0] ?? 0;
  const batch = await load(ingest.url, '/v1/tickets/batch', seconds, (n) => ({
    tickets: Array.from({ length: BATCH_SIZE }, (_, i) => {
      const { receivedAt: _r, ...t } = ticketAt(ctx.corpus, `${ctx.runId}m`, n * BATCH_SIZE + i);
      return t;
    }),
  }));
  const batchTickets = (await queued()) - afterSingle;
  await ingest.stop();
  await queue.close();
  redis.disconnect();
  await dropPrefix(prefix, ctx.redisUrl);

  const batchRate = batchTickets / batch.seconds;
  return {
    rows: [
      {
        scenario: '2 ingest',
        metric: `single: req/s (${CONNECTIONS} conns), accepted/s`,
        value: `${fmt(single.requestsPerSec)}, ${fmt(afterSingle / single.seconds)}  (load ${fmt(loadSingle, 2)})`,
      },
      {
        scenario: '2 ingest',
        metric: 'single: latency p50 / p99 (ms)',
        value: `${fmt(single.p50, 1)} / ${fmt(single.p99, 1)}`,
        target: 'p99 < 50',
        pass: single.p99 < 50,
      },
      {
        scenario: '2 ingest',
        metric: `batch of ${BATCH_SIZE}: req/s, p50 / p99 (ms)`,
        value: `${fmt(batch.requestsPerSec, 1)}, ${fmt(batch.p50)} / ${fmt(batch.p99)}  (load ${fmt(loadBatch, 2)})`,
      },
      {
        scenario: '2 ingest',
        metric: 'batch: tickets accepted/s',
        value: fmt(batchRate),
        target: '>= 3000',
        pass: batchRate >= 3000,
      },
      {
        scenario: '2 ingest',
        metric: 'non-2xx / errors (single, batch)',
        value: `${single.non2xx + single.errors}, ${batch.non2xx + batch.errors}`,
        target: '0',
        pass: single.non2xx + single.errors + batch.non2xx + batch.errors === 0,
      },
    ],
    data: {
      connections: CONNECTIONS,
      batchSize: BATCH_SIZE,
      single: { ...single, accepted: afterSingle },
      batch: { ...batch, accepted: batchTickets, ticketsPerSec: batchRate },
      loadAvg: { single: loadSingle, batch: loadBatch },
    },
  };
}
