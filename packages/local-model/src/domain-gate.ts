/**
 * The out-of-domain gate: the model's own test of whether a ticket is like the tickets it was
 * trained on. Two scores, both free at prediction time:
 * - coverage: the share of the ticket's features (words, word runs, character n-grams) that the
 *   vocabulary knows. Another language or another trade's vocabulary leaves most of them unknown.
 * - energy: log Σ exp(logit) over the fine labels before temperature, the evidence the ticket gives
 *   for any label at all. Known but uninformative words (greetings, function words) give little.
 * A ticket below either cut-off is out of domain, whatever its softmax says. The cut-offs are low
 * quantiles of the scores of the calibration split (held out of fitting and of the vocabulary, so
 * they look like new tickets of the same desk), chosen to turn away a small, stated share of them.
 */
export interface DomainGate {
  /** A ticket whose coverage is below this is out of domain. */
  coverageCut: number;
  /** A ticket whose energy is below this is out of domain; -Infinity when the gate has none. */
  energyCut: number;
  /** Share of the calibration split the cut-offs turn away (fitted), or null for a default gate. */
  rejectShare: number | null;
  calibrationRows: number;
}

/**
 * Share of in-domain calibration tickets the fitted gate may turn away, split between its two
 * scores. One point: the most a desk's own kind of ticket should lose to the gate (issue 14 allows
 * one point of in-domain share), and a desk that takes nearly everything (BANKING77) loses about that.
 */
export const DEFAULT_REJECT_SHARE = 0.01;

/**
 * The gate of a model file written before the gate existed (formatVersion 1): no energy cut-off
 * (its scale depends on the model, and the file has nothing to fit one on) and a coverage floor of
 * one half, so a ticket the model knows less than half of is turned away. Conservative by design:
 * retraining fits a gate on data.
 */
export const LEGACY_GATE: DomainGate = {
  coverageCut: 0.5,
  energyCut: Number.NEGATIVE_INFINITY,
  rejectShare: null,
  calibrationRows: 0,
};

/** log Σ_k exp(logits[from + k]) for k < K, computed stably. */
export function energyOf(logits: ArrayLike<number>, from: number, K: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < K; k++) max = Math.max(max, logits[from + k] as number);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp((logits[from + k] as number) - max);
  return max + Math.log(sum);
}

export function isInDomain(gate: DomainGate, coverage: number, energy: number): boolean {
  return coverage >= gate.coverageCut && energy >= gate.energyCut;
}

/** The largest value with at most `share` of `values` strictly below it (the lower empirical quantile). */
function lowerQuantile(values: ArrayLike<number>, share: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NEGATIVE_INFINITY;
  const at = Math.floor(share * sorted.length);
  return sorted[Math.min(at, sorted.length - 1)] as number;
}

/**
 * Fits the cut-offs on calibration tickets: each score's cut-off is the quantile that turns away
 * half of `rejectShare` of them, so together they turn away at most `rejectShare`.
 */
export function fitDomainGate(
  coverage: ArrayLike<number>,
  energy: ArrayLike<number>,
  rejectShare = DEFAULT_REJECT_SHARE,
): DomainGate {
  if (!(rejectShare >= 0 && rejectShare < 1)) throw new Error(`rejectShare must be in [0, 1); got ${rejectShare}`);
  return {
    coverageCut: Math.max(0, lowerQuantile(coverage, rejectShare / 2)),
    energyCut: lowerQuantile(energy, rejectShare / 2),
    rejectShare,
    calibrationRows: coverage.length,
  };
}
