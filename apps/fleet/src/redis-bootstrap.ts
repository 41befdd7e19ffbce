import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

async function answers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_500,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export interface RedisHandle {
  url: string;
  /** The redis-server we started, if we had to; stopped with the fleet. */
  child?: ChildProcess;
}

/**
 * Uses the Redis on `url` when it answers; otherwise starts a throw-away `redis-server` (no disk) on
 * `fallbackPort`; otherwise explains how to get one.
 */
export async function ensureRedis(url: string, fallbackPort: number): Promise<RedisHandle> {
  if (await answers(url)) return { url };
  const which = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (which.error || which.status !== 0) {
    throw new Error(
      `No Redis answers on ${url}, and redis-server is not installed.\n` +
        `  Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n` +
        `  or run one with Docker: docker run -d -p 6379:6379 redis:7,\n` +
        `  or point REDIS_URL at yours.`,
    );
  }
  const child = spawn(
    'redis-server',
    ['--port', String(fallbackPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const local = `redis://127.0.0.1:${fallbackPort}`;
  for (let i = 0; i < 50; i++) {
    if (await answers(local)) return { url: local, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`started redis-server on port ${fallbackPort} but it did not answer`);
}
