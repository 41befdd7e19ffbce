import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AlertJob,
  alertsQueue,
  openFleetContext,
  openQueue,
  tierChecksQueue,
  type FleetContext,
  type TierCheckJob,
} from '@switchboard/queues';
import { dropPrefix, testLogger, TEST_REDIS_URL, uniquePrefix, waitFor } from '@switchboard/testkit';
import { isoWeek } from '@switchboard/core';
import { ClassifierConfig } from './config.js';
import { startTierGuard, type TierGuardService } from './tier-guard.js';

const truth = (i: number, model: string, agreed: boolean): TierCheckJob => ({
  kind: 'ground_truth',
  ticketId: `gt-${i}`,
  checked: { tier: 'cheap', category: 'billing', model },
  truth: agreed ? 'billing' : 'technical',
  source: 'upstream',
  at: new Date().toISOString(),
});

describe('the live guard on ground truth', () => {
  let prefix: string;
  let fleet: FleetContext;
  let guard: TierGuardService;

  beforeEach(async () => {
    prefix = uniquePrefix('tguard');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 1,
    });
    const config = ClassifierConfig.parse({
      promptPath: 'unused',
      guard: { cheap: { target: 0.8, window: 50, minJudged: 6 }, cheapFallbackDailyCapUsd: 7 },
    });
    guard = startTierGuard(config, {
      ctx: fleet.ctx,
      guard: fleet.guard,
      fallback: fleet.fallback,
      tiers: [],
      currentModel: (tier) => (tier === 'cheap' ? 'gpt-cheap' : null),
      onExhausted: fleet.deadLetter,
    });
  });
  afterEach(async () => {
    await guard.close();
    await fleet.close();
    await dropPrefix(prefix);
  });

  it('switches the cheap tier to the fallback when people keep correcting it, with a capped strong budget', async () => {
    const checks = openQueue(tierChecksQueue, fleet.ctx);
    // Judgments of a model no longer in use do not count, however wrong.
    for (let i = 0; i < 8; i++) await checks.add(`truth-old-${i}`, truth(i, 'gpt-old', false));
    for (let i = 0; i < 3; i++) await checks.add(`truth-ok-${i}`, truth(100 + i, 'gpt-cheap', true));
    await waitFor(
      async () => ((await fleet.guard.window('cheap')).judged === 3 ? true : undefined),
      10_000,
      'three judgments',
    );
    expect((await fleet.fallback.get()).state).toBeNull();

    for (let i = 0; i < 12; i++) await checks.add(`truth-bad-${i}`, truth(200 + i, 'gpt-cheap', false));
    const { state } = await waitFor(
      async () => {
        const s = await fleet.fallback.get();
        return s.state ? s : undefined;
      },
      10_000,
      'the cheap tier to be switched off',
    );
    expect(state).toMatchObject({ by: 'guard', dailyCapUsd: 7 });
    expect(state?.reason).toMatch(/95% upper bound .* is below the target 80\.0%/);
    const week = Object.values(await fleet.guard.weekAgreement(isoWeek(new Date()))).at(0);
    expect(week?.judged).toBeGreaterThanOrEqual(9);
    const alerts = new Queue(alertsQueue.queueName, { connection: fleet.redis, prefix });
    const jobs = await alerts.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    const alert = AlertJob.parse(jobs[0]?.data);
    expect(alert.kind).toBe('tier_guard');
    expect(alert.text).toContain('npm run ops -- fallback off');
    const events = await fleet.guard.events(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000));
    expect(events).toMatchObject([{ tier: 'cheap', action: 'off', by: 'guard' }]);
    await alerts.close();
    await checks.close();
  });
});
