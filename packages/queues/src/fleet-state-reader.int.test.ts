import { DelayedError, type Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppMetrics, type AppMetrics } from '@switchboard/runtime';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { allQueueDefs, deadLetterQueue, decisionsQueue, ticketsQueue } from './definitions.js';
import { openQueue, startConsumer } from './factory.js';
import { openFleetContext, type FleetContext } from './fleet-context.js';
import { openFleetStateReader } from './fleet-state-reader.js';

const ticket = (id: string) => ({ ticket: { id, body: 'Where is my invoice?', receivedAt: new Date().toISOString() } });

describe('queue metrics', () => {
  let prefix: string;
  let fleet: FleetContext;
  let metrics: AppMetrics;
  let worker: Worker | undefined;

  beforeEach(async () => {
    prefix = uniquePrefix('qmetrics');
    metrics = createAppMetrics({ app: 'test', processMetrics: false });
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 1,
      metrics: metrics.pipeline,
    });
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await fleet.close();
    await dropPrefix(prefix);
  });

  const counter = async (name: string, labels: Record<string, string>): Promise<number | undefined> => {
    const values = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
    return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
  };

  it('reads every queue of the fleet by state, and the dead letters', async () => {
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await tickets.addMany([
      { jobId: 't-a', data: ticket('a') },
      { jobId: 't-b', data: ticket('b') },
    ]);
    await tickets.add('t-c', ticket('c'), { delay: 60_000 });
    const dlq = openQueue(deadLetterQueue, fleet.ctx);
    await dlq.add('tickets--t-x', {
      queue: 'tickets',
      jobName: 'classify',
      jobId: 't-x',
      data: {},
      error: 'boom',
      attemptsMade: 5,
      failedAt: new Date().toISOString(),
    });

    const reader = openFleetStateReader(fleet.ctx);
    try {
      const state = await reader.read();
      expect(state.queues.map((q) => q.queue)).toEqual(allQueueDefs().map((d) => d.queueName));
      expect(state.queues.find((q) => q.queue === 'tickets')?.counts).toEqual({
        waiting: 2,
        prioritized: 0,
        active: 0,
        delayed: 1,
        failed: 0,
      });
      expect(state.queues.find((q) => q.queue === decisionsQueue.queueName)?.counts).toEqual({
        waiting: 0,
        prioritized: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      });
      expect(state.deadLetterJobs).toBe(1);
    } finally {
      await reader.close();
      await Promise.all([tickets.close(), dlq.close()]);
    }
    // Producers opened on a context with metrics count what they add, in memory.
    expect(await counter('switchboard_queue_jobs_added_total', { queue: 'tickets' })).toBe(3);
    expect(await counter('switchboard_queue_jobs_added_total', { queue: 'dead-letter' })).toBe(1);
  });

  it('counts jobs a consumer completed, failed and deferred', async () => {
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    let deferred = false;
    worker = startConsumer(ticketsQueue, fleet.ctx, { concurrency: 1 }, async (data, job, _log, token) => {
      if (data.ticket.id === 'boom') throw new Error('classifier bug');
      if (data.ticket.id === 'later' && !deferred) {
        deferred = true;
        await job.moveToDelayed(Date.now() + 10, token);
        throw new DelayedError();
      }
    });
    await tickets.add('t-ok', ticket('ok'));
    await tickets.add('t-boom', ticket('boom'), { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await tickets.add('t-later', ticket('later'));
    await waitFor(
      async () =>
        (await counter('switchboard_queue_jobs_processed_total', { queue: 'tickets', result: 'completed' })) === 2
          ? true
          : undefined,
      10_000,
      'two completed',
    );
    await waitFor(
      async () =>
        (await counter('switchboard_queue_jobs_processed_total', { queue: 'tickets', result: 'failed' })) === 2
          ? true
          : undefined,
      10_000,
      'two failed attempts',
    );
    expect(await counter('switchboard_queue_jobs_processed_total', { queue: 'tickets', result: 'deferred' })).toBe(1);
    await tickets.close();
  });
});
