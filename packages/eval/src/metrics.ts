import { CATEGORIES, NOTE, type Category } from '@switchboard/core';
import type { EvalOutcome } from './runner.js';
import { quantile, wilsonInterval } from './stats.js';

export const VIAS = ['rule', 'local', 'cheap', 'strong', 'legacy', 'human'] as const;

export interface ReliabilityBin {
  from: number;
  to: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

export interface EvalMetrics {
  rows: number;
  /** Rows scored for category and priority: all but critical ones, which no model sees. */
  scored: number;
  correct: number;
  accuracy: number;
  accuracyCi95: { low: number; high: number };
  macroF1: number;
  perCategory: Record<Category, { support: number; precision: number; recall: number; f1: number }>;
  /** confusion[expected][predicted]; `none` when no tier answered. */
  confusion: Record<Category, Record<Category | 'none', number>>;
  priorityAccuracy: number | null;
  escalation: {
    rows: number;
    precision: number;
    recall: number;
    truePositive: number;
    falsePositive: number;
    falseNegative: number;
  } | null;
  /** Share of all rows by where they ended: a tier, or a human. */
  tierShare: Record<(typeof VIAS)[number], number>;
  /**
   * Share of all rows the local tier answered but passed on: its model on probation (not yet judged on
   * this desk's labels), or the ticket unlike its training data. A run whose local share is 0 says why.
   */
  localPassedOn: { probation: number; outOfDomain: number };
  costPer1k: number;
  costByModel: Record<string, number>;
  latencyMs: { p50: number; p95: number };
  reliability: ReliabilityBin[];
  ece: number;
  byLanguage: Record<string, { scored: number; accuracy: number }>;
  byTag: Record<string, { scored: number; accuracy: number }>;
}

/** The local tier's passes as a person reads them; empty when it passed nothing on. */
export function localPassedOnText(m: Pick<EvalMetrics, 'localPassedOn'>): string {
  const { probation, outOfDomain } = m.localPassedOn;
  const parts: string[] = [];
  if (probation > 0)
    parts.push(
      `${(probation * 100).toFixed(1)}% on probation (its model is not yet vetted on this desk’s labels: answers recorded, the next tier decided)`,
    );
  if (outOfDomain > 0) parts.push(`${(outOfDomain * 100).toFixed(1)}% unlike its training data`);
  return parts.join(' · ');
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function reliability(scored: readonly EvalOutcome[]): { bins: ReliabilityBin[]; ece: number } {
  const answered = scored.filter((o) => o.predicted);
  const bins: ReliabilityBin[] = Array.from({ length: 10 }, (_, i) => ({
    from: i / 10,
    to: (i + 1) / 10,
    n: 0,
    meanConfidence: 0,
    accuracy: 0,
  }));
  for (const o of answered) {
    const c = o.predicted?.confidence ?? 0;
    const bin = bins[Math.min(9, Math.floor(c * 10))] as ReliabilityBin;
    bin.n++;
    bin.meanConfidence += c;
    bin.accuracy += o.predicted?.category === o.expected.category ? 1 : 0;
  }
  let ece = 0;
  for (const b of bins) {
    if (b.n === 0) continue;
    b.meanConfidence /= b.n;
    b.accuracy /= b.n;
    ece += (b.n / Math.max(1, answered.length)) * Math.abs(b.accuracy - b.meanConfidence);
  }
  return { bins, ece };
}

function groupAccuracy(
  scored: readonly EvalOutcome[],
  keysOf: (o: EvalOutcome) => readonly string[],
): Record<string, { scored: number; accuracy: number }> {
  const acc: Record<string, { scored: number; accuracy: number }> = {};
  for (const o of scored) {
    for (const k of keysOf(o)) {
      const e = (acc[k] ??= { scored: 0, accuracy: 0 });
      e.scored++;
      if (o.predicted?.category === o.expected.category) e.accuracy++;
    }
  }
  for (const e of Object.values(acc)) e.accuracy = ratio(e.accuracy, e.scored);
  return acc;
}

/** Every figure of an eval run, from its outcomes alone. */
export function computeMetrics(outcomes: readonly EvalOutcome[]): EvalMetrics {
  const scored = outcomes.filter((o) => !o.critical);
  const correct = scored.filter((o) => o.predicted?.category === o.expected.category).length;
  const confusion = Object.fromEntries(
    CATEGORIES.map((c) => [c, Object.fromEntries([...CATEGORIES, 'none'].map((p) => [p, 0]))]),
  ) as EvalMetrics['confusion'];
  for (const o of scored) confusion[o.expected.category][o.predicted?.category ?? 'none']++;
  const perCategory = Object.fromEntries(
    CATEGORIES.map((c) => {
      const tp = confusion[c][c];
      const support = CATEGORIES.reduce((s, p) => s + confusion[c][p], confusion[c].none);
      const predicted = CATEGORIES.reduce((s, e) => s + confusion[e][c], 0);
      const precision = ratio(tp, predicted);
      const recall = ratio(tp, support);
      return [c, { support, precision, recall, f1: ratio(2 * precision * recall, precision + recall) }];
    }),
  ) as EvalMetrics['perCategory'];
  // Every label seen in either column: a category predicted but absent from the set still costs F1.
  const present = CATEGORIES.filter((c) => perCategory[c].support > 0 || CATEGORIES.some((e) => confusion[e][c] > 0));
  const withPriority = scored.filter((o) => o.expected.priority);
  const escRows = outcomes.filter((o) => o.expected.escalation !== undefined);
  const tp = escRows.filter((o) => o.escalated && o.expected.escalation).length;
  const fp = escRows.filter((o) => o.escalated && !o.expected.escalation).length;
  const fn = escRows.filter((o) => !o.escalated && o.expected.escalation).length;
  const costByModel: Record<string, number> = {};
  for (const o of outcomes)
    for (const [m, usd] of Object.entries(o.costByModel)) costByModel[m] = (costByModel[m] ?? 0) + usd;
  const totalCost = outcomes.reduce((s, o) => s + o.costUsd, 0);
  const rel = reliability(scored);
  // Critical tickets take no model time; counting their ~0 ms would flatter the percentiles.
  const latencies = scored.map((o) => o.latencyMs);
  return {
    rows: outcomes.length,
    scored: scored.length,
    correct,
    accuracy: ratio(correct, scored.length),
    accuracyCi95: wilsonInterval(correct, scored.length),
    macroF1: ratio(
      present.reduce((s, c) => s + perCategory[c].f1, 0),
      present.length,
    ),
    perCategory,
    confusion,
    priorityAccuracy: withPriority.length
      ? ratio(withPriority.filter((o) => o.predicted?.priority === o.expected.priority).length, withPriority.length)
      : null,
    escalation: escRows.length
      ? {
          rows: escRows.length,
          precision: ratio(tp, tp + fp),
          recall: ratio(tp, tp + fn),
          truePositive: tp,
          falsePositive: fp,
          falseNegative: fn,
        }
      : null,
    tierShare: Object.fromEntries(
      VIAS.map((v) => [v, ratio(outcomes.filter((o) => o.via === v).length, outcomes.length)]),
    ) as EvalMetrics['tierShare'],
    localPassedOn: {
      probation: ratio(outcomes.filter((o) => o.localDeclined === NOTE.localProbation).length, outcomes.length),
      outOfDomain: ratio(outcomes.filter((o) => o.localDeclined === NOTE.localOutOfDomain).length, outcomes.length),
    },
    costPer1k: ratio(totalCost, outcomes.length) * 1000,
    costByModel,
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    reliability: rel.bins,
    ece: rel.ece,
    byLanguage: groupAccuracy(scored, (o) => [o.language ?? 'unknown']),
    byTag: groupAccuracy(scored, (o) => o.tags),
  };
}
