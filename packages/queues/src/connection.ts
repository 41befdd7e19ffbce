import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster: the fleet's code uses only what both offer. */
export type RedisClient = Redis | Cluster;

export type ConnectionRole = 'worker' | 'producer';

/**
 * Workers wait for Redis forever (BullMQ requires `maxRetriesPerRequest: null` for its blocking
 * calls); producers fail fast so that an HTTP caller hears 503 at once instead of hanging.
 */
export function createRedis(url: string, role: ConnectionRole, extra: RedisOptions = {}): Redis {
  return new Redis(url, { ...roleOptions(role), ...extra });
}

function roleOptions(role: ConnectionRole): RedisOptions {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 2_000 };
  // Reconnect with a capped backoff so a Redis restart heals by itself.
  return { ...options, retryStrategy: (times) => Math.min(times * 200, 2_000), lazyConnect: false };
}

/**
 * A Redis Cluster client seeded from one node's URL (user, password and TLS as in REDIS_URL). Every
 * key the fleet writes carries the queue prefix, which must be a hash tag such as `{sb}`, so each
 * Lua script and MULTI touches one slot.
 */
export function createRedisCluster(url: string, role: ConnectionRole): Cluster {
  const u = new URL(url);
  const redisOptions: RedisOptions = {
    ...roleOptions(role),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
    redisOptions,
    enableOfflineQueue: role === 'worker',
    enableReadyCheck: true,
    clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}

export const connectRedis = (url: string, role: ConnectionRole, cluster: boolean): RedisClient =>
  cluster ? createRedisCluster(url, role) : createRedis(url, role);

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitForRedis(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
