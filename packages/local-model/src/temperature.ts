import { softmaxInto } from './linear.js';

/**
 * Mean negative log-likelihood of the true group when the K classes' softmax(logits / T) is summed
 * into groups (fine labels into categories): the quantity temperature scaling minimises.
 */
export function groupNll(
  logits: Float64Array,
  K: number,
  groupOf: Int32Array,
  target: Int32Array,
  temperature: number,
): number {
  const rows = target.length;
  const p = new Float64Array(K);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    softmaxInto(logits, r * K, K, temperature, p);
    let q = 0;
    for (let k = 0; k < K; k++) if (groupOf[k] === target[r]) q += p[k] as number;
    total -= Math.log(Math.max(q, 1e-12));
  }
  return total / Math.max(1, rows);
}

/**
 * The lowest temperature training fits and loading accepts. A regularised linear model is somewhat
 * underconfident on its own kind of text, and a temperature a little below 1 corrects that (0.6 on
 * BANKING77, with calibration error 0.01 after). Far below 1 it only says the calibration split was
 * easy: the project's 1,260 templated tickets fitted 0.30, which made the model 90% sure of half of
 * other desks' tickets while it was right on about half of them. Sharpening stops at 2× here.
 */
export const MIN_TEMPERATURE = 0.5;

/**
 * The temperature that minimises held-out group NLL, by golden-section search on log T (the NLL is
 * unimodal in T for a fixed model), never below MIN_TEMPERATURE. Fitted on the calibration split only.
 */
export function fitTemperature(logits: Float64Array, K: number, groupOf: Int32Array, target: Int32Array): number {
  if (target.length === 0) return 1;
  const f = (logT: number): number => groupNll(logits, K, groupOf, target, Math.exp(logT));
  let lo = Math.log(MIN_TEMPERATURE);
  let hi = Math.log(50);
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 60 && hi - lo > 1e-4; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = f(b);
    }
  }
  return Math.max(MIN_TEMPERATURE, Math.exp((lo + hi) / 2));
}
