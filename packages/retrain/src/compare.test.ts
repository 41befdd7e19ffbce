import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, type Category } from '@switchboard/core';
import { readLabelledTickets, trainLocalModel, type LabelledTicket, type LocalModel } from '@switchboard/local-model';
import { compareModels, routedPoints, takes, ticketValue, vetModel, VET_MIN_KEPT } from './compare.js';
import { holdBack, inJudgingSlice, unseenPeople } from './holdout.js';
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

  it('judges a model on what the tier keeps: a ticket whose priority it is unsure of is passed on', () => {
    const categoryOnly = compareModels(good, good, human, { threshold: 0.9, target: 0.9 });
    const withPriority = compareModels(good, good, human, { threshold: 0.9, priorityThreshold: 0.8, target: 0.9 });
    expect(withPriority.champion.taken).toBeLessThan(categoryOnly.champion.taken);
    expect(withPriority.champion.taken).toBeGreaterThan(0);
    // Exactly the tickets the tier would keep, priority included.
    const kept = human.filter((t) => {
      const p = good.predict(t.subject, t.body);
      return !p.outOfDomain && p.categoryConfidence >= 0.9 && p.priority !== null && p.priorityConfidence >= 0.8;
    });
    expect(withPriority.champion.taken).toBe(kept.length);
    expect(human.filter((t) => takes(good.predict(t.subject, t.body), { threshold: 0.9 })).length).toBe(
      categoryOnly.champion.taken,
    );
  });

  it('ends probation only for a model shown accurate enough, on enough kept tickets, at 95% confidence', () => {
    const rule = { threshold: 0.9, target: 0.9 };
    const ok = vetModel(good, human, rule);
    expect(ok.vetted).toBe(true);
    expect(ok.accuracyLow).toBeGreaterThanOrEqual(0.88);
    expect(ok.accuracyLow).toBeLessThan(ok.figures.accuracy ?? 0);
    expect(ok.why).toMatch(/keeps .* of 349 people’s labels it never saw \(95% lower bound .*\) ≥ 88\.0%/);
    // The same model held to a target its lower bound does not reach.
    expect(vetModel(good, human, { ...rule, target: 0.999 }).vetted).toBe(false);
    // Too few kept tickets say nothing, however right they are.
    const few = human.filter((t) => takes(good.predict(t.subject, t.body), rule)).slice(0, VET_MIN_KEPT - 1);
    expect(vetModel(good, few, rule)).toMatchObject({ vetted: false, why: /fewer than 10 kept/ });
    const bad = trainLocalModel(
      seed.map((t) => ({ ...t, category: swap(t.category), fineLabel: undefined })),
      { seed: 1 },
    ).model;
    expect(vetModel(bad, human, rule).vetted).toBe(false);
  });

  it('states the margin in routed accuracy, and promotes no sideways move that keeps fewer tickets', () => {
    // Trained on fewer seed tickets: it keeps half as many as `good`, still above the accuracy floor.
    const weak = trainLocalModel(seed.slice(0, 300), { seed: 3 }).model;
    const rule = { threshold: 0.9, target: 0.9 };
    const c = compareModels(good, weak, human, rule);
    expect(c.challenger.accuracy ?? 0).toBeGreaterThanOrEqual(0.88);
    expect(c.routed.gain).toBeCloseTo(routedPoints(c.meanGain, 0.9), 10);
    expect(c.routed.lowerBound).toBeCloseTo(c.lowerBound * 0.1 * 100, 10);
    expect(c.routed.lowerBound).toBeLessThan(-0.5);
    expect(c.verdict).toBe('worse');
    expect(c.why).toMatch(
      /routed accuracy −\d+\.\d\d points, 95% lower bound −\d+\.\d\d ≤ −0\.5: not shown to be no worse/,
    );
    // The same figures against a margin wider than the bound: within what this desk accepts, but it
    // keeps fewer tickets than the champion without being shown better, so it is still not promoted.
    const lenient = compareModels(good, weak, human, { ...rule, marginPoints: Math.ceil(-c.routed.lowerBound) + 1 });
    expect(lenient.lowerBound).toBe(c.lowerBound);
    expect(lenient.challenger.taken).toBeLessThan(lenient.champion.taken);
    expect(lenient.verdict).toBe('keeps_fewer');
    expect(lenient.why).toMatch(/no worse, but it keeps fewer tickets without being shown better/);
  });

  it('judges probation on every person’s label a model never saw: the slice, and what came in after it was trained', () => {
    const early = human.slice(0, 200);
    const later = human.slice(200);
    // A model trained on the early labels (as a champion is, by an earlier retrain) and the seed.
    const champion = trainLocalModel(
      [...seed, ...early.map((r) => ({ id: r.ticketId, subject: r.subject, body: r.body, category: r.category }))],
      { seed: 1 },
    ).model;
    const machine: StoredLabel[] = later.map((r) => ({ ...r, ticketId: `m-${r.ticketId}`, source: 'strong' }));
    const critical: StoredLabel = { ...later[0]!, ticketId: 'crit', critical: true };
    const unseen = unseenPeople([...early, ...later, ...machine, critical], champion, { max: 1000, share: 0.5 });
    expect(unseen.map((r) => r.ticketId).sort()).toEqual(later.map((r) => r.ticketId).sort());
    expect(unseen[0]?.at).toBe(later.at(-1)?.at);
    expect(unseenPeople([...early, ...later], champion, { max: 10, share: 0.5 })).toHaveLength(10);
    // A model file that does not say what it was trained on: the judging slice alone.
    const unsaid = { ...champion, meta: { ...champion.meta, trainingRowHashes: null } };
    expect(unseenPeople([...early, ...later], unsaid, { max: 1000, share: 0.5 })).toEqual(
      [...early, ...later].filter((r) => inJudgingSlice(r, 0.5)).sort((a, b) => b.at.localeCompare(a.at)),
    );
  });

  it('values a ticket taken at exactly the target accuracy at nothing', () => {
    const t = 0.9;
    expect(0.9 * ticketValue(true, true, t) + 0.1 * ticketValue(true, false, t)).toBeCloseTo(0, 10);
    expect(ticketValue(false, false, t)).toBe(0);
  });

  it('judges on a fixed slice of people’s labels that no model trains on, most recent first', () => {
    const machine: StoredLabel[] = human
      .slice(0, 50)
      .map((h) => ({ ...h, ticketId: `m-${h.ticketId}`, source: 'strong' }));
    const rule = { min: 50, max: 80, share: 0.3 };
    const { held, train, eligible } = holdBack([...human, ...machine], good, rule);
    const slice = human.filter((h) => inJudgingSlice(h, 0.3));
    expect(eligible).toBe(slice.length);
    expect(slice.length / human.length).toBeGreaterThan(0.2);
    expect(slice.length / human.length).toBeLessThan(0.4);
    expect(held).toHaveLength(80);
    expect(held.every((r) => r.source === 'human' && inJudgingSlice(r, 0.3))).toBe(true);
    expect(held[0]?.ticketId).toBe(slice.at(-1)?.ticketId);
    // No model trains on the slice, machine labels are never in it, and the next run draws the same slice.
    expect(train).toHaveLength(human.length - slice.length + 50);
    expect(train.some((r) => inJudgingSlice(r, 0.3))).toBe(false);
    const again = holdBack([...human.slice(100), ...machine], good, rule).held.map((r) => r.ticketId);
    expect(again.length).toBeGreaterThanOrEqual(rule.min);
    expect(again).toEqual(held.map((r) => r.ticketId).slice(0, again.length));
    // A critical ticket never reaches a tier: it trains, but is never judged on.
    const critical = slice.map((r) => ({ ...r, critical: true }));
    expect(critical.some((r) => inJudgingSlice(r, 0.3))).toBe(false);
    expect(holdBack(critical, good, rule)).toMatchObject({ eligible: 0, train: critical });
    // Too few: nothing to judge on, and the slice still stays out of training.
    const few = holdBack(human.slice(0, 60), good, rule);
    expect(few.held).toHaveLength(0);
    expect(few.train.some((r) => inJudgingSlice(r, 0.3))).toBe(false);
    // The champion's own training tickets are never judged on: it has memorised them.
    const seen: StoredLabel[] = seed
      .slice(0, 200)
      .map((t, i) => ({ ...t, ticketId: `s-${i}`, source: 'human', at: '2026-12-06T00:00:00.000Z' }));
    expect(holdBack(seen, good, { ...rule, share: 1 }).eligible).toBe(0);
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
