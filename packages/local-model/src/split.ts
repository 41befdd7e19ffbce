import { createRng, shuffleInPlace } from './rng.js';

export interface Split {
  /** Row indices kept for fitting, ascending. */
  readonly keep: number[];
  /** Row indices held out, ascending. */
  readonly held: number[];
}

/**
 * Holds out `fraction` of each label's rows, chosen by `seed`, so a rare label is in both parts in
 * proportion. A label with a single row stays in `keep`: the model cannot learn it otherwise.
 */
export function stratifiedSplit(labels: readonly string[], fraction: number, seed: number): Split {
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const rows = byLabel.get(label);
    if (rows) rows.push(i);
    else byLabel.set(label, [i]);
  });
  const rand = createRng(seed);
  const keep: number[] = [];
  const held: number[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const rows = byLabel.get(label) ?? [];
    shuffleInPlace(rows, rand);
    const n = rows.length < 2 ? 0 : Math.min(rows.length - 1, Math.round(rows.length * fraction));
    held.push(...rows.slice(0, n));
    keep.push(...rows.slice(n));
  }
  return { keep: keep.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
}

/**
 * As `stratifiedSplit`, but only the rows in `pool` may be held out; every other row is kept for
 * fitting. Used to calibrate on trusted labels (people's) while fitting on all of them.
 */
export function stratifiedSplitWithin(
  labels: readonly string[],
  pool: readonly boolean[],
  fraction: number,
  seed: number,
): Split {
  const at = labels.flatMap((_, i) => (pool[i] ? [i] : []));
  const inner = stratifiedSplit(
    at.map((i) => labels[i] as string),
    fraction,
    seed,
  );
  const held = inner.held.map((j) => at[j] as number);
  const out = new Set(held);
  return { keep: labels.flatMap((_, i) => (out.has(i) ? [] : [i])), held };
}

/** Assigns each row to one of `k` folds, each label's rows spread evenly over the folds in a seeded order. */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): Int32Array {
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const rows = byLabel.get(label);
    if (rows) rows.push(i);
    else byLabel.set(label, [i]);
  });
  const rand = createRng(seed);
  const foldOf = new Int32Array(labels.length);
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const rows = byLabel.get(label) ?? [];
    shuffleInPlace(rows, rand);
    // Continue the round-robin across labels so small labels do not all start in fold 0.
    for (const row of rows) foldOf[row] = next++ % k;
  }
  return foldOf;
}
