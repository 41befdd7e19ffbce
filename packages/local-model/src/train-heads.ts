import { headReport, type GroupPredictions } from './evaluate.js';
import { chooseGuardedThreshold } from './metrics.js';
import { quantizeScorer, scoreQuantizedRows, type QuantizedScorer } from './quantize.js';
import { trainSoftmax } from './softmax-sgd.js';
import type { SparseRows } from './sparse.js';
import { fitTemperature } from './temperature.js';
import type { ModelThreshold } from './types.js';

/** One setting of the optimiser; several are tried and the calibration split picks one. */
export interface FitSetting {
  l2: number;
  learningRate: number;
  /** Power of the supervised column weights folded into the IDF; 0 or absent is plain TF-IDF. */
  supervisedWeight?: number;
  /**
   * Share of the loss on the fine label, the rest on the category its fine labels sum into (what
   * prediction reports); 1 or absent is plain softmax over fine labels. Needs `HeadFit.groupOf`.
   */
  fineWeight?: number;
}

export interface HeadMetrics {
  accuracy: number;
  eceBefore: number;
  eceAfter: number;
  nllBefore: number;
  nllAfter: number;
  temperature: number;
}

export interface HeadFit {
  epochs: number;
  seed: number;
  /** Rows of rare labels weigh (n / (K · n_label))^classBalance: 0 is none, 1 fully balanced. */
  classBalance: number;
  /** Category of each class, for a setting's `fineWeight`. */
  groupOf?: Int32Array;
  /** Each row's own weight (LabelledTicket.weight), multiplied into the class balancing. */
  sampleWeights?: Float32Array;
  onEpoch: () => void;
}

/** Softmax regression on one head's labels, quantised as the file will hold it. */
export function fitHead(
  x: SparseRows,
  y: Int32Array,
  classes: number,
  setting: FitSetting,
  fit: HeadFit,
): QuantizedScorer {
  let rowWeights: Float32Array | undefined;
  if (fit.classBalance > 0 || fit.sampleWeights) {
    const own = fit.sampleWeights;
    // Class counts are weighted too, so balancing evens out what the rows weigh, not how many there are.
    const counts = new Float64Array(classes);
    y.forEach((label, r) => (counts[label] = (counts[label] as number) + (own ? (own[r] as number) : 1)));
    const total = counts.reduce((a, b) => a + b, 0);
    const present = counts.filter((c) => c > 0).length;
    rowWeights = Float32Array.from(y, (label, r) => {
      const balance =
        fit.classBalance > 0 ? Math.pow(total / (present * (counts[label] as number)), fit.classBalance) : 1;
      return balance * (own ? (own[r] as number) : 1);
    });
    // Mean weight 1, so the L2 strength means the same with or without balancing.
    const mean = rowWeights.reduce((a, b) => a + b, 0) / Math.max(1, rowWeights.length);
    for (let i = 0; i < rowWeights.length; i++) rowWeights[i] = (rowWeights[i] as number) / mean;
  }
  return quantizeScorer(
    trainSoftmax(x, y, {
      classes,
      l2: setting.l2,
      eta0: setting.learningRate,
      epochs: fit.epochs,
      seed: fit.seed,
      rowWeights,
      groupOf: fit.groupOf,
      fineWeight: setting.fineWeight,
      onEpoch: fit.onEpoch,
    }),
  );
}

export interface CalibratedHead {
  temperature: number;
  metrics: HeadMetrics;
  /** Calibrated predictions on the calibration split, for thresholds and further metrics. */
  predictions: GroupPredictions;
}

/**
 * Fits the head's temperature on the calibration split (classes summed into `groupOf` groups) and
 * reports accuracy, ECE and log-loss there before and after.
 */
export function calibrateHead(
  model: QuantizedScorer,
  xCal: SparseRows,
  groupOf: Int32Array,
  groups: number,
  target: Int32Array,
): CalibratedHead {
  const logits = scoreQuantizedRows(model, xCal);
  const temperature = fitTemperature(logits, model.classes, groupOf, target);
  const before = headReport(logits, model.classes, groupOf, groups, target, 1);
  const after = headReport(logits, model.classes, groupOf, groups, target, temperature);
  return {
    temperature,
    metrics: {
      accuracy: after.accuracy,
      eceBefore: before.ece,
      eceAfter: after.ece,
      nllBefore: before.nll,
      nllAfter: after.nll,
      temperature,
    },
    predictions: after.predictions,
  };
}

export function thresholdsFor(p: GroupPredictions, targets: readonly number[]): ModelThreshold[] {
  return targets.map((target) => {
    const c = chooseGuardedThreshold(p.confidence, p.correct, target);
    return { targetAccuracy: target, threshold: c.threshold, coverage: c.coverage, accuracy: c.accuracy };
  });
}
