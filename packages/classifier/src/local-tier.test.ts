import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeywordMatcher,
  DEFAULT_CRITICAL_KEYWORDS,
  runCascade,
  searchThresholds,
  simulate,
  type Tier,
} from '@switchboard/core';
import { loadPrompt } from '@switchboard/llm';
import {
  readLabelledTickets,
  stratifiedSplit,
  trainLocalModel,
  type LabelledTicket,
  type LocalModel,
} from '@switchboard/local-model';
import { decisionJson, startFakeOpenAI, type FakeProvider } from '@switchboard/testkit';
import { ClassifierConfig } from './config.js';
import { observeTiers } from './calibrate.js';
import { buildTiers } from './tiers.js';

const PROMPT = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));
const TRAIN = fileURLToPath(new URL('../../../eval/training/switchboard-train.jsonl', import.meta.url));

// Tickets the rule tier or the critical check would take never reach the local tier.
const skipsLocal = createKeywordMatcher([...DEFAULT_CRITICAL_KEYWORDS, 'refund', 'chargeback', 'money back']);

const cascade = (tiers: readonly Tier[], subject: string, body: string) =>
  runCascade(
    { ticketId: 't', subject, body },
    {
      tiers,
      critical: createKeywordMatcher(DEFAULT_CRITICAL_KEYWORDS),
      transientRetries: 0,
      invalidRetries: 0,
      backoffMs: () => 0,
      sleep: () => Promise.resolve(),
      now: () => 0,
      clock: () => new Date(),
    },
  );

describe('the local tier in the cascade', () => {
  let rows: LabelledTicket[];
  let model: LocalModel;
  let fake: FakeProvider;

  beforeAll(async () => {
    rows = await readLabelledTickets(TRAIN);
    model = trainLocalModel(rows, { seed: 7 }).model;
    fake = await startFakeOpenAI(() => ({
      content: decisionJson({ category: 'sales', priority: 'medium', team: 'sales', confidence: 0.9 }),
    }));
  });
  afterAll(() => fake.close());

  const config = (withModel: boolean, local: { threshold: number; priorityThreshold: number }) =>
    ClassifierConfig.parse({
      promptPath: PROMPT,
      local: { modelPath: 'unused-in-memory', ...local },
      ...(withModel ? { cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 } } : {}),
    });

  it('decides sure tickets itself, so the paid model never sees them, and passes unsure ones on', async () => {
    const tiers = buildTiers(
      config(true, { threshold: 0.8, priorityThreshold: 0 }),
      await loadPrompt(PROMPT),
      () => model,
    );
    const before = fake.calls.length;
    const sure = rows.filter((r) => {
      const p = model.predict(r.subject, r.body);
      return p.categoryConfidence >= 0.8 && skipsLocal.first([r.subject, r.body]) === undefined;
    });
    expect(sure.length).toBeGreaterThan(10);
    for (const r of sure.slice(0, 10)) {
      const res = await cascade(tiers, r.subject, r.body);
      expect(res.kind === 'record' && res.record.tier).toBe('local');
    }
    expect(fake.calls.length).toBe(before);

    const unsure = await cascade(tiers, 'hmm', 'qwzx plorb');
    expect(unsure.kind === 'record' && unsure.record.tier).toBe('cheap');
    expect(fake.calls.length).toBe(before + 1);
  });

  it('on probation records its answer and lets the next tier decide, until the model is vetted', async () => {
    let vetted = false;
    const tiers = buildTiers(
      config(true, { threshold: 0.8, priorityThreshold: 0 }),
      await loadPrompt(PROMPT),
      () => model,
      () => vetted,
    );
    const sure = rows.find((r) => {
      const p = model.predict(r.subject, r.body);
      return p.categoryConfidence >= 0.95 && !p.outOfDomain && skipsLocal.first([r.subject, r.body]) === undefined;
    });
    if (!sure) throw new Error('no ticket the model is sure of');
    const before = fake.calls.length;
    const held = await cascade(tiers, sure.subject, sure.body);
    expect(held.kind === 'record' && held.record).toMatchObject({ outcome: 'decided', tier: 'cheap' });
    // The record says why the free tier did not decide, and how sure it was.
    expect(held.kind === 'record' && held.record.attempts[1]).toMatchObject({
      tier: 'local',
      outcome: 'below_threshold',
      error: 'local_probation',
      confidence: model.predict(sure.subject, sure.body).categoryConfidence,
    });
    expect(fake.calls.length).toBe(before + 1);
    vetted = true;
    const free = await cascade(tiers, sure.subject, sure.body);
    expect(free.kind === 'record' && free.record.tier).toBe('local');
    // Probation switched off in the config: a shipped model decides from the start.
    vetted = false;
    const trusting = buildTiers(
      ClassifierConfig.parse({
        promptPath: PROMPT,
        local: { modelPath: 'unused', threshold: 0.8, priorityThreshold: 0, probation: false },
        cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 },
      }),
      await loadPrompt(PROMPT),
      () => model,
      () => vetted,
    );
    const direct = await cascade(trusting, sure.subject, sure.body);
    expect(direct.kind === 'record' && direct.record.tier).toBe('local');
  });

  it('with no provider, what the local model is unsure of goes to humans as low_confidence', async () => {
    const tiers = buildTiers(
      config(false, { threshold: 0.999, priorityThreshold: 0 }),
      await loadPrompt(PROMPT),
      () => model,
    );
    const res = await cascade(tiers, 'question', 'I have a question about something');
    expect(res.kind === 'record' && res.record.outcome).toBe('low_confidence');
    expect(res.kind === 'record' && res.record.tier).toBe('local');
  });

  it('declines a ticket unlike its training data: the next tier decides, or with none a person, and the record says why', async () => {
    const subject = 'Reserva de voo cancelada';
    const body =
      'Olá, gostaria de saber porque é que a minha reserva de voo para Lisboa foi cancelada sem aviso prévio.';
    expect(model.predict(subject, body).outOfDomain).toBe(true);
    // Even with a threshold every answer clears, the local tier does not decide this one.
    const alone = buildTiers(
      config(false, { threshold: 0, priorityThreshold: 0 }),
      await loadPrompt(PROMPT),
      () => model,
    );
    const human = await cascade(alone, subject, body);
    expect(human.kind === 'record' && human.record).toMatchObject({
      outcome: 'low_confidence',
      tier: 'local',
      notes: ['local_out_of_domain'],
    });
    expect(human.kind === 'record' && human.record.attempts[1]).toMatchObject({
      tier: 'local',
      outcome: 'below_threshold',
      error: 'local_out_of_domain',
    });

    const withModel = buildTiers(
      config(true, { threshold: 0, priorityThreshold: 0 }),
      await loadPrompt(PROMPT),
      () => model,
    );
    const cheap = await cascade(withModel, subject, body);
    expect(cheap.kind === 'record' && cheap.record).toMatchObject({
      outcome: 'decided',
      tier: 'cheap',
      notes: ['local_out_of_domain'],
    });
  });

  it('keeps its priority only when sure of it: otherwise the next tier decides, or with none, priority medium', async () => {
    const r = rows.find(
      (x) =>
        model.predict(x.subject, x.body).categoryConfidence > 0.9 &&
        skipsLocal.first([x.subject, x.body]) === undefined,
    );
    if (!r) throw new Error('no confident training ticket');
    // No priority is ever 100% sure after calibration: a threshold of 1 makes every priority unsure.
    const unsurePriority = { threshold: 0.5, priorityThreshold: 1 };
    const withModel = buildTiers(config(true, unsurePriority), await loadPrompt(PROMPT), () => model);
    const passed = await cascade(withModel, r.subject, r.body);
    expect(passed.kind === 'record' && passed.record.tier).toBe('cheap');

    const alone = buildTiers(config(false, unsurePriority), await loadPrompt(PROMPT), () => model);
    const kept = await cascade(alone, r.subject, r.body);
    expect(kept.kind === 'record' && kept.record).toMatchObject({
      outcome: 'decided',
      tier: 'local',
      notes: ['priority_unsure'],
      decision: { priority: 'medium' },
    });
  });

  it('a threshold fitted on a calibration split meets its target on a held-out split', async () => {
    const split = stratifiedSplit(
      rows.map((r) => r.category),
      0.4,
      11,
    );
    const pick = (idx: readonly number[]): LabelledTicket[] => idx.flatMap((i) => (rows[i] ? [rows[i]] : []));
    const train = pick(split.keep);
    const held = pick(split.held);
    const m = trainLocalModel(train, { seed: 3 }).model;
    const tiers = buildTiers(
      config(false, { threshold: 0, priorityThreshold: 0 }),
      await loadPrompt(PROMPT),
      () => m,
    ).filter((t) => t.name === 'local');
    const half = Math.floor(held.length / 2);
    const calib = await observeTiers(held.slice(0, half), tiers, { concurrency: 1 });
    const test = await observeTiers(held.slice(half), tiers, { concurrency: 1 });
    const { best } = searchThresholds(calib, [{ name: 'local' }], { target: 0.9, humanCostUsd: 1 });
    expect(best).toBeDefined();
    const t = best?.thresholds.local ?? null;
    const onTest = simulate(test, [{ name: 'local' }], [t], 1);
    expect(onTest.coverage).toBeGreaterThan(0.3);
    expect(onTest.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
