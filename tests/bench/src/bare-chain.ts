import { Queue, Worker, type Job } from 'bullmq';
import type { Ticket } from '@switchboard/core';
import { createRedis, DEFAULT_JOB_OPTIONS, jobIdForTicket } from '@switchboard/queues';

export interface BareChain {
  enqueue(tickets: readonly Ticket[]): Promise<void>;
  done(): number;
  close(): Promise<void>;
}

/**
 * The baseline: the fleet's queue hops (in → worker → middle → worker → out) in bare BullMQ with
 * no-op processors that only pass the ticket on, the same job options, ids, payload and concurrency.
 * What the fleet loses against it is the cost of its own work per job.
 */
export function startBareChain(opts: { redisUrl: string; prefix: string; concurrency: [number, number] }): BareChain {
  const redis = createRedis(opts.redisUrl, 'worker');
  const queue = (name: string): Queue => new Queue(name, { connection: redis, prefix: opts.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const [a, b, c] = [queue('bare-in'), queue('bare-mid'), queue('bare-out')];
  let done = 0;
  const hop = (from: Queue, to: Queue, concurrency: number): Worker =>
    new Worker(
      from.name,
      async (job: Job<{ ticket: Ticket }>) => {
        await to.add('hop', job.data, { jobId: job.id });
      },
      { connection: redis, prefix: opts.prefix, concurrency, maxStalledCount: 2 },
    );
  const workers = [hop(a, b, opts.concurrency[0]), hop(b, c, opts.concurrency[1])];
  workers[1]?.on('completed', () => done++);
  // Errors would show as a slower baseline; listeners only keep an unhandled 'error' from crashing the run.
  for (const q of [a, b, c]) q.on('error', () => undefined);
  for (const w of workers) w.on('error', () => undefined);
  return {
    async enqueue(tickets) {
      for (let i = 0; i < tickets.length; i += 500) {
        await a.addBulk(tickets.slice(i, i + 500).map((ticket) => ({ name: 'hop', data: { ticket }, opts: { jobId: jobIdForTicket(ticket.id) } })));
      }
    },
    done: () => done,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([a.close(), b.close(), c.close()]);
      await redis.quit();
    },
  };
}
