import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, type Category } from '@switchboard/core';
import { readLabelledTickets, trainLocalModel, type LabelledTicket, type LocalModel } from '@switchboard/local-model';
import { compareModels, ticketValue } from './compare.js';
import { holdBack } from './holdout.js';
import { seedWeight, trainingSet, type StoredLabel } from './training-set.js';

const repo = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const swap = (c: Category): Category => CATEGORIES[(CATEGORIES.indexOf(c) + 1) % CATEGORIES.length] as Category;

/** The project's eval set as a desk's recent human labels: tickets no model here was trained on. */
async function humanLabels(): Promise<StoredLabel[]> {
  const lines = (await readFile(repo('eval/sets/switchboard-eval.jsonl'), 'utf8')).split('\n').filter((l) => l.trim());
  return lines.map((l, i) => {
    const r = JSON.parse(l) as { id: string; subject: string; body: string; expected: { category: Category } };
    return {
      ticketId: r.id,
      subject: r.subject,
      body: r.body,
      category: r.expected.category,
      source: 'human',
      at: new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString(),
    };
  });
}

describe('champion against challenger', () => {
  let seed: LabelledTicket[];
  let human: StoredLabel[];
  let good: LocalModel;
  beforeAll(async () => {
    seed = await readLabelledTickets(repo('eval/training/switchboard-train.jsonl'));
    human = await humanLabels();
    good = trainLocalModel(seed, { seed: 1 }).model;
  });

  it('rejects a challenger that is wrong where people were right', () => {
    const bad = trainLocalModel(
      seed.map((t) => ({ ...t, category: swap(t.category), fineLabel: undefined })),
      { seed: 1 },
    ).model;
    const c = compareModels(good, bad, human, { threshold: 0.9, target: 0.9 });
    expect(c.verdict).toBe('worse');
    expect(c.challenger.accuracy ?? 0).toBeLessThan(0.5);
    expect(c.why).toMatch(/challenger takes .* champion .* of 349 held-back human labels/);
  });

  it('keeps a challenger that takes more at the target, and judges the same model as not worse', () => {
    const weak = trainLocalModel(seed.slice(0, 120), { seed: 1 }).model;
    const c = compareModels(weak, good, human, { threshold: 0.9, target: 0.9 });
    expect(c.verdict).toBe('not_worse');
    expect(c.meanGain).toBeGreaterThan(0);
    expect(compareModels(good, good, human, { threshold: 0.9, target: 0.9 }).verdict).toBe('not_worse');
  });

  it('values a ticket taken at exactly the target accuracy at nothing', () => {
    const t = 0.9;
    expect(0.9 * ticketValue(true, true, t) + 0.1 * ticketValue(true, false, t)).toBeCloseTo(0, 10);
    expect(ticketValue(false, false, t)).toBe(0);
  });

  it('holds back the most recent human labels the champion has not seen, and trains on the rest', () => {
    const machine: StoredLabel[] = human
      .slice(0, 50)
      .map((h) => ({ ...h, ticketId: `m-${h.ticketId}`, source: 'strong' }));
    const rule = { min: 100, max: 500, share: 0.3 };
    const { held, train, eligible } = holdBack([...human, ...machine], good, rule);
    expect(eligible).toBe(349);
    expect(held).toHaveLength(105);
    expect(held.every((r) => r.source === 'human')).toBe(true);
    // The most recent ones.
    expect(held[0]?.ticketId).toBe(human.at(-1)?.ticketId);
    expect(train).toHaveLength(349 - 105 + 50);
    // The champion's own training tickets are never held back: it has memorised them.
    const seen: StoredLabel[] = seed
      .slice(0, 200)
      .map((t, i) => ({ ...t, ticketId: `s-${i}`, source: 'human', at: '2026-12-06T00:00:00.000Z' }));
    expect(holdBack(seen, good, rule).eligible).toBe(0);
  });

  it('weighs people over machines and the seed down as the desk’s own data grows', () => {
    expect(seedWeight(0, 1000)).toBe(1);
    expect(seedWeight(1000, 1000)).toBe(0.5);
    expect(seedWeight(9000, 1000)).toBeCloseTo(0.1);
    const set = trainingSet(
      [
        { ...human[0]!, source: 'human' },
        { ...human[1]!, source: 'cheap' },
      ],
      seed.slice(0, 2),
    );
    expect(set.map((r) => r.weight)).toEqual([0.5, 0.5, 2, 0.5].map((w, i) => (i < 2 ? 2 / 4 : w)));
  });
});
