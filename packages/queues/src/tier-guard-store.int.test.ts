import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '@switchboard/testkit';
import { TierGuardStore, type GuardWindow } from './tier-guard-store.js';

const at = new Date('2026-12-07T10:00:00Z');

describe('the live guard in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let guard: TierGuardStore;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    prefix = uniquePrefix('guard');
    guard = new TierGuardStore(redis, prefix);
  });
  afterAll(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it('keeps only the most recent judgments in a tier window, and every one in the week’s counts', async () => {
    const outcomes = [true, true, false, true, false, false, false];
    let last: GuardWindow = { judged: 0, agreed: 0, people: { judged: 0, agreed: 0 } };
    for (const agreed of outcomes)
      last = await guard.judge({ tier: 'local', judge: 'cheap', category: 'billing', agreed, at }, 4);
    // The window holds the last four: true, false, false, false.
    expect(last).toEqual({ judged: 4, agreed: 1, people: { judged: 0, agreed: 0 } });
    expect(await guard.window('local')).toEqual(last);
    expect(await guard.window('cheap')).toEqual({ judged: 0, agreed: 0, people: { judged: 0, agreed: 0 } });
    // People's judgments count in the window and apart: the guard holds them to a target of their own.
    expect(await guard.judge({ tier: 'local', judge: 'human', category: 'sales', agreed: true, at }, 4)).toEqual({
      judged: 4,
      agreed: 1,
      people: { judged: 1, agreed: 1 },
    });
    expect(await guard.window('local')).toEqual({ judged: 4, agreed: 1, people: { judged: 1, agreed: 1 } });
    // People's window has a size of its own: the most recent of theirs, however many spot checks come.
    for (const agreed of [false, false])
      await guard.judge({ tier: 'local', judge: 'human', category: 'sales', agreed, at }, 4, 2);
    expect(await guard.window('local')).toEqual({ judged: 4, agreed: 1, people: { judged: 2, agreed: 0 } });
    expect(await guard.weekAgreement('2026-W50')).toEqual({
      'local:cheap:billing': { judged: 7, agreed: 3 },
      'local:human:sales': { judged: 3, agreed: 1 },
    });
    expect(await guard.weekAgreement('2026-W49')).toEqual({});
  });

  it('lets the guard set the local switch once and never over a person’s choice; a person’s on clears it', async () => {
    const since = at.toISOString();
    expect(await guard.localSwitch()).toEqual({ state: null, invalid: false });
    expect(await guard.switchLocalOff({ off: true, by: 'operator', since, reason: 'new product launch' })).toBe(true);
    expect(await guard.switchLocalOff({ off: true, by: 'guard', since, reason: 'agreement fell' })).toBe(false);
    expect((await guard.localSwitch()).state).toMatchObject({ by: 'operator', reason: 'new product launch' });

    expect(await guard.switchLocalOn('retrained', new Date(at.getTime() + 60_000))).toBe(true);
    expect((await guard.localSwitch()).state).toBeNull();
    // Switching on starts the judgment afresh.
    expect(await guard.window('local')).toEqual({ judged: 0, agreed: 0, people: { judged: 0, agreed: 0 } });

    expect(await guard.switchLocalOff({ off: true, by: 'guard', since, reason: 'agreement fell' })).toBe(true);
    const events = await guard.events(new Date(at.getTime() - 1), new Date(at.getTime() + 120_000));
    expect(events.map((e) => `${e.action} by ${e.by}`)).toEqual(['off by operator', 'on by operator', 'off by guard']);
  });

  it('lets a newly vetted model end a switch the guard set, never one a person set', async () => {
    const since = at.toISOString();
    const later = new Date(at.getTime() + 3_600_000);
    await redis.del(`${prefix}:tier-switch:local`);
    expect(await guard.resumeAfterGuard('local-b vetted', later)).toBe(false);
    await guard.switchLocalOff({ off: true, by: 'operator', since, reason: 'launch week' });
    expect(await guard.resumeAfterGuard('local-b vetted', later)).toBe(false);
    expect((await guard.localSwitch()).state).toMatchObject({ by: 'operator' });
    await redis.del(`${prefix}:tier-switch:local`);
    await guard.switchLocalOff({ off: true, by: 'guard', since, reason: 'agreement fell', model: 'local-a' });
    expect(await guard.resumeAfterGuard('local-b vetted and promoted', later)).toBe(true);
    expect((await guard.localSwitch()).state).toBeNull();
    const events = await guard.events(new Date(later.getTime() - 1), new Date(later.getTime() + 1));
    expect(events).toEqual([
      { at: later.toISOString(), tier: 'local', action: 'on', by: 'retrain', reason: 'local-b vetted and promoted' },
    ]);
  });

  it('reads an unreadable switch as off, so a broken value never sends traffic back to the model', async () => {
    await redis.set(`${prefix}:tier-switch:local`, 'not json');
    const read = await guard.localSwitch();
    expect(read.invalid).toBe(true);
    expect(read.state?.off).toBe(true);
  });
});
