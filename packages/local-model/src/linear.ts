/** A linear scorer over sparse features: weights are feature-major (the K class weights of a column are adjacent). */
export interface LinearScorer {
  readonly classes: number;
  readonly cols: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** Softmax of `logits[from..from+K)` divided by `temperature`, into `out`. */
export function softmaxInto(
  logits: ArrayLike<number>,
  from: number,
  K: number,
  temperature: number,
  out: Float64Array,
): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, (logits[from + k] as number) / temperature);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((logits[from + k] as number) / temperature - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) / sum;
}

/**
 * softmax(logits[from..from+K) / T) with each class's probability added into its group (fine
 * labels into categories) in `out`, which must be zeroed. Training's calibration and prediction
 * both use this, so a threshold chosen in one compares the very numbers the other produces.
 */
export function softmaxGroupsInto(
  logits: ArrayLike<number>,
  from: number,
  K: number,
  temperature: number,
  groupOf: Int32Array,
  out: Float64Array,
): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, (logits[from + k] as number) / temperature);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((logits[from + k] as number) / temperature - max);
    sum += e;
    const g = groupOf[k] as number;
    out[g] = (out[g] as number) + e;
  }
  for (let g = 0; g < out.length; g++) out[g] = (out[g] as number) / sum;
}
