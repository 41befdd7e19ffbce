import type { LinearScorer } from './linear.js';
import { createRng, shuffleInPlace } from './rng.js';
import type { SparseRows } from './sparse.js';

export interface SoftmaxOptions {
  classes: number;
  /** L2 strength per example (the objective is mean loss + l2/2 · |W|²). */
  l2: number;
  epochs: number;
  seed: number;
  /** Initial step; features are L2-normalised so steps near 1 are stable. */
  eta0?: number;
  /** Per-row weight on the loss (class balancing). */
  rowWeights?: Float32Array;
  /**
   * Group of each class (fine label → category). With `fineWeight` < 1 the loss mixes the fine
   * label's log-loss with the log-loss of its group's summed probability, which is what prediction
   * reports: the model need not separate fine labels that the data does not separate.
   */
  groupOf?: Int32Array;
  fineWeight?: number;
  /** The last this-many epochs are averaged (tail averaging smooths SGD noise into a near-optimum). */
  averageEpochs?: number;
  onEpoch?: (epoch: number) => void;
}

/** Below this a class's gradient is skipped: with many classes most are already near zero. */
const GRADIENT_FLOOR = 1e-4;

/**
 * Multinomial logistic regression by SGD: sparse updates, L2 by a global scale factor (so a step
 * costs the nonzeros, not the whole matrix), Bottou's decaying step and tail averaging.
 */
export function trainSoftmax(x: SparseRows, y: Int32Array, opts: SoftmaxOptions): LinearScorer {
  const K = opts.classes;
  const D = x.cols;
  const eta0 = opts.eta0 ?? 0.5;
  const l2 = opts.l2;
  const fineWeight = opts.groupOf ? (opts.fineWeight ?? 1) : 1;
  const groupOf = fineWeight < 1 ? opts.groupOf : undefined;
  const averageEpochs = Math.min(opts.averageEpochs ?? Math.ceil(opts.epochs / 2), opts.epochs);
  const v = new Float32Array(D * K);
  const bias = new Float64Array(K);
  const avgW = new Float64Array(D * K);
  const avgB = new Float64Array(K);
  const scores = new Float64Array(K);
  const grad = new Float64Array(K);
  const active = new Int32Array(K);
  const order = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) order[i] = i;
  const rand = createRng(opts.seed);
  let scale = 1;
  let t = 0;

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, rand);
    for (let o = 0; o < order.length; o++) {
      const r = order[o] as number;
      const from = x.rowStart[r] as number;
      const to = x.rowStart[r + 1] as number;
      const lr = eta0 / (1 + eta0 * l2 * t);
      t++;
      forwardInto(v, K, x.indices, x.values, from, to, scores);
      for (let k = 0; k < K; k++) scores[k] = (bias[k] as number) + scale * (scores[k] as number);
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, scores[k] as number);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp((scores[k] as number) - max);
        scores[k] = e;
        sum += e;
      }
      const weight = opts.rowWeights ? (opts.rowWeights[r] as number) : 1;
      const label = y[r] as number;
      let groupShare = 0;
      if (groupOf) {
        const own = groupOf[label] as number;
        let inGroup = 0;
        for (let k = 0; k < K; k++) if (groupOf[k] === own) inGroup += scores[k] as number;
        groupShare = (1 - fineWeight) / inGroup;
      }
      let nActive = 0;
      for (let k = 0; k < K; k++) {
        const p = (scores[k] as number) / sum;
        let target = k === label ? fineWeight : 0;
        if (groupOf && groupOf[k] === groupOf[label]) target += (scores[k] as number) * groupShare;
        const g = (p - target) * weight;
        if (Math.abs(g) > GRADIENT_FLOOR) {
          grad[nActive] = g;
          active[nActive++] = k;
        }
      }
      scale *= 1 - lr * l2;
      const step = lr / scale;
      for (let p = from; p < to; p++) {
        const c = step * (x.values[p] as number);
        const base = (x.indices[p] as number) * K;
        for (let a = 0; a < nActive; a++) {
          const idx = base + (active[a] as number);
          v[idx] = (v[idx] as number) - c * (grad[a] as number);
        }
      }
      for (let a = 0; a < nActive; a++) {
        const k = active[a] as number;
        bias[k] = (bias[k] as number) - lr * (grad[a] as number);
      }
      if (scale < 1e-6) {
        for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * scale;
        scale = 1;
      }
    }
    if (epoch >= opts.epochs - averageEpochs) {
      for (let i = 0; i < v.length; i++) avgW[i] = (avgW[i] as number) + (v[i] as number) * scale;
      for (let k = 0; k < K; k++) avgB[k] = (avgB[k] as number) + (bias[k] as number);
    }
    opts.onEpoch?.(epoch + 1);
  }
  const weights = new Float32Array(D * K);
  for (let i = 0; i < weights.length; i++) weights[i] = (avgW[i] as number) / averageEpochs;
  const outBias = new Float32Array(K);
  for (let k = 0; k < K; k++) outBias[k] = (avgB[k] as number) / averageEpochs;
  return { classes: K, cols: D, weights, bias: outBias };
}

/**
 * Σ_p x_p · w[col_p, k] for every class, four classes at a time in locals (they stay in registers,
 * which makes the forward pass, most of an epoch, about a third faster than summing into an array).
 */
function forwardInto(
  w: Float32Array,
  K: number,
  indices: Int32Array,
  values: Float32Array,
  from: number,
  to: number,
  out: Float64Array,
): void {
  for (let k0 = 0; k0 < K; k0 += 4) {
    const n = Math.min(4, K - k0);
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let p = from; p < to; p++) {
      const x = values[p] as number;
      const b = (indices[p] as number) * K + k0;
      a0 += x * (w[b] as number);
      if (n > 1) a1 += x * (w[b + 1] as number);
      if (n > 2) a2 += x * (w[b + 2] as number);
      if (n > 3) a3 += x * (w[b + 3] as number);
    }
    out[k0] = a0;
    if (n > 1) out[k0 + 1] = a1;
    if (n > 2) out[k0 + 2] = a2;
    if (n > 3) out[k0 + 3] = a3;
  }
}
