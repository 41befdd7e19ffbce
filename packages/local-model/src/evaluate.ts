import { softmaxGroupsInto } from './linear.js';
import { expectedCalibrationError } from './metrics.js';
import { groupNll } from './temperature.js';

/** Predictions of one head over a set of rows, after summing classes into groups. */
export interface GroupPredictions {
  predicted: Int32Array;
  confidence: Float64Array;
  correct: boolean[];
}

export function groupPredictions(
  logits: Float64Array,
  K: number,
  groupOf: Int32Array,
  groups: number,
  target: Int32Array,
  temperature: number,
): GroupPredictions {
  const rows = target.length;
  const g = new Float64Array(groups);
  const predicted = new Int32Array(rows);
  const confidence = new Float64Array(rows);
  const correct: boolean[] = [];
  for (let r = 0; r < rows; r++) {
    g.fill(0);
    softmaxGroupsInto(logits, r * K, K, temperature, groupOf, g);
    let best = 0;
    for (let c = 1; c < groups; c++) if ((g[c] as number) > (g[best] as number)) best = c;
    predicted[r] = best;
    confidence[r] = g[best] as number;
    correct.push(best === target[r]);
  }
  return { predicted, confidence, correct };
}

export interface HeadReport {
  accuracy: number;
  ece: number;
  nll: number;
}

export function headReport(
  logits: Float64Array,
  K: number,
  groupOf: Int32Array,
  groups: number,
  target: Int32Array,
  temperature: number,
): HeadReport & { predictions: GroupPredictions } {
  const predictions = groupPredictions(logits, K, groupOf, groups, target, temperature);
  const right = predictions.correct.filter(Boolean).length;
  return {
    accuracy: target.length ? right / target.length : 0,
    ece: expectedCalibrationError(predictions.confidence, predictions.correct),
    nll: groupNll(logits, K, groupOf, target, temperature),
    predictions,
  };
}
