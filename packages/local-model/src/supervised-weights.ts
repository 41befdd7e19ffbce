import type { SparseRows } from './sparse.js';

/**
 * Per-column informativeness: how far the labels of the tickets containing a feature stray from the
 * labels overall (KL divergence, with the counts smoothed towards the prior so rare features cannot
 * look decisive). Returned as the factor (1 + KL)^power, to be multiplied into the IDF.
 */
export function supervisedColumnWeights(
  x: SparseRows,
  y: Int32Array,
  classes: number,
  power: number,
  smoothing = 10,
): Float32Array {
  const D = x.cols;
  const counts = new Float64Array(D * classes);
  const df = new Float64Array(D);
  const prior = new Float64Array(classes);
  for (let r = 0; r < x.rows; r++) {
    const label = y[r] as number;
    prior[label] = (prior[label] as number) + 1;
    for (let p = x.rowStart[r] as number; p < (x.rowStart[r + 1] as number); p++) {
      const col = x.indices[p] as number;
      counts[col * classes + label] = (counts[col * classes + label] as number) + 1;
      df[col] = (df[col] as number) + 1;
    }
  }
  for (let k = 0; k < classes; k++) prior[k] = (prior[k] as number) / Math.max(1, x.rows);
  const out = new Float32Array(D);
  for (let j = 0; j < D; j++) {
    const n = (df[j] as number) + smoothing;
    let kl = 0;
    for (let k = 0; k < classes; k++) {
      const q = prior[k] as number;
      if (q <= 0) continue;
      const p = ((counts[j * classes + k] as number) + smoothing * q) / n;
      kl += p * Math.log(p / q);
    }
    out[j] = Math.pow(1 + kl, power);
  }
  return out;
}

/**
 * The rows as the vectoriser would give them with each column's IDF scaled by `w`: values scaled,
 * then each block L2-normalised to its weight again. Saves a second pass over the text.
 */
export function scaleColumns(
  x: SparseRows,
  w: Float32Array,
  blockOf: Uint8Array,
  blockWeights: readonly number[],
): SparseRows {
  const values = new Float32Array(x.values.length);
  const sums = new Float64Array(blockWeights.length);
  for (let r = 0; r < x.rows; r++) {
    const from = x.rowStart[r] as number;
    const to = x.rowStart[r + 1] as number;
    sums.fill(0);
    for (let p = from; p < to; p++) {
      const col = x.indices[p] as number;
      const v = (x.values[p] as number) * (w[col] as number);
      values[p] = v;
      const b = blockOf[col] as number;
      sums[b] = (sums[b] as number) + v * v;
    }
    for (let p = from; p < to; p++) {
      const b = blockOf[x.indices[p] as number] as number;
      const sum = sums[b] as number;
      values[p] = sum > 0 ? ((values[p] as number) * (blockWeights[b] ?? 0)) / Math.sqrt(sum) : 0;
    }
  }
  return { ...x, values };
}
