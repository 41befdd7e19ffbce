import type { RedisClient } from './connection.js';

export type LuaScript = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * A Lua script registered on the connection with ioredis's `defineCommand`, so each call sends
 * EVALSHA (the script's hash, not its text) and ioredis falls back to EVAL only when Redis has not
 * seen the script yet. Names are unique per script, so scripts on a shared connection never clash.
 */
const defined = new WeakMap<RedisClient, Map<string, string>>();

export function luaScript(redis: RedisClient, name: string, numberOfKeys: number, lua: string): LuaScript {
  const command = `switchboard_${name}`;
  // Defining it again with the same text is harmless (each TicketStore on a connection does); with
  // other text it would silently change what every earlier caller runs.
  const mine = defined.get(redis) ?? new Map<string, string>();
  defined.set(redis, mine);
  const earlier = mine.get(command);
  if (earlier !== undefined && earlier !== lua)
    throw new Error(`a different Lua script is already defined as ${command} on this connection`);
  mine.set(command, lua);
  redis.defineCommand(command, { numberOfKeys, lua });
  const call = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[command];
  if (!call) throw new Error(`ioredis did not define ${command}`);
  return (keys, args) => call.call(redis, ...keys, ...args);
}
