import type { RedisClient as Redis } from './connection.js';
import { z } from 'zod';
import { RolloutStage } from '@switchboard/core';

export const StoredStage = z.object({
  stage: RolloutStage,
  since: z.iso.datetime(),
  by: z.string().min(1),
  note: z.string().max(500).optional(),
});
export type StoredStage = z.infer<typeof StoredStage>;

const HISTORY_MAX = 200;

/**
 * The pilot's stage for the whole fleet, in Redis so that classifiers pick up a change within one
 * poll and no restart. Unset means the configured default stage.
 */
export class RolloutStageStore {
  private readonly key: string;
  private readonly historyKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:rollout:stage`;
    this.historyKey = `${prefix}:rollout:history`;
  }

  /** The stored stage; an unreadable value is reported, and the caller falls back to its default. */
  async get(): Promise<{ stored: StoredStage | null; invalid: boolean }> {
    const raw = await this.redis.get(this.key);
    if (raw === null) return { stored: null, invalid: false };
    try {
      const parsed = StoredStage.safeParse(JSON.parse(raw));
      return parsed.success ? { stored: parsed.data, invalid: false } : { stored: null, invalid: true };
    } catch {
      return { stored: null, invalid: true };
    }
  }

  async set(value: StoredStage): Promise<void> {
    const json = JSON.stringify(StoredStage.parse(value));
    await this.redis
      .multi()
      .set(this.key, json)
      .lpush(this.historyKey, json)
      .ltrim(this.historyKey, 0, HISTORY_MAX - 1)
      .exec();
  }

  /** Drops the stored stage: the fleet goes back to its configured one (ROLLOUT_STAGE). */
  async clear(): Promise<boolean> {
    return (await this.redis.del(this.key)) === 1;
  }

  async history(): Promise<StoredStage[]> {
    return (await this.redis.lrange(this.historyKey, 0, HISTORY_MAX - 1)).flatMap((raw) => {
      try {
        const p = StoredStage.safeParse(JSON.parse(raw));
        return p.success ? [p.data] : [];
      } catch {
        return [];
      }
    });
  }
}
