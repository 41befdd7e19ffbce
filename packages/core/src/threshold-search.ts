import { wilsonInterval } from './stats.js';
import type { TierName } from './decision-record.js';
import type { Category } from './taxonomy.js';

/** What one tier answered for one labelled ticket during calibration. */
export interface TierObservation {
  /** Null when the tier abstained, failed or answered invalid output. */
  category: Category | null;
  confidence: number;
  costUsd: number;
}

export interface LabelledObservation {
  label: Category;
  /** One entry per tier, in cascade order. */
  tiers: readonly TierObservation[];
}

export interface SearchTier {
  name: TierName;
  /** Fixed tiers (the rule tier) keep their threshold; the others are searched. */
  fixedThreshold?: number;
}

export interface CurvePoint {
  /** null: the tier is switched off (never called, costs nothing). */
  thresholds: Partial<Record<TierName, number | null>>;
  coverage: number;
  accuracy: number;
  /** Wilson lower bound of accuracy at 95%: what the search requires to clear the target. */
  accuracyLow: number;
  modelCostPer1k: number;
  totalCostPer1k: number;
  share: Partial<Record<TierName | 'human', number>>;
}

export interface SearchOptions {
  target: number;
  /** What a human handling one ticket costs, in the same dollars as model calls. */
  humanCostUsd: number;
  grid?: readonly (number | null)[];
}

/** Wilson score interval lower bound: a small calibration set must earn its accuracy claim. */
export function wilsonLower(correct: number, n: number, z = 1.96): number {
  return n === 0 ? 0 : wilsonInterval(correct, n, z).low;
}

export const DEFAULT_GRID: readonly (number | null)[] = [
  null,
  0,
  ...Array.from({ length: 36 }, (_, i) => Math.round((0.3 + i * 0.02) * 100) / 100),
];

/** Runs the cascade's acceptance rule over recorded answers for one set of thresholds. */
export function simulate(
  obs: readonly LabelledObservation[],
  tiers: readonly SearchTier[],
  thresholds: readonly (number | null)[],
  humanCostUsd: number,
): CurvePoint {
  let decided = 0;
  let correct = 0;
  let modelCost = 0;
  const perTier = new Array<number>(tiers.length).fill(0);
  for (const o of obs) {
    let done = false;
    for (let t = 0; t < tiers.length && !done; t++) {
      const a = o.tiers[t];
      const threshold = thresholds[t];
      if (!a || threshold === null || threshold === undefined) continue;
      modelCost += a.costUsd;
      if (a.category !== null && a.confidence >= threshold) {
        decided++;
        perTier[t] = (perTier[t] ?? 0) + 1;
        if (a.category === o.label) correct++;
        done = true;
      }
    }
  }
  const n = obs.length || 1;
  const humans = obs.length - decided;
  const share: CurvePoint['share'] = { human: humans / n };
  tiers.forEach((tier, i) => (share[tier.name] = (perTier[i] ?? 0) / n));
  return {
    thresholds: Object.fromEntries(tiers.map((tier, i) => [tier.name, thresholds[i] ?? null])),
    coverage: decided / n,
    accuracy: decided ? correct / decided : 0,
    accuracyLow: wilsonLower(correct, decided),
    modelCostPer1k: (modelCost / n) * 1000,
    totalCostPer1k: ((modelCost + humans * humanCostUsd) / n) * 1000,
    share,
  };
}

/**
 * Chooses every searched tier's threshold so that, on what the machines route, accuracy is at least
 * `target` at a 95% lower bound, at the lowest total cost (model calls plus humans for the rest).
 * Returns the choice (undefined if no setting reaches the target) and the frontier for printing.
 */
export function searchThresholds(
  obs: readonly LabelledObservation[],
  tiers: readonly SearchTier[],
  opts: SearchOptions,
): { best: CurvePoint | undefined; frontier: CurvePoint[] } {
  const grid = opts.grid ?? DEFAULT_GRID;
  const choices = tiers.map((t) => (t.fixedThreshold !== undefined ? [t.fixedThreshold] : grid));
  const all: CurvePoint[] = [];
  const walk = (i: number, picked: (number | null)[]): void => {
    if (i === choices.length) {
      all.push(simulate(obs, tiers, picked, opts.humanCostUsd));
      return;
    }
    for (const v of choices[i] ?? []) walk(i + 1, [...picked, v]);
  };
  walk(0, []);
  const meets = all.filter((p) => p.coverage > 0 && p.accuracyLow >= opts.target);
  const cheaper = (a: CurvePoint, b: CurvePoint): CurvePoint =>
    a.totalCostPer1k < b.totalCostPer1k - 1e-9 ||
    (Math.abs(a.totalCostPer1k - b.totalCostPer1k) <= 1e-9 && a.coverage > b.coverage)
      ? a
      : b;
  const best = meets.reduce<CurvePoint | undefined>((acc, p) => (acc ? cheaper(p, acc) : p), undefined);
  // Frontier: for each coverage level, the most accurate setting, keeping only those not beaten on both.
  const sorted = [...all].sort((a, b) => b.coverage - a.coverage || b.accuracy - a.accuracy);
  const frontier: CurvePoint[] = [];
  let bestAcc = -1;
  for (const p of sorted) {
    if (p.accuracy > bestAcc + 1e-9) {
      frontier.push(p);
      bestAcc = p.accuracy;
    }
  }
  return { best, frontier: frontier.reverse() };
}
