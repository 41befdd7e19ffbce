import { Queue, type Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { deadLetterQueue, ticketsQueue } from './definitions.js';
import { deadLetterId } from './dead-letter.js';
import { openQueue, startConsumer } from './factory.js';
import { openFleetContext, type FleetContext } from './fleet-context.js';

const ticket = (id: string) => ({ id, body: 'The export button does nothing.', receivedAt: new Date().toISOString() });

describe('dead letter', () => {
  let prefix: string;
  let fleet: FleetContext;
  let worker: Worker | undefined;

  beforeEach(async () => {
    prefix = uniquePrefix('dlq');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 1,
    });
  });
  afterEach(async () => {
    await worker?.close();
    await fleet.close();
    await dropPrefix(prefix);
  });

  it('sends a malformed payload to dead letter at once, without retries', async () => {
    let calls = 0;
    worker = startConsumer(ticketsQueue, fleet.ctx, { concurrency: 1, onExhausted: fleet.deadLetter }, () => {
      calls++;
      return Promise.resolve();
    });
    const raw = new Queue(ticketsQueue.queueName, { connection: fleet.redis, prefix });
    await raw.add('classify', { ticket: { id: 'bad one', body: 42 } }, { jobId: 't-bad', attempts: 5 });
    const dlq = new Queue(deadLetterQueue.queueName, { connection: fleet.redis, prefix });
    const dead = await waitFor(() => dlq.getJob(deadLetterId('tickets', 't-bad')), 10_000, 'dead-letter copy');
    expect(await fleet.store.status('bad one')).toBeUndefined();
    expect(deadLetterQueue.schema.parse(dead.data)).toMatchObject({
      error: expect.stringMatching(/invalid tickets payload: ticket\.id: .*ticket\.body/) as unknown,
      attemptsMade: 1,
    });
    expect(calls).toBe(0);
    await raw.close();
    await dlq.close();
  });

  it('a poison job that crashes its worker every time ends in dead letter, and the jobs around it flow', async () => {
    const processed: string[] = [];
    worker = startConsumer(
      ticketsQueue,
      fleet.ctx,
      { concurrency: 2, onExhausted: fleet.deadLetter },
      ({ ticket: t }) => {
        if (t.id === 'poison') throw new TypeError("Cannot read properties of undefined (reading 'category')");
        processed.push(t.id);
        return Promise.resolve();
      },
    );
    const tickets = openQueue(ticketsQueue, fleet.ctx);
    await tickets.add('t-poison', { ticket: ticket('poison') }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    for (let i = 0; i < 30; i++) await tickets.add(`t-ok${i}`, { ticket: ticket(`ok${i}`) });
    const dlq = new Queue(deadLetterQueue.queueName, { connection: fleet.redis, prefix });
    const dead = await waitFor(
      () => dlq.getJob(deadLetterId('tickets', 't-poison')),
      10_000,
      'the poison job in dead letter',
    );
    expect(dead.data).toMatchObject({ attemptsMade: 3 });
    await waitFor(() => (processed.length === 30 ? true : undefined), 10_000, 'every other job');
    await dlq.close();
    await tickets.close();
  });
});
