import type { Queue } from 'bullmq';
import type { RedisClient as Redis } from '@switchboard/queues';
import { allQueueDefs, connectRedis, openBullQueue, waitForRedis } from '@switchboard/queues';
import type { Logger } from '@switchboard/runtime';

export interface BoardQueues {
  /** One BullMQ queue per queue of the fleet, in declaration order; both boards wrap the same ones. */
  readonly queues: readonly Queue[];
  readonly redis: Redis;
  close(): Promise<void>;
}

export interface BoardQueuesOptions {
  redisUrl: string;
  /** The fleet's QUEUE_PREFIX: a board on another prefix would show empty queues, not an error. */
  prefix: string;
  logger: Logger;
  connectTimeoutMs?: number;
  /** REDIS_URL names a Redis Cluster node. */
  cluster?: boolean;
}

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
  const queues = allQueueDefs().map((def) => openBullQueue(def, ctx));
  return {
    queues,
    redis,
    async close() {
      await Promise.all(queues.map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
