export { quantile, wilsonInterval } from '@switchboard/core';

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/**
 * Exact McNemar test for the same tickets scored twice: only the tickets that changed say anything.
 * `worse` went from right to wrong, `better` from wrong to right. Two-sided p-value.
 */
export function mcnemarExactP(worse: number, better: number): number {
  const n = worse + better;
  if (n === 0) return 1;
  const k = Math.min(worse, better);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Two-sided p-value that two accuracies measured on independent sets differ (pooled z-test). */
export function twoProportionP(c1: number, n1: number, c2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 1;
  const p = (c1 + c2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return c1 / n1 === c2 / n2 ? 1 : 0;
  return 2 * (1 - normalCdf(Math.abs(c1 / n1 - c2 / n2) / se));
}

/**
 * The smallest accuracy drop (in points) that a set of `n` tickets, `correct` of them right, can
 * tell from noise at 95%: the half-width of the interval of a difference of two runs. The
 * Agresti–Coull estimate keeps a perfect score from claiming that any drop at all is real.
 */
export function noiseFloorPoints(correct: number, n: number): number {
  if (n === 0) return 100;
  const p = (correct + 2) / (n + 4);
  return 100 * 1.96 * Math.sqrt((2 * p * (1 - p)) / n);
}

/**
 * The paired version for the same tickets scored twice: the half-width of the interval of the
 * difference, from the tickets that changed (plus one, so no change at all still leaves some doubt).
 */
export function pairedNoiseFloorPoints(changed: number, n: number): number {
  if (n === 0) return 100;
  return (100 * 1.96 * Math.sqrt(changed + 1)) / n;
}
