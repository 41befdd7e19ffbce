import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { FallbackSwitch, type FallbackState } from './fallback-switch.js';

const state = (by: FallbackState['by'], reason: string): FallbackState => ({
  cheapOff: true,
  since: new Date().toISOString(),
  by,
  reason,
  dailyCapUsd: 10,
});

describe('the fallback switch in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let sw: FallbackSwitch;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    prefix = uniquePrefix('fallback');
    sw = new FallbackSwitch(redis, prefix);
  });
  afterAll(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it('is set once: a second set does not overwrite who set it', async () => {
    expect(await sw.set(state('drift', 'fell 6 points'))).toBe(true);
    expect(await sw.set(state('operator', 'manual'))).toBe(false);
    expect((await sw.get()).state).toMatchObject({ by: 'drift', reason: 'fell 6 points' });
    expect(await sw.clear()).toBe(true);
  });

  it('a drift run clears only the switch it read, not one set again meanwhile', async () => {
    await sw.set(state('drift', 'fell 6 points'));
    const { raw } = await sw.get();
    await sw.clear();
    await sw.set(state('operator', 'set again by a person'));
    expect(await sw.clearIf(raw ?? '')).toBe(false);
    expect((await sw.get()).state?.by).toBe('operator');
    const { raw: now } = await sw.get();
    expect(await sw.clearIf(now ?? '')).toBe(true);
    expect((await sw.get()).state).toBeNull();
  });

  it('an unreadable value keeps the cheap tier off with no budget, and an unreadable spend is over any cap', async () => {
    await redis.set(`${prefix}:fallback:cheap-off`, '{"cheapOff":"maybe"}');
    expect(await sw.get()).toMatchObject({ invalid: true, state: { cheapOff: true, dailyCapUsd: 0 } });
    await sw.clear();
    const day = new Date('2026-11-25T10:00:00Z');
    expect(await sw.addSpend(0.25, day)).toBeCloseTo(0.25, 10);
    expect(await sw.addSpend(0.5, day)).toBeCloseTo(0.75, 10);
    expect(await sw.spent(new Date('2026-11-26T10:00:00Z'))).toBe(0);
    await redis.set(`${prefix}:fallback:spend:2026-11-27`, 'lots');
    expect(await sw.spent(new Date('2026-11-27T10:00:00Z'))).toBe(Number.POSITIVE_INFINITY);
  });
});
