import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchThresholds } from '@switchboard/core';
import { parseLocalModel, readLabelledTickets, trainLocalModel } from '@switchboard/local-model';
import { loadPrompt } from '@switchboard/llm';
import { decisionJson, startFakeOpenAI, type FakeProvider } from '@switchboard/testkit';
import { CalibrationOverlapError, checkTrainingOverlap, observeTiers, ThresholdsFile } from './calibrate.js';
import { ClassifierConfig } from './config.js';
import { buildTiers } from './tiers.js';

const PROMPT = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));
const TRAIN = fileURLToPath(new URL('../../../eval/training/switchboard-train.jsonl', import.meta.url));

describe('a calibration set that overlaps the training data', () => {
  let train: Awaited<ReturnType<typeof readLabelledTickets>>;
  let trained: ReturnType<typeof trainLocalModel>;
  beforeAll(async () => {
    train = (await readLabelledTickets(TRAIN)).slice(0, 300);
    trained = trainLocalModel(train, { seed: 1, epochs: 3 });
  });

  const novel = {
    subject: 'Webhook retries',
    body: 'How many times do you retry a webhook that answered 503?',
    category: 'technical' as const,
  };
  const fresh = [novel];

  it('is refused, naming how many rows overlap and showing some', () => {
    const set = [...fresh, ...train.slice(0, 3), { ...novel, id: train[5]?.id, body: 'reworded entirely' }];
    let error: unknown;
    try {
      checkTrainingOverlap(set, trained.model);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CalibrationOverlapError);
    expect((error as Error).message).toMatch(
      /^4 of 5 tickets in this set are in the local model's training data \(4 by id, 3 by text\)/,
    );
    expect((error as Error).message).toContain(`row 2 (id ${train[0]?.id})`);
    expect((error as Error).message).toMatch(/--allow-overlap/);
  });

  it('goes on with --allow-overlap, saying loudly that the figures are optimistic', () => {
    const warning = checkTrainingOverlap([...fresh, ...train.slice(0, 3)], trained.model, { allowOverlap: true });
    expect(warning).toMatch(/^WARNING: 3 of 4 tickets/);
    expect(warning).toMatch(/OPTIMISTIC/);
  });

  it('passes a set the model never saw, and says when an old model file cannot be checked', () => {
    expect(checkTrainingOverlap(fresh, trained.model)).toBeNull();
    const { outOfDomain: _gate, trainingRowHashes: _hashes, ...v1 } = trained.file;
    const old = parseLocalModel(JSON.stringify({ ...v1, formatVersion: 1 }));
    expect(checkTrainingOverlap(train.slice(0, 3), old)).toMatch(/cannot be checked for overlap/);
  });
});

describe('calibration against a paid tier', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    // The model is right and sure about invoices, unsure and wrong otherwise, and rate-limits once.
    fake = await startFakeOpenAI((req, i) => {
      if (i === 0) return { status: 429, headers: { 'retry-after-ms': '20' } };
      const body = req.ticket?.body ?? '';
      if (body.includes('garbled')) return { content: 'not json at all' };
      return body.includes('invoice')
        ? { content: decisionJson({ category: 'billing', priority: 'low', team: 'billing_support', confidence: 0.95 }) }
        : { content: decisionJson({ category: 'sales', priority: 'low', team: 'sales', confidence: 0.55 }) };
    });
  });
  afterAll(() => fake.close());

  it('records each tier answer with its cost, and fits a threshold that keeps only the sure answers', async () => {
    const config = ClassifierConfig.parse({
      promptPath: PROMPT,
      cheap: { baseURL: fake.url, apiKey: 'k', model: 'gpt-4o-mini', threshold: 0.75 },
    });
    const tiers = buildTiers(config, await loadPrompt(PROMPT));
    const tickets = [
      ...Array.from({ length: 40 }, (_, i) => ({
        subject: '',
        body: `Question about invoice ${i}`,
        category: 'billing' as const,
      })),
      ...Array.from({ length: 40 }, (_, i) => ({
        subject: '',
        body: `The app crashes on start ${i}`,
        category: 'bug' as const,
      })),
      { subject: '', body: 'garbled', category: 'other' as const },
    ];
    const seen: number[] = [];
    const obs = await observeTiers(tickets, tiers, { concurrency: 4, onProgress: (d) => seen.push(d) });
    expect(seen.at(-1)).toBe(81);
    expect(obs[0]?.tiers.map((t) => t.category)).toEqual([null, 'billing']); // rule abstains, cheap answers (after the 429)
    expect(obs[80]?.tiers[1]).toMatchObject({ category: null }); // invalid output counts as no answer
    expect(obs[0]?.tiers[1]?.costUsd).toBeGreaterThan(0);

    const { best } = searchThresholds(obs, [{ name: 'rule', fixedThreshold: 1 }, { name: 'cheap' }], {
      target: 0.9,
      humanCostUsd: 0.5,
    });
    expect(best?.thresholds.cheap).toBeGreaterThan(0.55);
    expect(best?.thresholds.cheap).toBeLessThanOrEqual(0.95);
    expect(best?.coverage).toBeCloseTo(40 / 81);
    expect(best?.accuracy).toBe(1);
  });

  it('reads back the thresholds file it writes, including a tier switched off', () => {
    const file = ThresholdsFile.parse({
      calibratedAt: new Date().toISOString(),
      target: 0.95,
      set: 'eval/sets/switchboard-eval.jsonl',
      rows: 316,
      thresholds: { local: 0.84, cheap: null },
      expected: { coverage: 0.56, accuracy: 0.9, accuracyLow: 0.85, totalCostPer1k: 220 },
    });
    expect(file.thresholds).toEqual({ local: 0.84, cheap: null });
    expect(() => ThresholdsFile.parse({ ...file, thresholds: { local: 1.5 } })).toThrow();
  });
});
