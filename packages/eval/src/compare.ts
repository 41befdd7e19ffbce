import { CATEGORIES, type Category } from '@switchboard/core';
import type { EvalRunFile } from './run-file.js';
import { mcnemarExactP, noiseFloorPoints, pairedNoiseFloorPoints, twoProportionP } from './stats.js';

export interface CategoryMove {
  category: Category;
  support: number;
  baselineRecall: number;
  runRecall: number;
  deltaPoints: number;
}

export interface Comparison {
  baselineAccuracy: number;
  runAccuracy: number;
  /** Positive when the run is worse than the baseline. */
  dropPoints: number;
  test: 'mcnemar' | 'two-proportion';
  pValue: number;
  /** Smallest drop this set size can tell from noise at 95%. */
  noiseFloorPoints: number;
  significant: boolean;
  /** Categories by how much their recall changed, worst first. */
  categories: CategoryMove[];
  sameSet: boolean;
  sameModel: boolean;
  samePrompt: boolean;
}

type RunLike = Pick<EvalRunFile, 'metrics' | 'items' | 'set' | 'model' | 'cascade'>;

/**
 * How a run compares with the baseline. On the same set the tickets are paired, so the exact
 * McNemar test uses only the tickets whose outcome changed; otherwise the two accuracies are
 * compared as independent samples.
 */
export function compareToBaseline(baseline: RunLike, run: RunLike): Comparison {
  const b = baseline.metrics;
  const r = run.metrics;
  const sameSet = baseline.set.sha256 === run.set.sha256;
  const baseById = new Map(baseline.items.filter((i) => !i.critical).map((i) => [i.id, i.predicted === i.expected]));
  let worse = 0;
  let better = 0;
  let paired = 0;
  if (sameSet) {
    for (const i of run.items) {
      if (i.critical) continue;
      const before = baseById.get(i.id);
      if (before === undefined) continue;
      paired++;
      const now = i.predicted === i.expected;
      if (before && !now) worse++;
      if (!before && now) better++;
    }
  }
  const usePaired = sameSet && paired > 0;
  const pValue = usePaired ? mcnemarExactP(worse, better) : twoProportionP(b.correct, b.scored, r.correct, r.scored);
  const categories = CATEGORIES.flatMap((c): CategoryMove[] => {
    const bc = b.perCategory[c];
    const rc = r.perCategory[c];
    if (!bc || !rc || (bc.support === 0 && rc.support === 0)) return [];
    return [
      {
        category: c,
        support: rc.support,
        baselineRecall: bc.recall,
        runRecall: rc.recall,
        deltaPoints: (rc.recall - bc.recall) * 100,
      },
    ];
  }).sort((x, y) => x.deltaPoints - y.deltaPoints);
  return {
    baselineAccuracy: b.accuracy,
    runAccuracy: r.accuracy,
    dropPoints: (b.accuracy - r.accuracy) * 100,
    test: usePaired ? 'mcnemar' : 'two-proportion',
    pValue,
    noiseFloorPoints: usePaired
      ? pairedNoiseFloorPoints(worse + better, paired)
      : noiseFloorPoints(b.correct, b.scored),
    significant: pValue < 0.05,
    categories,
    sameSet,
    sameModel: baseline.model === run.model,
    samePrompt: baseline.cascade.promptVersion === run.cascade.promptVersion,
  };
}
