import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptTickets } from '@switchboard/ingest';
import {
  decisionsQueue,
  jobIdForTicket,
  openFleetContext,
  openQueue,
  ticketsQueue,
  type FleetContext,
} from '@switchboard/queues';
import {
  decisionJson,
  dropPrefix,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { spawnApp } from './child-apps.js';

describe('graceful shutdown', () => {
  const prefix = uniquePrefix('term');
  let fake: FakeProvider;
  let fleet: FleetContext;

  beforeAll(async () => {
    // Slow answers, so jobs are mid model call when SIGTERM arrives.
    fake = await startFakeOpenAI(() => ({
      content: decisionJson({ category: 'sales', priority: 'low', team: 'sales', confidence: 0.9 }),
      delayMs: 1_500,
    }));
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'producer',
      logger: testLogger(),
      retentionDays: 1,
    });
  });
  afterAll(async () => {
    await fleet.close();
    await fake.close();
    await dropPrefix(prefix);
  });

  it('SIGTERM finishes the jobs in flight, takes no new ones and exits 0', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `term-${i}`);
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await acceptTickets(
      ids.map((id) => ({ id, body: `Do you offer volume discounts? (${id})` })),
      { tickets, store: fleet.store, now: () => new Date() },
    );
    await tickets.close();

    const child = spawnApp('classifier', {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      MODEL_BASE_URL: fake.url,
      MODEL_API_KEY: 'k',
      CLASSIFIER_CONCURRENCY: '2',
      LOCAL_MODEL_PATH: 'off',
      LOG_LEVEL: 'info',
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    const ticketQ = new Queue(ticketsQueue.queueName, { connection: fleet.redis, prefix });
    await waitFor(
      async () => ((await ticketQ.getActiveCount()) === 2 ? true : undefined),
      20_000,
      'two jobs in flight',
    );

    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(output).toContain('shutdown complete');

    const decisionQ = new Queue(decisionsQueue.queueName, { connection: fleet.redis, prefix });
    const decided = (await Promise.all(ids.map((id) => decisionQ.getJob(jobIdForTicket(id))))).filter(Boolean);
    // The two in flight were finished; the rest were left waiting for the next worker, not dropped.
    expect(decided).toHaveLength(2);
    expect(await ticketQ.getWaitingCount()).toBe(4);
    expect(await ticketQ.getActiveCount()).toBe(0);
    await ticketQ.close();
    await decisionQ.close();
  });
});
