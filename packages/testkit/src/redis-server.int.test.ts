import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { startRedisServer, stopRedisServer } from './redis-server.js';
import { Redis } from 'ioredis';

describe('startRedisServer', () => {
  it('resolves once the server answers, and says from its log why one that cannot start did not', async () => {
    const port = await freePort();
    const child = await startRedisServer(port);
    const redis = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
      await stopRedisServer(child);
    }
    await expect(startRedisServer(await freePort(), ['--no-such-option', 'x'])).rejects.toThrow(
      /before listening[\s\S]*no-such-option/,
    );
  });
});
