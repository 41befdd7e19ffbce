import { Queue, type Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deadLetterId,
  deadLetterQueue,
  humanReviewQueue,
  openFleetContext,
  openQueue,
  startConsumer,
  ticketsQueue,
  type FleetContext,
} from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { TicketLifecycle } from './lifecycle.js';
import { replayDeadLetters } from './replay.js';

const ticket = (id: string) => ({ id, body: 'The export button does nothing.', receivedAt: new Date().toISOString() });

describe('dead-letter hand-over', () => {
  let prefix: string;
  let fleet: FleetContext;
  let lifecycle: TicketLifecycle;
  let worker: Worker | undefined;

  beforeEach(async () => {
    prefix = uniquePrefix('lc-dlq');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 1,
    });
    lifecycle = new TicketLifecycle({ ctx: fleet.ctx, store: fleet.store });
  });
  afterEach(async () => {
    await worker?.close();
    await lifecycle.close();
    await fleet.close();
    await dropPrefix(prefix);
  });

  it('copies a job that used its last attempt, hands its ticket to a person, and replays it', async () => {
    let broken = true;
    const processed: string[] = [];
    worker = startConsumer(
      ticketsQueue,
      fleet.ctx,
      { concurrency: 1, onExhausted: lifecycle.onExhausted(fleet.deadLetter) },
      ({ ticket: t }) => {
        if (broken) return Promise.reject(new Error('classifier bug'));
        processed.push(t.id);
        return Promise.resolve();
      },
    );
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await tickets.add('t-dl1', { ticket: ticket('dl1') }, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await fleet.store.markQueued('dl1', new Date().toISOString());

    const dlq = new Queue(deadLetterQueue.queueName, { connection: fleet.redis, prefix });
    const dead = await waitFor(() => dlq.getJob(deadLetterId('tickets', 't-dl1')), 10_000, 'dead-letter copy');
    expect(dead.data).toMatchObject({ queue: 'tickets', jobId: 't-dl1', error: 'classifier bug', attemptsMade: 2 });
    // The pipeline gave up, so a person gets the ticket: it still ends with someone.
    const review = new Queue(humanReviewQueue.queueName, { connection: fleet.redis, prefix });
    const handedOver = await waitFor(() => review.getJob('t-dl1'), 5_000, 'human-review copy');
    expect(handedOver.data).toMatchObject({ route: { escalated: true, reasons: ['pipeline_failed'] } });
    expect(await fleet.store.status('dl1')).toBe('escalated');

    broken = false;
    const result = await replayDeadLetters(fleet.ctx, fleet.store, [ticketsQueue]);
    expect(result).toEqual({ replayed: [deadLetterId('tickets', 't-dl1')], missing: [], skipped: [] });
    // Replayed, the ticket is withdrawn from human review so that it ends in one place only.
    expect(await review.getJob('t-dl1')).toBeUndefined();
    await review.close();
    await waitFor(() => (processed.includes('dl1') ? true : undefined), 10_000, 'replayed job to be processed');
    expect(await dlq.getJob(deadLetterId('tickets', 't-dl1'))).toBeUndefined();
    expect(await fleet.store.status('dl1')).toBe('queued');
    await dlq.close();
    await tickets.close();
  });

  it('leaves a ticket that was delivered before the pipeline failed where it is, and marks an unreadable one failed', async () => {
    worker = startConsumer(
      ticketsQueue,
      fleet.ctx,
      { concurrency: 1, onExhausted: lifecycle.onExhausted(fleet.deadLetter) },
      () => Promise.reject(new Error('late failure')),
    );
    // An earlier attempt had routed it to sales already.
    await fleet.store.markQueued('dl2', new Date().toISOString());
    await fleet.store.claimRoute('dl2', JSON.stringify({ team: 'sales', via: 'cheap', escalated: false, reasons: [] }));
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await tickets.add('t-dl2', { ticket: ticket('dl2') }, { attempts: 1 });
    const view = await waitFor(
      async () => {
        const v = await fleet.store.get('dl2');
        return v?.status === 'routed' ? v : undefined;
      },
      10_000,
      'the ticket to keep its route',
    );
    expect(view.error).toBe('tickets: late failure');
    const review = new Queue(humanReviewQueue.queueName, { connection: fleet.redis, prefix });
    expect(await review.getJob('t-dl2')).toBeUndefined();

    const raw = new Queue(ticketsQueue.queueName, { connection: fleet.redis, prefix });
    await raw.add('classify', { ticket: { id: 'dl3' } }, { jobId: 't-dl3', attempts: 1 });
    await waitFor(
      async () => ((await fleet.store.status('dl3')) === 'failed' ? true : undefined),
      10_000,
      'an unreadable ticket to be marked failed',
    );
    expect(await review.getJob('t-dl3')).toBeUndefined();
    const dlq = new Queue(deadLetterQueue.queueName, { connection: fleet.redis, prefix });
    expect(await dlq.getJob(deadLetterId('tickets', 't-dl3'))).toBeDefined();
    await Promise.all([review.close(), raw.close(), dlq.close(), tickets.close()]);
  });
});
