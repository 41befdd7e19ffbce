import { wilsonLower } from '@switchboard/core';
import type { LocalModel } from '@switchboard/local-model';
import type { StoredLabel } from './training-set.js';

/** What a model would do in the local tier on the held-back tickets. */
export interface TierFigures {
  /** Share of the held-back tickets it takes (confident enough and in domain). */
  share: number;
  /** Accuracy on what it takes; null when it takes none. */
  accuracy: number | null;
  taken: number;
}

export interface Comparison {
  tickets: number;
  champion: TierFigures;
  challenger: TierFigures;
  /** Mean per-ticket gain of the challenger over the champion (see `ticketValue`), and its one-sided 95% lower bound. */
  meanGain: number;
  lowerBound: number;
  /** Non-inferiority margin on the mean gain (value units: `marginPoints` of routed accuracy). */
  margin: number;
  /** The same gain, bound and margin as points of routed accuracy (see `routedPoints`). */
  routed: { gain: number; lowerBound: number; margin: number };
  /**
   * `not_worse`: promote. `worse`: not shown within the margin, or below the accuracy floor.
   * `keeps_fewer`: within the margin, but it keeps fewer tickets than the champion without being shown
   * better: paid calls would rise for nothing shown.
   */
  verdict: 'not_worse' | 'worse' | 'keeps_fewer';
  why: string;
}

/**
 * A ticket's value in the local tier against passing it on: +1 when it takes it right, 0 when it
 * declines, and −target/(1−target) when it takes it wrong, so that taking tickets at exactly the
 * target accuracy is worth nothing and a model gains only by taking more at or above it.
 */
export const ticketValue = (taken: boolean, right: boolean, target: number): number =>
  !taken ? 0 : right ? 1 : -target / (1 - target);

/**
 * A per-ticket value gain as a change in routed accuracy, in points. Passing a ticket on, the paid
 * tiers route it right about `target` of the time; taking it right adds 1 − target of a right answer,
 * taking it wrong loses target: (1 − target) × value.
 */
export const routedPoints = (value: number, target: number): number => value * (1 - target) * 100;

/**
 * How much routed accuracy a challenger may lose against the champion, at 95% confidence, and still be
 * "not worse": half a point. A margin near zero turns the non-inferiority test into a demand for a
 * clear win, which a few hundred people's labels cannot show at a 95% target (a wrong answer costs 19
 * right ones): challengers keeping 80% at 97% against a champion's 70% were rejected for weeks. The
 * floor the tier promises is held apart, by the accuracy check below, probation and the live guard.
 */
export const DEFAULT_MARGIN_POINTS = 0.5;

const figures = (taken: boolean[], right: boolean[]): TierFigures => {
  const n = taken.filter(Boolean).length;
  const ok = taken.filter((t, i) => t && right[i]).length;
  return { share: taken.length ? n / taken.length : 0, accuracy: n ? ok / n : null, taken: n };
};

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** When the local tier keeps a ticket: the same rule as the tier and the cascade. */
export interface TakeRule {
  threshold: number;
  /**
   * The cascade passes a ticket on when the local model is sure of the category but not of the
   * priority (a paid tier follows), so a model is judged on what it would keep, priority included.
   * Undefined: the category alone decides (a fleet with no paid tier).
   */
  priorityThreshold?: number | undefined;
}

/** Whether the tier keeps this prediction. */
export const takes = (p: ReturnType<LocalModel['predict']>, rule: TakeRule): boolean =>
  !p.outOfDomain &&
  p.categoryConfidence >= rule.threshold &&
  (rule.priorityThreshold === undefined || (p.priority !== null && p.priorityConfidence >= rule.priorityThreshold));

/**
 * Champion and challenger on the same held-back tickets (recent human and feedback labels neither was
 * trained on), where the tier would keep them. A null champion is the tier with no model (the
 * registry was empty): every ticket passed on.
 * The challenger is "not worse" when the one-sided 95% lower bound of its mean per-ticket gain (a
 * paired test: each ticket is scored by both) is above −margin, and its accuracy on what it takes is
 * within `slack` of the target.
 */
export function compareModels(
  champion: LocalModel | null,
  challenger: LocalModel,
  held: readonly StoredLabel[],
  opts: TakeRule & { target: number; marginPoints?: number | undefined; slack?: number },
): Comparison {
  const marginPoints = opts.marginPoints ?? DEFAULT_MARGIN_POINTS;
  const margin = marginPoints / 100 / (1 - opts.target);
  const slack = opts.slack ?? 0.02;
  const run = (m: LocalModel) =>
    held.map((t) => {
      const p = m.predict(t.subject, t.body);
      return { taken: takes(p, opts), right: p.category === t.category };
    });
  // No champion: the tier passes every ticket on (what the fleet does without a local model).
  const a = champion ? run(champion) : held.map(() => ({ taken: false, right: false }));
  const b = run(challenger);
  const gains = held.map(
    (_, i) => ticketValue(b[i]!.taken, b[i]!.right, opts.target) - ticketValue(a[i]!.taken, a[i]!.right, opts.target),
  );
  const n = gains.length;
  const mean = n ? gains.reduce((s, g) => s + g, 0) / n : 0;
  const sd = n > 1 ? Math.sqrt(gains.reduce((s, g) => s + (g - mean) ** 2, 0) / (n - 1)) : 0;
  const lowerBound = n ? mean - (1.645 * sd) / Math.sqrt(n) : Number.NEGATIVE_INFINITY;
  const champ = figures(
    a.map((x) => x.taken),
    a.map((x) => x.right),
  );
  const chal = figures(
    b.map((x) => x.taken),
    b.map((x) => x.right),
  );
  const accurateEnough = chal.accuracy === null || chal.accuracy >= opts.target - slack;
  const notWorse = lowerBound > -margin && accurateEnough;
  // A sideways move is not a promotion: measured in the learning-curve bench, a challenger keeping 73%
  // against the champion's 77% at the same accuracy passed the margin, and the live share fell.
  const worthIt = chal.taken >= champ.taken || lowerBound > 0;
  const against = champion
    ? `champion ${pct(champ.share)} at ${pct(champ.accuracy)}`
    : 'against passing every ticket on';
  const line = `challenger takes ${pct(chal.share)} at ${pct(chal.accuracy)}, ${against} of ${n} held-back human labels`;
  const routed = {
    gain: routedPoints(mean, opts.target),
    lowerBound: routedPoints(lowerBound, opts.target),
    margin: marginPoints,
  };
  const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  const gainLine = `routed accuracy ${pts(routed.gain)} points, 95% lower bound ${pts(routed.lowerBound)}`;
  const why = notWorse
    ? worthIt
      ? `${line}; ${gainLine} > −${marginPoints}`
      : `${line}; ${gainLine}: no worse, but it keeps fewer tickets without being shown better, so paid calls would rise`
    : !accurateEnough
      ? `${line}; its accuracy is more than ${Math.round(slack * 100)} points below the target ${pct(opts.target)}`
      : `${line}; ${gainLine} ≤ −${marginPoints}: not shown to be no worse`;
  return {
    tickets: n,
    champion: champ,
    challenger: chal,
    meanGain: mean,
    lowerBound,
    margin,
    routed,
    verdict: !notWorse ? 'worse' : worthIt ? 'not_worse' : 'keeps_fewer',
    why,
  };
}

/** Kept tickets a model needs in the judging slice before its probation can end. */
export const VET_MIN_KEPT = 10;

export interface Vetting {
  vetted: boolean;
  figures: TierFigures;
  /** One-sided 95% lower bound of its accuracy on what it keeps. */
  accuracyLow: number;
  why: string;
}

/**
 * Whether a model on probation has shown, on this desk's own people's labels, what the tier promises:
 * accuracy on what it keeps no more than `slack` below the target, at 95% confidence (the one-sided
 * Wilson lower bound), on at least `VET_MIN_KEPT` kept tickets.
 */
export function vetModel(
  model: LocalModel,
  held: readonly StoredLabel[],
  opts: TakeRule & { target: number; slack?: number },
): Vetting {
  const slack = opts.slack ?? 0.02;
  const outcomes = held.map((t) => {
    const p = model.predict(t.subject, t.body);
    return { taken: takes(p, opts), right: p.category === t.category };
  });
  const f = figures(
    outcomes.map((o) => o.taken),
    outcomes.map((o) => o.right),
  );
  const right = outcomes.filter((o) => o.taken && o.right).length;
  const accuracyLow = wilsonLower(right, f.taken, 1.645);
  const floor = opts.target - slack;
  const vetted = f.taken >= VET_MIN_KEPT && accuracyLow >= floor;
  const line = `keeps ${pct(f.share)} at ${pct(f.accuracy)} of ${held.length} people’s labels it never saw (95% lower bound ${pct(accuracyLow)})`;
  const why = vetted
    ? `${line} ≥ ${pct(floor)}, the target less ${Math.round(slack * 100)} points`
    : f.taken < VET_MIN_KEPT
      ? `${line}: fewer than ${VET_MIN_KEPT} kept to judge`
      : `${line} < ${pct(floor)}, the target less ${Math.round(slack * 100)} points: not shown yet`;
  return { vetted, figures: f, accuracyLow, why };
}
