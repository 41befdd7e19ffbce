import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchThresholds } from '@switchboard/core';
import { loadPrompt } from '@switchboard/llm';
import { decisionJson, startFakeOpenAI, type FakeProvider } from '@switchboard/testkit';
import { observeTiers, ThresholdsFile } from './calibrate.js';
import { ClassifierConfig } from './config.js';
import { buildTiers } from './tiers.js';

const PROMPT = fileURLToPath(new URL('../../../prompts/routing_prompt.txt', import.meta.url));

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
