import type { IRedisTransaction } from 'bullmq';
import type { RedisClient } from './connection.js';

export interface LuaScript {
  (keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** Queues the same call on a transaction, to run with its other commands in one round trip. */
  onto(tx: IRedisTransaction, keys: readonly string[], args: readonly (string | number)[]): void;
}

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
  const run = (keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> =>
    call.call(redis, ...keys, ...args);
  return Object.assign(run, {
    onto(tx: IRedisTransaction, keys: readonly string[], args: readonly (string | number)[]): void {
      // A transaction copies the commands its connection defined when it was made; one opened on
      // another connection sends the script's text instead.
      if (typeof (tx as unknown as Record<string, unknown>)[command] === 'function')
        tx.runCommand(command, [...keys, ...args]);
      else tx.runCommand('eval', [lua, numberOfKeys, ...keys, ...args]);
    },
  });
}
