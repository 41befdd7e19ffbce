import type { Queue } from 'bullmq';
import type { z } from 'zod';
import { replayDeadLetters, type ReplayResult } from '@switchboard/lifecycle';
import type { QueueDef, RedisClient as Redis } from '@switchboard/queues';
import {
  allQueueDefs,
  connectRedis,
  deadLetterQueue,
  inspectQueue,
  openBullQueue,
  TicketStore,
  waitForRedis,
} from '@switchboard/queues';
import type { Logger } from '@switchboard/runtime';

/** A queue as the board shows it: the BullMQ queue and its catalog entry. */
export interface BoardQueue {
  readonly queue: Queue;
  readonly def: QueueDef<string, z.ZodType>;
}

/** One dead-lettered job as the replay page lists it. */
export interface DeadLetterEntry {
  id: string;
  queue: string | null;
  jobId: string | null;
  failedAt: string | null;
  error: string;
  attemptsMade: number | null;
}

export interface BoardQueues {
  /** Every queue of the fleet, in the pipeline's flow order (see `flowRank`). */
  readonly queues: readonly Queue[];
  readonly entries: readonly BoardQueue[];
  readonly redis: Redis;
  /** The dead-lettered jobs, newest first (at most `limit`). */
  deadLetters(limit?: number): Promise<DeadLetterEntry[]>;
  /** The same code as `ops dead-letter replay`: the given ids, or every entry when none are given. */
  replay(ids?: readonly string[]): Promise<ReplayResult>;
  close(): Promise<void>;
}

export interface BoardQueuesOptions {
  redisUrl: string;
  /** The fleet's QUEUE_PREFIX: a board on another prefix would show empty queues, not an error. */
  prefix: string;
  logger: Logger;
  /** RECORD_RETENTION_DAYS: a replay reopens the ticket's record with the fleet's retention (default 30). */
  retentionDays?: number;
  connectTimeoutMs?: number;
  /** REDIS_URL names a Redis Cluster node. */
  cluster?: boolean;
}

/**
 * The steps a ticket flows through, in order; on-call reads the board top to bottom as the pipeline
 * runs. Queues that do the same kind of work share a step: the team queues; the deliveries out of the
 * fleet (a team's webhook, a helpdesk connector's write-back, `zendesk-writeback`, ...); the drift
 * app's scheduled jobs (the weekly check and the nightly retrain). At most nine steps: Bull Board
 * sorts card names as text, and `10 · …` would come before `2 · …`.
 */
const FLOW: readonly (readonly string[])[] = [
  ['tickets'],
  ['decisions'],
  ['human-review'],
  ['team-*'],
  ['team-webhooks', '*-writeback'],
  ['dead-letter'],
  ['drift', 'retrain'],
  ['alerts'],
  // After delivery: the free tier's spot checks and the live guard's ground truth.
  ['tier-checks'],
];

const matches = (pattern: string, queueName: string): boolean =>
  pattern.startsWith('*')
    ? queueName.endsWith(pattern.slice(1))
    : pattern.endsWith('*')
      ? queueName.startsWith(pattern.slice(0, -1)) && !FLOW.some((step) => step.includes(queueName))
      : pattern === queueName;

/** A queue's step in the flow (0-based); a queue no step names goes last. */
export function flowRank(queueName: string): number {
  const step = FLOW.findIndex((patterns) => patterns.some((p) => matches(p, queueName)));
  return step >= 0 ? step : FLOW.length;
}

/** The catalog's queues in flow order; within a step (the team queues) by name, as the board sorts its cards. */
export const flowOrderedDefs = (): QueueDef<string, z.ZodType>[] =>
  allQueueDefs().sort(
    (a, b) => flowRank(a.queueName) - flowRank(b.queueName) || a.queueName.localeCompare(b.queueName),
  );

/**
 * Opens every queue the fleet declares over one connection. The connection fails fast (producer
 * role): with Redis down a board request errors at once instead of hanging the page.
 */
export async function openBoardQueues(opts: BoardQueuesOptions): Promise<BoardQueues> {
  const redis = connectRedis(opts.redisUrl, 'producer', opts.cluster ?? false);
  redis.on('error', (err: Error) => opts.logger.warn({ err: { message: err.message } }, 'redis connection error'));
  try {
    await waitForRedis(redis, opts.connectTimeoutMs ?? 10_000);
  } catch (err) {
    redis.disconnect();
    const where = opts.redisUrl.replace(/\/\/[^@]*@/, '//***@');
    throw new Error(`cannot reach Redis at ${where}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  // Jobs an operator adds from the board get their queue's declared policy, like any producer's.
  const ctx = { connection: redis, prefix: opts.prefix, logger: opts.logger };
  const entries = flowOrderedDefs().map((def) => ({ def, queue: openBullQueue(def, ctx) }));
  const store = new TicketStore(redis, opts.prefix, (opts.retentionDays ?? 30) * 24 * 3600);
  const dlq = inspectQueue(deadLetterQueue, ctx);
  return {
    queues: entries.map((e) => e.queue),
    entries,
    redis,
    async deadLetters(limit = 500) {
      const jobs = await dlq.list(['waiting', 'prioritized', 'delayed', 'completed', 'failed'], { end: limit - 1 });
      return jobs.map((j) =>
        j.ok
          ? {
              id: j.id,
              queue: j.data.queue,
              jobId: j.data.jobId,
              failedAt: j.data.failedAt,
              error: j.data.error,
              attemptsMade: j.data.attemptsMade,
            }
          : { id: j.id, queue: null, jobId: null, failedAt: null, error: j.problem, attemptsMade: null },
      );
    },
    replay: (ids) => replayDeadLetters(ctx, store, allQueueDefs(), ids),
    async close() {
      await Promise.all([...entries.map((e) => e.queue.close()), dlq.close()]);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
