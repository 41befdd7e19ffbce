import { loadavg } from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { deadLetterQueue, humanReviewQueue, teamQueue } from '@switchboard/queues';
import { TEAMS } from '@switchboard/core';
import { dropPrefix } from '@switchboard/testkit';
import { waitUntil, type BenchContext, type ScenarioResult } from '../bench-context.js';
import { startFakeProvider } from '../fake-provider.js';
import { sampleMemory, usedMemory } from '../redis-probe.js';
import { fmt } from '../table.js';
import { ticketAt } from '../tickets.js';
import { CLASSIFIER_CONCURRENCY, fakeTiers, startScenarioFleet } from '../fleet.js';

const MiB = 2 ** 20;

/** Jobs in every place a ticket can end, and in dead letter, read from Redis rather than trusted from events. */
async function countEnds(connection: Redis, prefix: string): Promise<{ delivered: number; deadLetters: number }> {
  const count = async (name: string): Promise<number> => {
    const q = new Queue(name, { connection, prefix });
    const c = await q.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed');
    await q.close();
    return Object.values(c).reduce((s, v) => s + v, 0);
  };
  const delivered = (
    await Promise.all([...TEAMS.map((t) => teamQueue(t).queueName), humanReviewQueue.queueName].map(count))
  ).reduce((s, v) => s + v, 0);
  return { delivered, deadLetters: await count(deadLetterQueue.queueName) };
}

/**
 * Scenario 4: 20,000 tickets land in the tickets queue at once (ingest's largest batches, back to back),
 * model tiers answering at once, default concurrency. Drain time, Redis's memory peak over the idle
 * figure, and a count from Redis that every ticket ended in exactly one place.
 */
export async function runBurst(ctx: BenchContext): Promise<ScenarioResult> {
  const n = Math.round(20_000 * ctx.scale);
  const fake = await startFakeProvider({ cheapDelayMs: 0, strongDelayMs: 0, strongShare: 0.1 });
  const fleet = await startScenarioFleet(ctx, 'burst', { concurrency: CLASSIFIER_CONCURRENCY, ...fakeTiers(fake.url) });
  const { prefix } = fleet;
  // A connection of its own for INFO and counts: the probe must not queue behind the fleet's commands.
  const redis = new Redis(ctx.redisUrl);
  const idle = await usedMemory(redis);
  const memory = sampleMemory(redis);
  const load = loadavg()[0] ?? 0;
  const start = performance.now();
  const arrival = new Date();
  await fleet.enqueue(Array.from({ length: n }, (_, i) => ticketAt(ctx.corpus, `${ctx.runId}u`, i, arrival)));
  const enqueuedS = (performance.now() - start) / 1000;
  const drained = await waitUntil(() => fleet.finished.length >= n, 240_000, 100);
  const drainS = (performance.now() - start) / 1000;
  const peak = await memory.stop();
  const ends = await countEnds(redis, prefix);
  const failed = fleet.failed;
  redis.disconnect();
  await fleet.close();
  await fake.close();
  await dropPrefix(prefix, ctx.redisUrl);
  const lost = n - ends.delivered;
  return {
    rows: [
      {
        scenario: '4 burst',
        metric: `${n} tickets at once: enqueue / drain (s)`,
        value: `${fmt(enqueuedS, 1)} / ${fmt(drainS, 1)}  (load ${fmt(load, 2)})`,
        ...(drained ? {} : { target: 'drained', pass: false }),
      },
      { scenario: '4 burst', metric: 'drain rate (tickets/s)', value: fmt(n / drainS) },
      {
        scenario: '4 burst',
        metric: 'Redis used_memory peak (MiB over idle)',
        value: `${fmt(peak / MiB, 1)} (${fmt((peak - idle) / MiB, 1)}), ${fmt((peak - idle) / n / 1024, 1)} KiB/ticket`,
      },
      {
        scenario: '4 burst',
        metric: 'lost / dead-lettered / failed attempts',
        value: `${lost} / ${ends.deadLetters} / ${failed}`,
        target: '0 / 0 / 0',
        pass: lost === 0 && ends.deadLetters === 0 && failed === 0,
      },
    ],
    data: {
      tickets: n,
      enqueueSeconds: enqueuedS,
      drainSeconds: drainS,
      drained,
      redisIdleBytes: idle,
      redisPeakBytes: peak,
      delivered: ends.delivered,
      deadLetters: ends.deadLetters,
      failedAttempts: failed,
      loadAvg: load,
    },
  };
}
