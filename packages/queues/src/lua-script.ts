import type { RedisClient } from './connection.js';

export type LuaScript = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * A Lua script registered on the connection with ioredis's `defineCommand`, so each call sends
 * EVALSHA (the script's hash, not its text) and ioredis falls back to EVAL only when Redis has not
 * seen the script yet. Names are unique per script, so scripts on a shared connection never clash.
 */
export function luaScript(redis: RedisClient, name: string, numberOfKeys: number, lua: string): LuaScript {
  const command = `switchboard_${name}`;
  redis.defineCommand(command, { numberOfKeys, lua });
  const call = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[command];
  if (!call) throw new Error(`ioredis did not define ${command}`);
  return (keys, args) => call.call(redis, ...keys, ...args);
}
