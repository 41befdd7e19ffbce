import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Ticket } from '@switchboard/core';
import { createRedis, DEFAULT_JOB_OPTIONS, jobIdForTicket } from '@switchboard/queues';
import { inBatches } from './tickets.js';

export interface BareChain {
  enqueue(tickets: readonly Ticket[]): Promise<void>;
  done(): number | Promise<number>;
  close(): Promise<void>;
}

export const BARE_QUEUES = ['bare-in', 'bare-mid', 'bare-out'] as const;

const queueOf = (redis: Redis, prefix: string, name: string): Queue =>
  new Queue(name, { connection: redis, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });

/** Work a hop does before passing the ticket on; none in the baseline proper. */
export type HopWork = (ticket: Ticket) => Promise<void>;

/** One hop of the bare chain: a worker on `from` whose processor (a no-op unless given work) passes the job to `to`. */
export function startHop(
  redis: Redis,
  prefix: string,
  hop: 0 | 1,
  concurrency: number,
  work?: HopWork,
): { worker: Worker; close(): Promise<void> } {
  const to = queueOf(redis, prefix, BARE_QUEUES[hop + 1] ?? 'bare-out');
  const worker = new Worker(
    BARE_QUEUES[hop],
    async (job: Job<{ ticket: Ticket }>) => {
      if (work) await work(job.data.ticket);
      await to.add('hop', job.data, { jobId: job.id });
    },
    { connection: redis, prefix, concurrency, maxStalledCount: 2 },
  );
  // Errors would show as a slower baseline; listeners only keep an unhandled 'error' from crashing the run.
  to.on('error', () => undefined);
  worker.on('error', () => undefined);
  return {
    worker,
    async close() {
      await worker.close();
      await to.close();
    },
  };
}

function producer(redis: Redis, prefix: string): Pick<BareChain, 'enqueue'> & { queue: Queue } {
  const queue = queueOf(redis, prefix, BARE_QUEUES[0]);
  queue.on('error', () => undefined);
  return {
    queue,
    enqueue: (tickets) =>
      inBatches(tickets, async (batch) => {
        await queue.addBulk(
          batch.map((ticket) => ({ name: 'hop', data: { ticket }, opts: { jobId: jobIdForTicket(ticket.id) } })),
        );
      }),
  };
}

/**
 * The baseline: the fleet's queue hops (in → worker → middle → worker → out) in bare BullMQ with
 * no-op processors that only pass the ticket on, the same job options, ids, payload and concurrency.
 * What the fleet loses against it is the cost of its own work per job.
 */
export function startBareChain(opts: {
  redisUrl: string;
  prefix: string;
  concurrency: [number, number];
  firstHopWork?: HopWork;
}): BareChain {
  const redis = createRedis(opts.redisUrl, 'worker');
  const input = producer(redis, opts.prefix);
  const hops = [
    startHop(redis, opts.prefix, 0, opts.concurrency[0], opts.firstHopWork),
    startHop(redis, opts.prefix, 1, opts.concurrency[1]),
  ];
  let done = 0;
  hops[1]?.worker.on('completed', () => done++);
  return {
    enqueue: input.enqueue,
    done: () => done,
    async close() {
      for (const h of hops) await h.close();
      await input.queue.close();
      await redis.quit();
    },
  };
}

const hopEntry = fileURLToPath(new URL('./bare-hop-child.ts', import.meta.url));

/** The same chain with each hop in its own process, as the fleet's apps run: the fair baseline for them. */
export async function startBareChainProcesses(opts: {
  redisUrl: string;
  prefix: string;
  concurrency: [number, number];
}): Promise<BareChain> {
  const children = ([0, 1] as const).map((hop) =>
    fork(
      hopEntry,
      [JSON.stringify({ redisUrl: opts.redisUrl, prefix: opts.prefix, hop, concurrency: opts.concurrency[hop] })],
      { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    ),
  );
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          c.once('message', () => resolve());
          c.once('exit', (code) => reject(new Error(`bare hop exited (${code})`)));
        }),
    ),
  );
  const redis = createRedis(opts.redisUrl, 'worker');
  const input = producer(redis, opts.prefix);
  const out = `${opts.prefix}:${BARE_QUEUES[2]}:wait`;
  return {
    enqueue: input.enqueue,
    // Jobs in the last queue: nobody consumes it.
    done: () => redis.llen(out),
    async close() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.send('close');
            }),
        ),
      );
      await input.queue.close();
      await redis.quit();
    },
  };
}
