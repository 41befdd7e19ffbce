import type { RedisClient as Redis } from './connection.js';
import { z } from 'zod';

/**
 * The fleet-wide fallback: while it is set, classifiers skip the cheap tier and send what it would
 * have answered to the strong tier. It lives in Redis so that every classifier process sees it
 * within one poll, with no restart, and so that drift (or a person) can set and clear it.
 */
export const FallbackState = z.object({
  cheapOff: z.literal(true),
  since: z.iso.datetime(),
  /** `guard`: the live guard found the cheap tier below its target against the strong one. */
  by: z.enum(['drift', 'operator', 'guard']),
  reason: z.string().min(1),
  /** Strong-tier spend per UTC day the fallback may cause; above it, unsure tickets go to humans. */
  dailyCapUsd: z.number().nonnegative(),
});
export type FallbackState = z.infer<typeof FallbackState>;

const CLEAR_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** Spend keys outlive their day a little so a late reader still sees the figure. */
const SPEND_TTL_SECONDS = 3 * 24 * 3600;

export class FallbackSwitch {
  private readonly stateKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.stateKey = `${prefix}:fallback:cheap-off`;
  }

  private spendKey(at: Date): string {
    return `${this.prefix}:fallback:spend:${utcDay(at)}`;
  }

  /**
   * The switch as stored. A value that does not parse (written by hand, by an older version) counts
   * as set with no budget, so a broken switch never silently sends traffic back to a model that
   * drift took out; `invalid` says so, for a log line.
   */
  async get(): Promise<{ state: FallbackState | null; invalid: boolean; raw: string | null }> {
    const raw = await this.redis.get(this.stateKey);
    if (raw === null) return { state: null, invalid: false, raw };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = FallbackState.safeParse(json);
    if (parsed.success) return { state: parsed.data, invalid: false, raw };
    return {
      state: {
        cheapOff: true,
        since: new Date(0).toISOString(),
        by: 'operator',
        reason: 'unreadable switch value',
        dailyCapUsd: 0,
      },
      invalid: true,
      raw,
    };
  }

  /** Sets the switch unless it is already set; returns whether this call set it. */
  async set(state: FallbackState): Promise<boolean> {
    return (await this.redis.set(this.stateKey, JSON.stringify(FallbackState.parse(state)), 'NX')) === 'OK';
  }

  /** Clears the switch; returns whether it was set. */
  async clear(): Promise<boolean> {
    return (await this.redis.del(this.stateKey)) > 0;
  }

  /** Clears the switch only if it still holds `raw`, so a switch someone set meanwhile survives. */
  async clearIf(raw: string): Promise<boolean> {
    return (await this.redis.eval(CLEAR_IF_UNCHANGED, 1, this.stateKey, raw)) === 1;
  }

  async addSpend(usd: number, at: Date): Promise<number> {
    const key = this.spendKey(at);
    const results = await this.redis.multi().incrbyfloat(key, usd).expire(key, SPEND_TTL_SECONDS).exec();
    return Number(results?.[0]?.[1] ?? 0);
  }

  /** Today's metered spend; an unreadable counter counts as over any cap rather than as zero. */
  async spent(at: Date): Promise<number> {
    const n = Number((await this.redis.get(this.spendKey(at))) ?? 0);
    return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
  }
}
