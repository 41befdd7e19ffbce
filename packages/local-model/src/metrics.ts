/** Share of `correct` that is true. */
export function accuracy(correct: readonly boolean[]): number {
  if (correct.length === 0) return 0;
  let n = 0;
  for (const c of correct) if (c) n++;
  return n / correct.length;
}

/** Unweighted mean of per-label F1 over the labels present in `gold` or `predicted`. */
export function macroF1(gold: readonly string[], predicted: readonly string[]): number {
  const labels = [...new Set([...gold, ...predicted])];
  if (labels.length === 0) return 0;
  let total = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i] === label;
      const p = predicted[i] === label;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    total += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return total / labels.length;
}

/**
 * Expected calibration error: confidences in `bins` equal-width bins, the gap between each bin's
 * mean confidence and its accuracy, weighted by the bin's share of the rows.
 */
export function expectedCalibrationError(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins = 10,
): number {
  const n = confidences.length;
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const right = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const c = confidences[i] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(c * bins)));
    count[b] = (count[b] as number) + 1;
    conf[b] = (conf[b] as number) + c;
    if (correct[i]) right[b] = (right[b] as number) + 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const m = count[b] as number;
    if (m > 0) ece += Math.abs((conf[b] as number) - (right[b] as number)) / n;
  }
  return ece;
}

export interface ThresholdChoice {
  /** Accept an answer when its confidence is at least this; null when no threshold meets the target. */
  threshold: number | null;
  /** Share of the rows at or above the threshold, and their accuracy, on the rows it was chosen on. */
  coverage: number;
  accuracy: number;
}

/**
 * The lowest confidence threshold at which the accepted rows are at least `target` accurate: the
 * most rows the tier can take while meeting the target. Rows with equal confidence are taken or
 * left together, since a threshold cannot split them.
 */
export function chooseThreshold(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  target: number,
): ThresholdChoice {
  const n = confidences.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (confidences[b] as number) - (confidences[a] as number),
  );
  let best: ThresholdChoice = { threshold: null, coverage: 0, accuracy: 0 };
  let right = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i] as number;
    if (correct[row]) right++;
    const next = order[i + 1];
    const c = confidences[row] as number;
    if (next !== undefined && confidences[next] === c) continue;
    const acc = right / (i + 1);
    if (acc >= target) best = { threshold: c, coverage: (i + 1) / n, accuracy: acc };
  }
  return best;
}

/**
 * Like chooseThreshold, but judges each candidate by the mean calibrated confidence of the rows it
 * accepts rather than by counting their hits. With calibrated confidences both estimate the same
 * accuracy, but the mean is smooth, so taking the lowest threshold that meets the target does not
 * pick a lucky run of hits that new tickets will not repeat. Coverage and accuracy are reported as
 * counted on these rows.
 */
export function chooseCalibratedThreshold(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  target: number,
): ThresholdChoice {
  const n = confidences.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (confidences[b] as number) - (confidences[a] as number),
  );
  let best: ThresholdChoice = { threshold: null, coverage: 0, accuracy: 0 };
  let sum = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i] as number;
    const c = confidences[row] as number;
    sum += c;
    if (correct[row]) right++;
    const next = order[i + 1];
    if (next !== undefined && confidences[next] === c) continue;
    if (sum / (i + 1) >= target) best = { threshold: c, coverage: (i + 1) / n, accuracy: right / (i + 1) };
  }
  return best;
}

/** Lower end of the 95% Wilson interval of a share of `n` rows: how low the true share may be. */
export function wilsonLower(share: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const z2 = z * z;
  const centre = share + z2 / (2 * n);
  const spread = z * Math.sqrt((share * (1 - share)) / n + z2 / (4 * n * n));
  return (centre - spread) / (1 + z2 / n);
}

/**
 * The lowest threshold a target may get when the calibration split cannot vouch for taking every
 * row: below one half the tier would accept answers the model itself rates more likely wrong than
 * right, which only an average over surer rows excuses.
 */
export const MIN_THRESHOLD = 0.5;

/** Wrong answers a calibration split must hold before it can vouch for taking every row. */
export const MIN_ERRORS_TO_TAKE_ALL = 10;

/**
 * chooseCalibratedThreshold, guarded against an easy calibration split. A split can vouch for
 * taking every row (a threshold below its lowest confidence) only when it shows where the model
 * fails, at least MIN_ERRORS_TO_TAKE_ALL wrong answers, and the 95% lower bound of its accuracy
 * still meets the target: 1,600 BANKING77 rows with 56 errors do; the project's 250 templated rows
 * with 4 errors do not, so its threshold stays at MIN_THRESHOLD or above and the rows the model
 * gives less than even odds stay out.
 */
export function chooseGuardedThreshold(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  target: number,
): ThresholdChoice {
  const c = chooseCalibratedThreshold(confidences, correct, target);
  if (c.threshold === null || c.threshold >= MIN_THRESHOLD || c.coverage < 1) return c;
  const n = confidences.length;
  const wrong = Math.round(n * (1 - c.accuracy));
  if (wrong >= MIN_ERRORS_TO_TAKE_ALL && wilsonLower(c.accuracy, n) >= target) return c;
  const at = coverageAt(confidences, correct, MIN_THRESHOLD);
  return at.taken > 0
    ? { threshold: MIN_THRESHOLD, coverage: at.coverage, accuracy: at.accuracy }
    : { threshold: null, coverage: 0, accuracy: 0 };
}

/** Coverage and accuracy of the rows at or above `threshold`. */
export function coverageAt(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  threshold: number | null,
): { coverage: number; accuracy: number; taken: number } {
  let taken = 0;
  let right = 0;
  for (let i = 0; i < confidences.length; i++) {
    if (threshold !== null && (confidences[i] as number) >= threshold) {
      taken++;
      if (correct[i]) right++;
    }
  }
  return { coverage: confidences.length ? taken / confidences.length : 0, accuracy: taken ? right / taken : 0, taken };
}
