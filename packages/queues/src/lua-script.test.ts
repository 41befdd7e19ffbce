import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '@switchboard/testkit';
import { luaScript } from './lua-script.js';

describe('luaScript', () => {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  afterAll(() => redis.disconnect());

  it('refuses to redefine a name with other Lua on the same connection, but allows the same text again', () => {
    luaScript(redis, 'lua-test-name', 1, "return 'a'");
    expect(() => luaScript(redis, 'lua-test-name', 1, "return 'a'")).not.toThrow();
    expect(() => luaScript(redis, 'lua-test-name', 1, "return 'b'")).toThrow(/different Lua script/);
  });
});
