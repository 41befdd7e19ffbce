import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { loadPrompt } from '@switchboard/llm';
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
import {
  decisionJson,
  dropPrefix,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type FakeProvider,
} from '@switchboard/testkit';
import { isoWeek } from '@switchboard/core';
import { ClassifierConfig } from './config.js';
import { startTierGuard, type TierGuardService } from './tier-guard.js';
import { buildTiers } from './tiers.js';

/** Waits for a switch (the cheap tier's fallback, the local tier's) to be set, and returns what it holds. */
const switchedOff = <S extends { state: unknown }>(read: () => Promise<S>, tier: string): Promise<S> =>
  waitFor(
    async () => {
      const s = await read();
      return s.state ? s : undefined;
    },
    15_000,
    `${tier} to be switched off`,
  );

const truth = (i: number, model: string, agreed: boolean, tier: 'cheap' | 'local' = 'cheap'): TierCheckJob => ({
  kind: 'ground_truth',
  ticketId: `gt-${i}`,
  checked: { tier, category: 'billing', model },
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
      // The local tier's agreement alone would wait for a full window at 0.6; people's labels are held to 90%.
      guard: { cheap: { target: 0.8, window: 50, minJudged: 6 }, local: { target: 0.6 }, cheapFallbackDailyCapUsd: 7 },
    });
    guard = startTierGuard(config, {
      ctx: fleet.ctx,
      guard: fleet.guard,
      fallback: fleet.fallback,
      tiers: [],
      currentModel: (tier) => (tier === 'cheap' ? 'gpt-cheap' : 'local-v2'),
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
    const { state } = await switchedOff(() => fleet.fallback.get(), 'the cheap tier');
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

  it('switches the local tier off when people find it wrong a quarter of the time, long before a full window', async () => {
    const checks = openQueue(tierChecksQueue, fleet.ctx);
    // A model meeting topics it never learned: 3 of every 4 right by people's labels.
    for (let i = 0; i < 60; i++) await checks.add(`truth-${i}`, truth(i, 'local-v2', i % 4 !== 0, 'local'));
    const { state } = await switchedOff(() => fleet.guard.localSwitch(), 'the local tier');
    expect(state).toMatchObject({ by: 'guard', model: 'local-v2' });
    expect(state?.reason).toMatch(/tickets people judged right .* below the target on people's labels 90\.0%/);
    await checks.close();
  });

  it('leaves a local tier people find right alone', async () => {
    const checks = openQueue(tierChecksQueue, fleet.ctx);
    for (let i = 0; i < 40; i++) await checks.add(`truth-${i}`, truth(i, 'local-v2', i % 20 !== 0, 'local'));
    await waitFor(
      async () => ((await fleet.guard.window('local')).judged === 40 ? true : undefined),
      15_000,
      'forty judgments',
    );
    expect((await fleet.guard.localSwitch()).state).toBeNull();
    await checks.close();
  });
});

describe('the live guard’s spot checks as training labels', () => {
  const PROMPT = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));
  let prefix: string;
  let fleet: FleetContext;
  let guard: TierGuardService;
  let fake: FakeProvider;

  beforeEach(async () => {
    prefix = uniquePrefix('tguardtrain');
    fleet = await openFleetContext({
      redisUrl: TEST_REDIS_URL,
      prefix,
      role: 'worker',
      logger: testLogger(),
      retentionDays: 1,
    });
    // The strong model calls everything technical; the cheap one calls everything billing, sure of it.
    fake = await startFakeOpenAI((req) => ({
      content:
        req.model === 'gpt-strong'
          ? decisionJson({ category: 'technical', priority: 'high', team: 'tech_support', confidence: 0.9 })
          : decisionJson({ category: 'billing', priority: 'low', team: 'billing_support', confidence: 0.95 }),
    }));
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-cheap', threshold: 0.75 },
      strong: { baseURL: fake.url, apiKey: 'k', model: 'gpt-strong', threshold: 0.5 },
    });
    guard = startTierGuard(config, {
      ctx: fleet.ctx,
      guard: fleet.guard,
      fallback: fleet.fallback,
      tiers: buildTiers(config, await loadPrompt(PROMPT)),
      currentModel: (tier) => (tier === 'cheap' ? 'gpt-cheap' : 'local-v1'),
      training: fleet.training,
      onExhausted: fleet.deadLetter,
    });
  });
  afterEach(async () => {
    await guard.close();
    await fleet.close();
    await fake.close();
    await dropPrefix(prefix);
  });

  it('keeps the judge’s answer with the ticket’s redacted text: confirmed, corrected by strong, or the cheap answer on a local ticket', async () => {
    const checks = openQueue(tierChecksQueue, fleet.ctx);
    const spot = (id: string, tier: 'local' | 'cheap', category: 'billing' | 'technical'): TierCheckJob => ({
      kind: 'spot_check',
      ticket: {
        id,
        body: `My app crashes, write to me at kim@example.com (${id})`,
        customer: { email: 'kim@example.com' },
        receivedAt: new Date().toISOString(),
      },
      checked: { tier, category, model: tier === 'cheap' ? 'gpt-cheap' : 'local-v1' },
      decidedAt: new Date().toISOString(),
    });
    await checks.add('spot-agree', spot('agree', 'cheap', 'technical'));
    await checks.add('spot-disagree', spot('disagree', 'cheap', 'billing'));
    await checks.add('spot-local', spot('local', 'local', 'technical'));
    const rows = await waitFor(
      async () => {
        const r = await fleet.training.count();
        return r === 3 ? fleet.training.rows({ sources: ['cheap_confirmed', 'strong'] }) : undefined;
      },
      10_000,
      'three training rows',
    );
    const by = Object.fromEntries(rows.map((r) => [r.ticketId, r]));
    expect(by.agree).toMatchObject({
      source: 'cheap_confirmed',
      category: 'technical',
      decidedBy: { tier: 'cheap', model: 'gpt-cheap' },
    });
    expect(by.disagree).toMatchObject({ source: 'strong', category: 'technical', priority: 'high' });
    expect(by.agree?.body).toBe('My app crashes, write to me at [email] (agree)');
    // The local ticket was answered by the cheap tier (sure of billing): a cheap label, held back for corrections.
    expect(await fleet.training.get('local')).toMatchObject({
      source: 'cheap',
      category: 'billing',
      decidedBy: { tier: 'local' },
    });
    expect(by.local).toBeUndefined();
    expect(await fleet.training.ticketsOfEmail('kim@example.com')).toEqual(['agree', 'disagree', 'local']);
    await checks.close();
  });
});
