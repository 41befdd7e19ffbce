import type { z } from 'zod';
import type { RedisClient as Redis } from './connection.js';

/**
 * Reads a capped event list (newest first, LPUSHed JSON with an `at` timestamp) and returns the
 * events in [from, to), oldest first. An entry that does not parse is skipped: a report must not
 * fail on one bad line written by an older version.
 */
export async function readEventLog<S extends z.ZodType<{ at: string }>>(
  redis: Redis,
  key: string,
  schema: S,
  from: Date,
  to: Date,
): Promise<z.infer<S>[]> {
  const out: z.infer<S>[] = [];
  for (const r of await redis.lrange(key, 0, -1)) {
    let json: unknown;
    try {
      json = JSON.parse(r);
    } catch {
      continue;
    }
    const e = schema.safeParse(json);
    if (!e.success) continue;
    const t = Date.parse(e.data.at);
    if (t >= from.getTime() && t < to.getTime()) out.push(e.data);
  }
  return out.reverse();
}
