import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, stopRedisServer, testLogger } from '@switchboard/testkit';
import { openFleetContext } from './fleet-context.js';

describe('Redis with a password and an ACL user', { timeout: 30_000 }, () => {
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // The default user is off; the fleet gets a user of its own, as an operator would set it up.
    redis = await startRedisServer(port, [
      '--user',
      'default',
      'off',
      '--user',
      'switchboard',
      'on',
      '>fleet-password-123',
      '~*',
      '&*',
      '+@all',
    ]);
  });
  afterAll(() => stopRedisServer(redis));

  it('connects with the user and password in REDIS_URL', async () => {
    const fleet = await openFleetContext({
      redisUrl: `redis://switchboard:fleet-password-123@127.0.0.1:${port}`,
      prefix: 'acl',
      role: 'worker',
      logger: testLogger(),
      retentionDays: 8,
    });
    expect(await fleet.redis.ping()).toBe('PONG');
    await fleet.close();
  });

  it('fails at start-up with a clear error, and never prints the password', async () => {
    const err = await openFleetContext({
      redisUrl: `redis://switchboard:wrong-password@127.0.0.1:${port}`,
      prefix: 'acl',
      role: 'worker',
      logger: testLogger(),
      retentionDays: 8,
      connectTimeoutMs: 2_000,
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain(`cannot reach Redis at redis://***@127.0.0.1:${port}`);
    expect(err?.message).not.toContain('wrong-password');
  });
});
